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
