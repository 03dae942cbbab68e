import pytest


@pytest.fixture(autouse=True)
def _fresh_calendar_and_media(settings, tmp_path):  # noqa: ANN001
    """A fresh working-day calendar per test, and uploads in a temporary folder."""
    from core import calendar

    settings.MEDIA_ROOT = tmp_path / "media"
    calendar.invalidate()
    yield
    calendar.invalidate()
