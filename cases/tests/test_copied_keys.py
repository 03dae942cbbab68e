"""The foreign keys copied from another row (`cases.models.COPIED_KEYS`) carry no database constraint of
their own: every way the site writes steps and deadlines must copy them right, and only they lose
their constraint."""

from __future__ import annotations

from datetime import date

import pytest
from django.apps import apps
from django.db import connection

from cases import services
from cases.models import COPIED_KEYS, CaseDeadline, CaseStep
from cases.tests.factories import local_moment, make_case, step_type
from cases.tests.test_services_imports import GOOD, TODAY, csv_bytes


def _disagreeing(model_name: str, field: str, path: str) -> list:
    model = apps.get_model("cases", model_name)
    rows = list(model.objects.values_list("pk", f"{field}_id", f"{path}_id"))
    assert rows, f"no {model_name} written: the check would pass on nothing"
    return [row for row in rows if row[1] != row[2]]


def test_every_way_of_writing_steps_and_deadlines_copies_the_keys(world):  # noqa: ANN001
    case = make_case(world)
    other = make_case(world, unit_key="A1", number="1/A1", officer_key="other_a1")
    unassigned = make_case(world, unit_key="A1", number="2/A1", officer_key=None)
    officer = world.officers["officer"]
    decision = services.case_step_record(case=case, step_type=step_type("decision"), legal_date=date(2026, 3, 3),
                                         by=officer, recorded_at=local_moment(date(2026, 3, 4)))
    services.case_step_record(case=unassigned, step_type=step_type("decision"), legal_date=date(2026, 3, 5),
                              by=officer, recorded_at=local_moment(date(2026, 3, 5)))
    services.case_step_correct(step=decision, legal_date=date(2026, 3, 2), step_type=step_type("decision"),
                               note="sửa ngày", by=officer)
    admin = world.user("admin")
    batch = services.step_import_preview(by=admin, file_name="a.csv", content=csv_bytes(GOOD), today=TODAY)
    services.step_import_apply(batch=batch, by=admin, today=TODAY)
    changed = [[*GOOD[0][:4], "02/03/2026", *GOOD[0][5:]], *GOOD[1:]]  # a correction through the import
    batch = services.step_import_preview(by=admin, file_name="b.csv", content=csv_bytes(changed), today=TODAY)
    services.step_import_apply(batch=batch, by=admin, today=TODAY)
    services.case_deadlines_rebuild_many(case_ids=[case.pk, other.pk, unassigned.pk])
    services.timeliness_recompute()
    assert CaseStep.objects.filter(case=other).exists()
    assert CaseDeadline.objects.filter(case=unassigned, officer__isnull=True).exists()
    for (model_name, field), path in COPIED_KEYS.items():
        assert _disagreeing(model_name, field, path) == [], (model_name, field)


def _constrained_columns(table: str) -> set[str]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return {column for item in constraints.values() if item["foreign_key"] for column in item["columns"]}


@pytest.mark.django_db
@pytest.mark.parametrize("model", [CaseStep, CaseDeadline])
def test_only_the_copied_keys_lose_their_database_constraint(model):  # noqa: ANN001
    copied = {field for (name, field), _path in COPIED_KEYS.items() if name == model.__name__}
    keys = {field.name: field.column for field in model._meta.concrete_fields if field.is_relation}
    constrained = _constrained_columns(model._meta.db_table)
    assert {name for name, column in keys.items() if column not in constrained} == copied
