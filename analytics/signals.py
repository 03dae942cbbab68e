"""Signal receivers of analytics (connected in AnalyticsConfig.ready)."""

from __future__ import annotations

from analytics.catalogue import expected_codes_by_software


def position_created(sender, instance, created, raw=False, **kwargs) -> None:  # noqa: ANN001, ANN003, FBT002
    """A new position whose code the seed catalogue expects for some software (say `records_clerk` for
    CKS) is added to that software's expected positions: positions are created after the catalogue
    is loaded. Administrators may remove it afterwards; later edits of the position change nothing."""
    if not created or raw:
        return
    from analytics.models import Software

    codes = [code for code, positions in expected_codes_by_software().items() if instance.code in positions]
    for software in Software.objects.filter(code__in=codes):
        software.expected_positions.add(instance)


def contest_results_changing(sender, instance, raw=False, update_fields=None, **kwargs) -> None:  # noqa: ANN001, ANN003, FBT002
    """Contest results published, withdrawn or published again: the days of the old and the new
    publication are marked for refill (when already filled), so the `contest_*` counts behind the
    skills component follow."""
    if raw or instance.pk is None or (update_fields is not None and "results_published_at" not in update_fields):
        return
    from django.utils import timezone

    from analytics.services.fill import refill_days_mark
    from contests.selectors import contest_results_published_at

    before = contest_results_published_at(contest_id=instance.pk)
    after = instance.results_published_at
    if before == after:
        return
    refill_days_mark(days={timezone.localdate(moment) for moment in (before, after) if moment is not None})
