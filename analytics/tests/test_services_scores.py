"""The adoption score formula, checked against officers computed by hand (analytics/README.md)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from analytics import services
from analytics.models import AdoptionScore, FillState, OfficerDayCount, ScoreSettings, Stage
from core.calendar import get_calendar

MARCH = date(2026, 3, 1)


def put(officer, day: date, metric: str, value: int = 1) -> None:  # noqa: ANN001
    OfficerDayCount.objects.create(officer=officer, day=day, metric=metric, value=value)


def filled_through(day: date) -> None:
    FillState.objects.update_or_create(table="officer_day_count", defaults={"filled_through": day})


def weekdays(start: date, count: int) -> list[date]:
    days, day = [], start
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


@pytest.fixture
def march(world):  # noqa: ANN001
    """The officer (Chấp hành viên: expected EMAIL, HTTT, QLTHA, QLVB) in March 2026 (22 working days):
    EMAIL on 11 days, QLTHA on all 22, QLVB and HTTT never; 4 steps recorded, 3 on time; one assigned
    course due in February, not done; no quiz."""
    assert get_calendar().working_days_between(date(2026, 2, 28), date(2026, 3, 31)) == 22
    officer = world.officers["officer"]
    for day in weekdays(MARCH, 11):
        put(officer, day, "active:EMAIL")
    for day in weekdays(MARCH, 22):
        put(officer, day, "active:QLTHA")
    put(officer, date(2026, 3, 2), "steps_recorded", 4)
    put(officer, date(2026, 3, 2), "steps_on_time", 3)
    put(officer, date(2026, 2, 16), "courses_assigned", 1)
    filled_through(date(2026, 3, 31))
    return world


def test_expected_software_of_a_position_comes_from_the_catalogue(world):
    from analytics.services.scores import expected_codes_by_position

    everyone, by_position = expected_codes_by_position()
    assert everyone == ["EMAIL"]
    assert sorted(by_position[world.positions["enforcement_officer"].pk]) == ["HTTT", "QLTHA", "QLVB"]
    assert "HOP" in by_position[world.positions["head"].pk]


def test_hand_computed_officer(march):
    assert services.adoption_scores_compute(month=MARCH) == AdoptionScore.objects.count()
    score = AdoptionScore.objects.get(officer=march.officers["officer"], month=MARCH)
    # activity = 100 × (11/22 + 22/22 + 0 + 0) / 4 = 37.50; breadth = 2 of 4 = 50.00
    assert score.activity == Decimal("37.50")
    assert score.breadth == Decimal("50.00")
    assert score.timeliness == Decimal("75.00")  # 3 of 4 steps on time
    assert score.training == Decimal("0.00")  # 1 course due in the 12-month window, not done
    assert score.skills is None  # no quiz: left out
    # (30 × 37.5 + 15 × 50 + 30 × 75 + 15 × 0) / (30 + 15 + 30 + 15) = 4125 / 90 = 45.83
    assert score.total == Decimal("45.83")
    assert score.stage == Stage.BEGINNER


def test_officer_with_no_activity_scores_zero_and_is_not_using(march):
    services.adoption_scores_compute(month=MARCH)
    score = AdoptionScore.objects.get(officer=march.officers["other_b"], month=MARCH)
    assert (score.activity, score.breadth, score.timeliness, score.training, score.skills) == (
        Decimal("0.00"), Decimal("0.00"), None, None, None)
    assert score.total == Decimal("0.00")
    assert score.stage == Stage.NONE


def test_quizzes_and_full_use_make_a_proficient_officer(march):
    manager = march.officers["unit_manager"]  # head: EMAIL, QLTHA, QLVB, CKS, VBDT, HOP expected
    for code in ("EMAIL", "QLTHA", "QLVB", "CKS", "VBDT", "HOP"):
        for day in weekdays(MARCH, 22):
            put(manager, day, f"active:{code}")
    put(manager, date(2025, 6, 10), "quiz_finished", 2)
    put(manager, date(2025, 6, 10), "quiz_passed", 1)
    put(manager, date(2025, 3, 10), "quiz_finished", 5)  # before the 12-month window: ignored
    services.adoption_scores_compute(month=MARCH)
    score = AdoptionScore.objects.get(officer=manager, month=MARCH)
    assert score.activity == Decimal("100.00")
    assert score.breadth == Decimal("100.00")
    assert score.skills == Decimal("50.00")
    # (30 × 100 + 15 × 100 + 10 × 50) / (30 + 15 + 10) = 5000 / 55 = 90.91
    assert score.total == Decimal("90.91")
    assert score.stage == Stage.PROFICIENT


def test_current_month_counts_working_days_up_to_the_last_filled_day(march):
    officer = march.officers["officer"]
    OfficerDayCount.objects.filter(day__gt=date(2026, 3, 6)).delete()
    filled_through(date(2026, 3, 6))  # Monday 2 → Friday 6: 5 working days
    services.adoption_scores_compute(month=MARCH)
    score = AdoptionScore.objects.get(officer=officer, month=MARCH)
    assert score.activity == Decimal("50.00")  # EMAIL 5/5, QLTHA 5/5, QLVB 0, HTTT 0


def test_new_settings_recompute_the_months_from_their_date(march):
    services.adoption_scores_compute(month=MARCH)
    values = {"weight_activity": 0, "weight_breadth": 0, "weight_timeliness": 100, "weight_training": 0,
              "weight_skills": 0, "stage_beginner_from": 1, "stage_regular_from": 50, "stage_proficient_from": 70}
    services.score_settings_save(effective_from=date(2026, 3, 15), values=values)
    score = AdoptionScore.objects.get(officer=march.officers["officer"], month=MARCH)
    assert score.total == Decimal("75.00")
    assert score.stage == Stage.PROFICIENT
    # February keeps the settings in force then.
    assert services.score_settings_in_force(month=date(2026, 2, 1)).weight_activity == Decimal(30)


@pytest.mark.parametrize("change, message", [
    ({"weight_activity": -1}, "từ 0 trở lên"),
    ({"weight_activity": 0, "weight_breadth": 0, "weight_timeliness": 0, "weight_training": 0,
      "weight_skills": 0}, "ít nhất một trọng số"),
    ({"stage_regular_from": 90}, "tăng dần"),
    ({"stage_proficient_from": 120}, "từ 0 đến 100"),
])
def test_bad_settings_are_refused_and_change_nothing(world, change, message):
    values = {"weight_activity": 30, "weight_breadth": 15, "weight_timeliness": 30, "weight_training": 15,
              "weight_skills": 10, "stage_beginner_from": 1, "stage_regular_from": 50, "stage_proficient_from": 80}
    values.update(change)
    before = ScoreSettings.objects.count()
    with pytest.raises(services.ScoreSettingsError, match=message):
        services.score_settings_save(effective_from=date(2026, 3, 1), values=values)
    assert ScoreSettings.objects.count() == before


def test_fill_command_computes_scores_of_the_months_it_filled(world):
    from django.core.management import call_command

    from analytics.tests.factories import add_events

    add_events(world.officers["officer"], "EMAIL", date(2026, 3, 2), 1)
    call_command("fill_counts", "--through", "2026-03-03", "--start", "2026-02-27", stdout=open("/dev/null", "w"))
    months = set(AdoptionScore.objects.values_list("month", flat=True))
    assert months == {date(2026, 2, 1), date(2026, 3, 1)}
    score = AdoptionScore.objects.get(officer=world.officers["officer"], month=MARCH)
    assert score.breadth == Decimal("25.00")  # EMAIL of EMAIL, HTTT, QLTHA, QLVB


def test_contest_results_count_in_skills_beside_quizzes(march):
    """The March officer also finished 2 quizzes (1 passed) and entered 2 contests (1 prize) in the
    12-month window: skills = 100 × (1 + 1) ÷ (2 + 2) = 50.00, and the skills weight now counts."""
    officer = march.officers["officer"]
    put(officer, date(2025, 11, 20), "quiz_finished", 2)
    put(officer, date(2025, 11, 20), "quiz_passed", 1)
    put(officer, date(2026, 1, 15), "contest_entered", 1)
    put(officer, date(2026, 1, 15), "contest_awarded", 1)
    put(officer, date(2026, 3, 10), "contest_entered", 1)
    put(officer, date(2025, 3, 31), "contest_entered", 1)  # before the 12-month window: not counted
    services.adoption_scores_compute(month=MARCH)
    score = AdoptionScore.objects.get(officer=officer, month=MARCH)
    assert score.skills == Decimal("50.00")
    # (30 × 37.5 + 15 × 50 + 30 × 75 + 15 × 0 + 10 × 50) / (30 + 15 + 30 + 15 + 10) = 4625 / 100 = 46.25
    assert score.total == Decimal("46.25")


def test_a_contest_entry_alone_makes_skills_apply(march):
    """No quiz, one contest entered without a prize: skills = 0.00 (it applies), total weighted over five."""
    officer = march.officers["officer"]
    put(officer, date(2026, 3, 20), "contest_entered", 1)
    services.adoption_scores_compute(month=MARCH)
    score = AdoptionScore.objects.get(officer=officer, month=MARCH)
    assert score.skills == Decimal("0.00")
    # (1125 + 750 + 2250 + 0 + 10 × 0) / 100 = 41.25
    assert score.total == Decimal("41.25")
