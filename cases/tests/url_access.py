from core.testing import EVERYONE, Rule, roles


def _case(unit_key: str):  # noqa: ANN202
    def build(world):  # noqa: ANN001, ANN202
        from cases.tests.factories import make_case

        return {"pk": make_case(world, unit_key=unit_key, number=f"1/{unit_key}").pk}

    return build


def _step(world):  # noqa: ANN001, ANN202
    from cases.tests.factories import make_case

    return {"pk": make_case(world, unit_key="A", number="2/A").steps.get().pk}


def _batch(world):  # noqa: ANN001, ANN202
    from cases.models import ImportBatch

    batch = ImportBatch.objects.create(uploaded_by=world.user("admin"), file_name="x.csv", file_sha256="0",
                                       status=ImportBatch.Status.INVALID, error_count=1,
                                       errors=[{"row": 2, "column": "Số hồ sơ", "message": "x"}])
    return {"pk": batch.pk}


def _override(world):  # noqa: ANN001, ANN202
    from datetime import date

    from core.models import CalendarOverride

    return {"pk": CalendarOverride.objects.create(date=date(2026, 4, 27), kind="day_off", note="x").pk}


def _rule(world):  # noqa: ANN001, ANN202
    from cases.models import DeadlineRule

    return {"pk": DeadlineRule.objects.order_by("pk").first().pk}


def _step_type(world):  # noqa: ANN001, ANN202
    from cases.models import StepType

    return {"pk": StepType.objects.get(code="decision").pk}


# Case details (parties included): officers of the case's unit and managers above it. In the test
# world, the officer and the unit manager work in A; everyone else in P.
IN_A = roles("officer", "unit_manager")
CASE_OPENERS = roles("admin", "unit_manager", "trainer", "contest_organiser", "judge")  # admin, managers, clerks
# Importing the national software's steps: administrators and unit managers, not clerks.
IMPORTERS = roles("admin", "unit_manager")

ACCESS = {
    "cases:todo": Rule(allowed=EVERYONE),
    "cases:case-list": Rule(allowed=EVERYONE),
    "cases:case-detail@in-a": Rule(allowed=IN_A, kwargs=_case("A")),
    "cases:case-detail@in-a1": Rule(allowed=roles("unit_manager"), kwargs=_case("A1")),
    "cases:case-detail@in-b": Rule(allowed=roles(), kwargs=_case("B")),
    "cases:case-detail@in-p": Rule(allowed=roles("trainer", "provincial_leader", "contest_organiser", "judge", "admin"),
                                   kwargs=_case("P")),
    "cases:step-record": Rule(allowed=IN_A, kwargs=_case("A")),
    "cases:step-record@post": Rule(allowed=IN_A, kwargs=_case("A"), method="post",
                                   data=lambda w: {"step_type": "", "legal_date": ""}),
    "cases:step-correct": Rule(allowed=IN_A, kwargs=_step),
    "cases:timeliness": Rule(allowed=roles("unit_manager", "provincial_leader", "admin")),
    "cases:import-start": Rule(allowed=IMPORTERS),
    "cases:import-template": Rule(allowed=IMPORTERS),
    # Import batches are seen by their uploader and by administrators.
    "cases:import-detail": Rule(allowed=roles("admin"), kwargs=_batch),
    "cases:import-apply": Rule(allowed=roles("admin"), kwargs=_batch, method="post", data=lambda w: {}),
    "cases:case-create": Rule(allowed=CASE_OPENERS),
    "cases:settings-calendar": Rule(allowed=roles("admin")),
    "cases:settings-calendar-edit": Rule(allowed=roles("admin"), kwargs=_override),
    "cases:settings-calendar-delete": Rule(allowed=roles("admin"), kwargs=_override, method="post", data=lambda w: {}),
    "cases:settings-rules": Rule(allowed=roles("admin")),
    "cases:settings-rules-edit": Rule(allowed=roles("admin"), kwargs=_rule),
    "cases:settings-step-types": Rule(allowed=roles("admin")),
    "cases:settings-step-types-edit": Rule(allowed=roles("admin"), kwargs=_step_type),
}
