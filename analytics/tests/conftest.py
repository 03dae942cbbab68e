import pytest


@pytest.fixture(autouse=True)
def _fresh_calendar_and_media(settings, tmp_path):  # noqa: ANN001
    """Reports are stored under MEDIA_ROOT; the working-day calendar is cached per process."""
    from core import calendar

    settings.MEDIA_ROOT = tmp_path / "media"
    calendar.invalidate()
    yield
    calendar.invalidate()
