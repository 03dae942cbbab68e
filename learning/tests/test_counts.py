"""The course report's count table stays equal to a direct count of the enrollments, whatever happens."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from org import services as org_services
from learning import counting, selectors, services
from learning.models import Assignment, Enrollment, EnrollmentCount, Lesson
from learning.services.progress import _enrollment_start
from learning.tests.factories import due_in, make_course

pytestmark = pytest.mark.django_db

OFFICERS = ["officer", "other_a1", "other_b", "unit_manager", "trainer"]
UNITS = ["P", "A", "A1", "B"]


def assert_counts_exact(world, *, today: dt.date | None = None) -> None:  # noqa: ANN001
    """The table equals the direct aggregate, and so does the report for every kind of reader and date."""
    assert counting.stored_counts() == counting.direct_counts()
    base = timezone.localdate()
    for day in ([today] if today else [base, base + dt.timedelta(days=4), base + dt.timedelta(days=40)]):
        for role in ("admin", "provincial_leader", "unit_manager", "trainer"):
            user = world.user(role)
            assert selectors.report_funnel(user=user, today=day) == selectors.report_funnel_direct(user=user, today=day)
        user = world.user("provincial_leader")
        assert (selectors.report_funnel(user=user, unit_id=world.units["A"].pk, today=day)
                == selectors.report_funnel_direct(user=user, unit_id=world.units["A"].pk, today=day))
        # The dashboards' totals: the sums of the report's rows for each unit's subtree, and for everything.
        admin = world.user("admin")
        for unit in [*(world.units[name] for name in UNITS), None]:
            rows = selectors.report_funnel_direct(user=admin, unit_id=unit.pk if unit else None, today=day)
            assert selectors.enrollment_funnel_totals(unit_path=unit.path if unit else None, today=day) == {
                key: sum(row[key] or 0 for row in rows) for key in ("assigned", "started", "completed", "overdue")}


def _assign(course, unit, days: int, months: int | None = None,  # noqa: ANN001
            after_enrolment: int | None = None) -> Assignment:
    """An assignment possibly already past due (as made weeks ago), enrolling its officers through the service;
    with `after_enrolment`, a relative due date (each officer's own due date is at least today + N days)."""
    assignment = Assignment.objects.create(course=course, unit=unit, due_date=due_in(days), recertify_months=months,
                                           due_days_after_enrolment=after_enrolment)
    services.assignment_sync_enrollments(assignment=assignment)
    return assignment


def _current(officer, course) -> Enrollment | None:  # noqa: ANN001
    return Enrollment.objects.current().filter(officer=officer, course=course).first()


operation = st.one_of(
    st.tuples(st.just("enroll"), st.sampled_from(OFFICERS), st.integers(0, 1)),
    st.tuples(st.just("assign"), st.sampled_from(UNITS), st.integers(0, 1), st.integers(-5, 5)),
    st.tuples(st.just("assign_relative"), st.sampled_from(UNITS), st.integers(0, 1), st.integers(-5, 5)),
    st.tuples(st.just("open"), st.sampled_from(OFFICERS), st.integers(0, 1)),
    st.tuples(st.just("complete"), st.sampled_from(OFFICERS), st.integers(0, 1)),
    st.tuples(st.just("unenroll"), st.sampled_from(OFFICERS), st.integers(0, 1)),
    st.tuples(st.just("move"), st.sampled_from(OFFICERS), st.sampled_from(UNITS)),
    st.tuples(st.just("deactivate"), st.sampled_from(OFFICERS), st.booleans()),
    st.tuples(st.just("recertify"), st.just(0), st.just(0)),
    st.tuples(st.just("add_lesson"), st.just(0), st.integers(0, 1)),
    st.tuples(st.just("stop"), st.just(0), st.integers(0, 1)),
)


def _run(world, courses, step) -> None:  # noqa: ANN001
    kind, who, *rest = step
    officer = world.officers.get(who) if isinstance(who, str) and who in world.officers else None
    course = courses[rest[0]] if rest and isinstance(rest[0], int) and not isinstance(rest[0], bool) else None
    try:
        if kind == "enroll":
            services.enrollment_self_enroll(officer=officer, course=course)
        elif kind == "assign":
            _assign(course, world.units[who], rest[1], months=12 if rest[1] > 0 else None)
        elif kind == "assign_relative":
            _assign(course, world.units[who], rest[1], after_enrolment=3)
        elif kind == "open":
            services.lesson_open(officer=officer, lesson=course.lessons.active().first())
        elif kind == "complete":
            for lesson in course.lessons.active():
                services.lesson_progress_complete(officer=officer, lesson=lesson)
        elif kind == "unenroll":
            services.enrollment_unenroll(officer=officer, course=course)
        elif kind == "move":
            officer.refresh_from_db()
            org_services.officer_update(officer=officer, unit=world.units[rest[0]])
        elif kind == "deactivate":
            officer.refresh_from_db()
            org_services.officer_update(officer=officer, is_active=rest[0])
        elif kind == "recertify":
            services.enrollment_recertify_due(today=timezone.localdate() + dt.timedelta(days=400))
        elif kind == "add_lesson":
            services.lesson_save(module=course.modules.first(), title="Bài thêm", kind=Lesson.Kind.TEXT, body="x")
        elif kind == "stop":
            for assignment in Assignment.objects.filter(course=course, is_active=True):
                services.assignment_deactivate(assignment=assignment)
            services.assignment_sync_enrollments()
    except services.LearningError:
        pass


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(operation, min_size=1, max_size=14))
def test_counts_equal_a_direct_aggregate_after_any_sequence(world, steps):  # noqa: ANN001
    for officer in world.officers.values():  # an earlier example's rolled-back move left them stale
        officer.refresh_from_db()
    with transaction.atomic():
        courses = [make_course(code="K0", lessons=2), make_course(code="K1", lessons=1)]
        for step in steps:
            _run(world, courses, step)
            assert counting.stored_counts() == counting.direct_counts(), step
        assert_counts_exact(world)
        transaction.set_rollback(True)


