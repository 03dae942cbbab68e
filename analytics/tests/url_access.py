from core.testing import EVERYONE, Rule, roles

VIEWERS = roles("unit_manager", "provincial_leader", "admin")
LEADERS = roles("provincial_leader", "admin")


def _report(unit_key: str, fmt: str):  # noqa: ANN202
    def build(world):  # noqa: ANN001, ANN202
        from django.utils import timezone

        today = timezone.localdate()
        return {"unit": world.units[unit_key].pk, "year": today.year, "month": today.month, "fmt": fmt}
    return build


ACCESS = {
    # Pages people see (dashboards).
    "analytics:dashboard": Rule(allowed=VIEWERS),
    "analytics:dashboard-export": Rule(allowed=VIEWERS),
    "analytics:scorecard": Rule(allowed=EVERYONE),
    "analytics:my-detail": Rule(allowed=EVERYONE),
    # The officer is in branch A (manager A's subtree); other_b is in branch B (leader and admin only).
    "analytics:officer-detail": Rule(allowed=VIEWERS, kwargs=lambda w: {"pk": w.officers["officer"].pk}),
    "analytics:officer-detail@in-b": Rule(allowed=LEADERS, kwargs=lambda w: {"pk": w.officers["other_b"].pk}),
    "analytics:province": Rule(allowed=LEADERS),
    "analytics:report-list": Rule(allowed=VIEWERS),
    "analytics:report-download": Rule(allowed=VIEWERS, kwargs=_report("A", "pdf")),
    "analytics:report-download@xlsx": Rule(allowed=VIEWERS, kwargs=_report("A", "xlsx")),
    "analytics:report-download@in-b": Rule(allowed=LEADERS, kwargs=_report("B", "xlsx")),
}
