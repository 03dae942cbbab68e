from core.testing import EVERYONE, PUBLIC, Rule, roles

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

# --- Data side ---------------------------------------------------------------------------------

ADMIN = roles("admin")
IMPORTERS = roles("admin", "unit_manager")


def _software(world):  # noqa: ANN001, ANN202
    from analytics.models import Software

    return {"pk": Software.objects.get(code="EMAIL").pk}


def _software_pk(world):  # noqa: ANN001, ANN202
    from analytics.models import Software

    return {"software_pk": Software.objects.get(code="EMAIL").pk}


def _action(world):  # noqa: ANN001, ANN202
    from analytics.models import SoftwareAction

    action = SoftwareAction.objects.get(software__code="EMAIL", code="mail_sent")
    return {"software_pk": action.software_id, "pk": action.pk}


def _batch(world):  # noqa: ANN001, ANN202
    from analytics.models import Software, UsageImport

    batch = UsageImport.objects.create(software=Software.objects.get(code="EMAIL"), uploaded_by=world.user("admin"),
                                       file_name="x.csv", file_sha256="0", status=UsageImport.Status.INVALID,
                                       error_count=1, errors=[{"row": 2, "column": "Email", "message": "x"}])
    return {"pk": batch.pk}


def _token(world):  # noqa: ANN001, ANN202
    from analytics.services.xapi import xapi_token_create

    return {"pk": xapi_token_create(name="Thư điện tử")[0].pk}


def _mapping(world):  # noqa: ANN001, ANN202
    from analytics.models import XapiMapping

    return {"pk": XapiMapping.objects.order_by("pk").first().pk}


ACCESS |= {
    # The xAPI endpoint authenticates source systems by token, never by session: every signed-in
    # role and anonymous visitors without a token are refused (403); tokens: test_api_xapi.py.
    "xapi:statements": Rule(allowed=roles(), method="post", data=lambda w: {}),
    "xapi:openapi": Rule(allowed=PUBLIC),
    "analytics:score-formula": Rule(allowed=EVERYONE),
    "analytics:admin-software-list": Rule(allowed=ADMIN),
    "analytics:admin-software-new": Rule(allowed=ADMIN),
    "analytics:admin-software-edit": Rule(allowed=ADMIN, kwargs=_software),
    "analytics:admin-action-new": Rule(allowed=ADMIN, kwargs=_software_pk),
    "analytics:admin-action-edit": Rule(allowed=ADMIN, kwargs=_action),
    "analytics:admin-mapping-edit": Rule(allowed=ADMIN, kwargs=_software_pk),
    "analytics:admin-import-start": Rule(allowed=IMPORTERS),
    # An import is seen by its uploader and by administrators.
    "analytics:admin-import-detail": Rule(allowed=ADMIN, kwargs=_batch),
    "analytics:admin-import-check": Rule(allowed=ADMIN, kwargs=_batch, method="post", data=lambda w: {}),
    "analytics:admin-import-apply": Rule(allowed=ADMIN, kwargs=_batch, method="post", data=lambda w: {}),
    "analytics:admin-xapi": Rule(allowed=ADMIN),
    "analytics:admin-xapi-token-revoke": Rule(allowed=ADMIN, kwargs=_token, method="post", data=lambda w: {}),
    "analytics:admin-xapi-mapping-delete": Rule(allowed=ADMIN, kwargs=_mapping, method="post", data=lambda w: {}),
    "analytics:admin-score-settings": Rule(allowed=ADMIN),
}


# --- The IT focal person's week ----------------------------------------------------------------------
def _focal_manager(world):  # noqa: ANN001, ANN202
    """The unit manager of A is named the unit's IT focal person (no other role is one)."""
    from support.models import FocalPerson
    from support.tests.factories import focal

    if not FocalPerson.objects.filter(unit=world.units["A"]).exists():
        focal(world.units["A"], world.officers["unit_manager"])
    return {}


def _focal_officer(world):  # noqa: ANN001, ANN202
    _focal_manager(world)
    return {"officer_id": world.officers["other_a1"].pk}


ACCESS |= {
    "analytics:focal-week": Rule(roles("unit_manager"), kwargs=_focal_manager),
    "analytics:focal-action": Rule(roles("unit_manager"), kwargs=_focal_officer, method="post",
                                   data=lambda world: {"kind": "book_session"}),
}
