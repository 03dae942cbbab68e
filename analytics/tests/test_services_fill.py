"""Count-table fill: what each metric counts, idempotence, late-data refill."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from analytics import services
from analytics.models import FillState, OfficerDayCount, RefillDay, UnitDayCount
from analytics.tests.factories import add_events, moment
from cases.tests.factories import make_case

MONDAY = date(2026, 3, 2)


def officer_counts(officer) -> dict[tuple[date, str], int]:  # noqa: ANN001
    return {(row.day, row.metric): row.value for row in OfficerDayCount.objects.filter(officer=officer)}


def unit_counts(unit) -> dict[tuple[date, str], int]:  # noqa: ANN001
    return {(row.day, row.metric): row.value for row in UnitDayCount.objects.filter(unit=unit)}


def test_fill_counts_events_steps_and_unit_sums(world):
    officer, other = world.officers["officer"], world.officers["unit_manager"]
    add_events(officer, "EMAIL", MONDAY, 2)
    add_events(officer, "CKS", MONDAY, 1)
    add_events(other, "EMAIL", MONDAY, 3)
    make_case(world, intake=MONDAY)  # the intake step, recorded by the officer on Monday

    report = services.counts_fill(through=MONDAY + timedelta(days=1), start=MONDAY - timedelta(days=1))

    assert report.filled == [(MONDAY - timedelta(days=1), MONDAY + timedelta(days=1))]
    assert officer_counts(officer) == {
        (MONDAY, "events:EMAIL"): 2, (MONDAY, "active:EMAIL"): 1,
        (MONDAY, "events:CKS"): 1, (MONDAY, "active:CKS"): 1,
        (MONDAY, "events:QLTHA"): 1, (MONDAY, "active:QLTHA"): 1,
        (MONDAY, "steps_recorded"): 1, (MONDAY, "steps_on_time"): 1,
    }
    unit_a = unit_counts(world.units["A"])
    assert unit_a[(MONDAY, "events:EMAIL")] == 5
    assert unit_a[(MONDAY, "active:EMAIL")] == 2
    assert unit_a[(MONDAY, "steps_recorded")] == 1
    # Headcount of the unit's own active officers (officer and manager work in A), every filled day.
    assert unit_a[(MONDAY - timedelta(days=1), "officers")] == 2
    assert unit_a[(MONDAY, "officers")] == 2
    assert (MONDAY, "events:EMAIL") not in unit_counts(world.units["P"])
    assert FillState.objects.get(table="officer_day_count").filled_through == MONDAY + timedelta(days=1)
    assert FillState.objects.get(table="unit_day_count").filled_through == MONDAY + timedelta(days=1)


def test_the_report_counts_the_rows_written(world):
    add_events(world.officers["officer"], "EMAIL", MONDAY, 2)
    make_case(world, intake=MONDAY)

    report = services.counts_fill(through=MONDAY, start=MONDAY - timedelta(days=1))

    assert report.officer_rows == OfficerDayCount.objects.count() == 6
    assert report.unit_rows == UnitDayCount.objects.count()
    assert report.unit_rows > 6  # the officer rows' sums in the unit, plus every unit's headcount of both days


def test_a_night_without_late_data_reads_the_state_once(world, django_assert_num_queries):
    add_events(world.officers["officer"], "EMAIL", MONDAY, 2)
    services.counts_fill(through=MONDAY - timedelta(days=1), start=MONDAY - timedelta(days=3))

    # The fill state with whether a refill is due, the imports applied since; then in one
    # transaction (a savepoint here) a DELETE and an INSERT per table and the state's move.
    with django_assert_num_queries(9):
        report = services.counts_fill(through=MONDAY)

    assert report.filled == [(MONDAY, MONDAY)] and report.refilled == []
    assert officer_counts(world.officers["officer"])[(MONDAY, "events:EMAIL")] == 2


def test_a_second_run_fills_nothing_twice(world):
    add_events(world.officers["officer"], "EMAIL", MONDAY, 2)
    services.counts_fill(through=MONDAY, start=MONDAY - timedelta(days=3))
    before = list(OfficerDayCount.objects.order_by("pk").values_list("pk", "officer_id", "day", "metric", "value"))
    units_before = list(UnitDayCount.objects.order_by("pk").values_list("pk", "value"))

    report = services.counts_fill(through=MONDAY)

    assert report.nothing_done
    assert list(OfficerDayCount.objects.order_by("pk").values_list("pk", "officer_id", "day", "metric",
                                                                    "value")) == before
    assert list(UnitDayCount.objects.order_by("pk").values_list("pk", "value")) == units_before


def test_late_events_refill_just_the_days_they_touched(world):
    officer = world.officers["officer"]
    add_events(officer, "EMAIL", MONDAY, 1)
    add_events(officer, "EMAIL", MONDAY + timedelta(days=1), 1)
    services.counts_fill(through=MONDAY + timedelta(days=2), start=MONDAY)
    tuesday_row = OfficerDayCount.objects.get(officer=officer, day=MONDAY + timedelta(days=1), metric="events:EMAIL")

    add_events(officer, "EMAIL", MONDAY, 2, prefix="late")  # a log arriving after Monday was filled
    assert list(RefillDay.objects.values_list("day", flat=True)) == [MONDAY]
    report = services.counts_fill(through=MONDAY + timedelta(days=2))

    assert report.refilled == [MONDAY]
    assert report.filled == []
    assert officer_counts(officer)[(MONDAY, "events:EMAIL")] == 3
    assert unit_counts(world.units["A"])[(MONDAY, "events:EMAIL")] == 3
    # Tuesday was not rewritten: the same row is still there.
    assert OfficerDayCount.objects.get(officer=officer, day=MONDAY + timedelta(days=1),
                                       metric="events:EMAIL").pk == tuesday_row.pk
    assert not RefillDay.objects.exists()
    assert services.counts_fill(through=MONDAY + timedelta(days=2)).nothing_done


def test_the_same_events_sent_again_mark_no_refill(world):
    officer = world.officers["officer"]
    add_events(officer, "EMAIL", MONDAY, 2)
    services.counts_fill(through=MONDAY, start=MONDAY)
    assert add_events(officer, "EMAIL", MONDAY, 2) == 0
    assert not RefillDay.objects.exists()


def test_steps_of_a_case_import_applied_after_the_fill_are_refilled(world):
    from cases.models import CaseStep, ImportBatch

    case = make_case(world, intake=MONDAY)
    services.counts_fill(through=MONDAY + timedelta(days=3), start=MONDAY)
    assert officer_counts(world.officers["officer"])[(MONDAY, "steps_recorded")] == 1
    # A step of Tuesday arrives later through an import of the national software's export.
    batch = ImportBatch.objects.create(uploaded_by=world.user("admin"), file_name="steps.csv", file_sha256="0",
                                       status=ImportBatch.Status.APPLIED,
                                       applied_at=timezone.now() + timedelta(seconds=1))
    from cases import services as case_services
    from cases.tests.factories import step_type

    step = case_services.case_step_record(case=case, step_type=step_type("decision"), legal_date=MONDAY,
                                          by=world.officers["officer"],
                                          recorded_at=moment(MONDAY + timedelta(days=1)))
    CaseStep.objects.filter(pk=step.pk).update(import_batch=batch)

    report = services.counts_fill(through=MONDAY + timedelta(days=3))

    assert report.refilled == [MONDAY + timedelta(days=1)]
    counts = officer_counts(world.officers["officer"])
    assert counts[(MONDAY + timedelta(days=1), "steps_recorded")] == 1
    assert counts[(MONDAY + timedelta(days=1), "active:QLTHA")] == 1


def test_courses_and_quizzes_are_counted_on_their_days(world):
    from learning.models import Enrollment
    from learning.tests.factories import make_course

    officer = world.officers["officer"]
    done = Enrollment.objects.create(officer=officer, course=make_course(code="C1"), source=Enrollment.Source.ASSIGNED,
                                     due_date=MONDAY, unit=officer.unit)
    Enrollment.objects.filter(pk=done.pk).update(completed_at=moment(MONDAY - timedelta(days=2)))
    late = Enrollment.objects.create(officer=officer, course=make_course(code="C2"), source=Enrollment.Source.ASSIGNED,
                                     due_date=MONDAY, unit=officer.unit)
    Enrollment.objects.filter(pk=late.pk).update(completed_at=moment(MONDAY + timedelta(days=1)))
    Enrollment.objects.create(officer=officer, course=make_course(code="C3"), source=Enrollment.Source.SELF,
                              due_date=MONDAY, unit=officer.unit)  # not assigned: not counted

    services.counts_fill(through=MONDAY + timedelta(days=1), start=MONDAY - timedelta(days=3))

    counts = officer_counts(officer)
    assert counts[(MONDAY, "courses_assigned")] == 2
    assert counts[(MONDAY, "courses_done_on_time")] == 1


def test_contest_results_are_counted_on_the_day_they_are_published(world):
    """An individual entry that won a prize, one with no points (no prize) and a unit team that won
    one: each competitor gets `contest_entered` on the publication day, the prize winners also
    `contest_awarded`. Withdrawing the results later refills that day and the counts go."""
    from contests import services as contest_services
    from contests.tests import factories as contest_factories

    officer, manager, other = (world.officers[key] for key in ("officer", "unit_manager", "other_b"))
    contest = contest_factories.contest(world, allow_teams=True, team_min_size=1)
    round_ = contest_factories.online_round(contest, opens=moment(MONDAY, 8), closes=moment(MONDAY, 11))
    contest_factories.enter(contest, officer)
    contest_factories.enter(contest, other)
    contest_services.registration_team_save(contest=contest, unit=manager.unit, members=[manager],
                                            registered_by=manager.user)
    contest_factories.take(round_, officer, right=2, started=moment(MONDAY, 9), seconds=60)
    contest_factories.take(round_, other, right=0, started=moment(MONDAY, 9), seconds=60)
    contest_factories.take(round_, manager, right=1, started=moment(MONDAY, 9), seconds=60)
    contest_services.results_publish(contest=contest, now=moment(MONDAY, 15))

    services.counts_fill(through=MONDAY + timedelta(days=1), start=MONDAY - timedelta(days=1))

    assert officer_counts(officer)[(MONDAY, "contest_entered")] == 1
    assert officer_counts(officer)[(MONDAY, "contest_awarded")] == 1
    assert officer_counts(manager)[(MONDAY, "contest_entered")] == 1  # as the team's member
    assert officer_counts(manager)[(MONDAY, "contest_awarded")] == 1
    assert officer_counts(other)[(MONDAY, "contest_entered")] == 1
    assert (MONDAY, "contest_awarded") not in officer_counts(other)  # no points, no prize
    assert unit_counts(world.units["A"])[(MONDAY, "contest_entered")] == 2

    contest_services.results_publish(contest=contest, published=False, now=moment(MONDAY + timedelta(days=2), 9))
    assert list(RefillDay.objects.values_list("day", flat=True)) == [MONDAY]
    report = services.counts_fill(through=MONDAY + timedelta(days=1))
    assert report.refilled == [MONDAY]
    assert not OfficerDayCount.objects.filter(metric__startswith="contest_").exists()


def test_each_source_query_compiled_once_gives_the_sql_of_a_fresh_compile(world):
    """The fill reuses each selector's compiled SQL with the range's dates put in place of the
    markers: for any range, the same SQL and parameters as compiling the selector for that range."""
    from analytics.services import fill

    for name, build in fill.OFFICER_SOURCES:
        for start, end in [(MONDAY, MONDAY), (date(2025, 12, 30), date(2026, 1, 31)), (MONDAY, MONDAY)]:
            assert fill._range_sql(name, build, start, end) == fill._sql_list(build(start=start, end=end)), name
        assert (fill.connection.vendor, name) in fill._compiled, name
