import pytest


@pytest.fixture(autouse=True)
def _fresh_calendar_and_media(settings, tmp_path):  # noqa: ANN001
    """Reports are stored under MEDIA_ROOT; the working-day calendar is cached per process."""
    from core import calendar

    settings.MEDIA_ROOT = tmp_path / "media"
    calendar.invalidate()
    yield
    calendar.invalidate()


@pytest.fixture
def empty_catalogue(db):  # noqa: ANN001
    """No software but the ones a test makes (migration 0003 seeds the 8 software of the catalogue):
    for tests written against a catalogue they build themselves."""
    from analytics.models import Software

    Software.objects.all().delete()
