import pytest


@pytest.fixture(autouse=True)
def _fresh_calendar_and_media(settings, tmp_path):  # noqa: ANN001
    """Overrides made by one test must not leak into the next through the process-wide calendar cache."""
    from core import calendar

    settings.MEDIA_ROOT = tmp_path / "media"
    calendar.invalidate()
    yield
    calendar.invalidate()