def test_every_service_path_keeps_counts(world):
    officer, mover = world.officers["officer"], world.officers["other_b"]
    first, second = make_course(code="F0", lessons=2), make_course(code="F1", lessons=1)
    services.enrollment_self_enroll(officer=officer, course=first)
    _assign(first, world.units["P"], -3)  # overdue, links the self-enrolled officer and moves their due date
    _assign(second, world.units["A"], 5, months=6)
    services.lesson_open(officer=officer, lesson=first.lessons.first())
    for lesson in second.lessons.all():
        services.lesson_progress_complete(officer=officer, lesson=lesson)
    org_services.officer_update(officer=mover, unit=world.units["A1"])
    services.enrollment_self_enroll(officer=world.officers["trainer"], course=second)
    services.enrollment_recertify_due(today=timezone.localdate() + dt.timedelta(days=200))
    assert_counts_exact(world)
    rows = {(row["course_id"], row["officer__unit_id"]): row for row in
            selectors.report_funnel(user=world.user("admin"))}
    a_first = rows[(first.pk, world.units["A"].pk)]
    assert a_first["assigned"] == 2 and a_first["started"] == 1 and a_first["overdue"] == 2
    # other_b moved from B to A1: counted in A1 now, B has no row for it.
    assert rows[(first.pk, world.units["A1"].pk)]["assigned"] == 2
    assert (first.pk, world.units["B"].pk) not in rows
    services.enrollment_unenroll(officer=world.officers["trainer"], course=second)
    assert_counts_exact(world)


def test_unenroll_only_self_enrolled_open_courses(world):
    officer = world.officers["officer"]
    course = make_course(code="U0", lessons=1)
    services.enrollment_self_enroll(officer=officer, course=course)
    services.enrollment_unenroll(officer=officer, course=course)
    assert _current(officer, course) is None
    assigned = make_course(code="U1", lessons=1)
    _assign(assigned, world.units["A"], 3)
    with pytest.raises(services.LearningError):
        services.enrollment_unenroll(officer=officer, course=assigned)
    services.enrollment_self_enroll(officer=officer, course=course)
    services.lesson_progress_complete(officer=officer, lesson=course.lessons.first())
    with pytest.raises(services.LearningError):
        services.enrollment_unenroll(officer=officer, course=course)
    assert_counts_exact(world)


def test_refresh_command_fixes_drift_and_is_idempotent(world):
    course = make_course(code="D0", lessons=1)
    _assign(course, world.units["P"], -1)
    services.lesson_progress_complete(officer=world.officers["officer"], lesson=course.lessons.first())
    # Drift: counts lost or wrong, an enrollment counted under a stale unit, enrollments made in bulk.
    EnrollmentCount.objects.filter(unit=world.units["A"]).delete()
    EnrollmentCount.objects.filter(unit=world.units["B"]).update(assigned=40, started=7)
    Enrollment.objects.filter(officer=world.officers["other_a1"]).update(unit=world.units["B"])
    other = make_course(code="D1", lessons=1)
    Enrollment.objects.bulk_create([Enrollment(course=other, officer=world.officers["other_b"],
                                               due_date=due_in(-2))])
    assert counting.stored_counts() != counting.direct_counts()
    call_command("refresh_learning_counts", verbosity=0)
    assert_counts_exact(world)
    assert Enrollment.objects.get(officer=world.officers["other_a1"], course=course).unit == world.units["A1"]
    before = list(EnrollmentCount.objects.order_by("pk").values())
    assert services.enrollment_counts_refresh() == {"enrollments": 0, "cells": 0}
    assert list(EnrollmentCount.objects.order_by("pk").values()) == before


def test_concurrent_start_counts_once(world):
    """A second start of the same enrollment (a stale copy) does not count it twice."""
    officer = world.officers["officer"]
    course = make_course(code="S0", lessons=2)
    services.enrollment_self_enroll(officer=officer, course=course)
    stale = _current(officer, course)
    first, second = course.lessons.in_order()
    services.lesson_open(officer=officer, lesson=first)
    _enrollment_start(stale, timezone.now())  # the other request still thinks it is not started
    services.lesson_open(officer=officer, lesson=second)
    assert_counts_exact(world)
    assert EnrollmentCount.objects.get(course=course).started == 1


def test_report_reads_the_count_table_not_enrollments(world, django_assert_max_num_queries):
    course = make_course(code="Q0", lessons=1)
    _assign(course, world.units["P"], 2)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = world.user("unit_manager")
    selectors.report_funnel(user=user)  # the scope look-ups are cached on the user
    with CaptureQueriesContext(connection) as queries:
        rows = selectors.report_funnel(user=user)
    assert len(queries.captured_queries) == 1
    sql = queries.captured_queries[0]["sql"]
    assert EnrollmentCount._meta.db_table in sql and '"learning_enrollment"' not in sql
    assert {row["officer__unit__name"] for row in rows} == {"Chi cục A", "Tổ A1"}
