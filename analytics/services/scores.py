"""The adoption score: a documented formula over the officer count table (analytics/README.md and
the page /analytics/score/ describe it in words; the two must agree with `score_components`).

For an officer and a calendar month (from its first day to its last day, or to the last filled day
for the current month):

- activity   = 100 × mean over the officer's expected software of min(1, active days / working days)
- breadth    = 100 × expected software used at least once / expected software
- timeliness = 100 × case steps recorded on time / case steps recorded (in the month)
- training   = 100 × assigned courses completed by their due date / assigned courses due
               (due dates in the 12 months ending with the month)
- skills     = 100 × (quizzes passed + contest entries awarded) / (quizzes finished + contest entries)
               (the 12 months ending with the month; a contest entry counts when the contest's results
               are published, and as "passed" when it won a prize of any level)

A component that does not apply (no expected software or no working day, no step recorded, no course
due, no quiz finished nor contest result) is left out and the weights of the others are rescaled:
total = Σ weight × component / Σ weight over the components that apply (0 if none applies).
The stage follows from the total and the thresholds of the settings in force.
"""

from __future__ import annotations

import calendar as std_calendar
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from analytics.models import AdoptionScore, FillState, OfficerDayCount, ScoreSettings, Software, Stage
from core.calendar import get_calendar
from org.models import Officer

COMPONENTS = ("activity", "breadth", "timeliness", "training", "skills")
HUNDRED = Decimal(100)
CENT = Decimal("0.01")
WINDOW_MONTHS = 12
# A FillState row of its own whose `updated_at` moves whenever scores or score settings are written:
# with the count tables' rows it makes the data version under which the dashboards cache their figures.
SCORES_STATE = "adoption_score"


class ScoreSettingsError(Exception):
    """Settings that cannot be saved; the message is for the user."""


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(day: date) -> date:
    return day.replace(day=std_calendar.monthrange(day.year, day.month)[1])


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def score_settings_in_force(*, month: date) -> ScoreSettings:
    """The settings with the latest `effective_from` not after the month's last day (the model's
    defaults when there are none)."""
    found = ScoreSettings.objects.filter(effective_from__lte=month_end(month)).order_by("-effective_from").first()
    return found or ScoreSettings(effective_from=date(2000, 1, 1))


def stage_for(total: Decimal, settings: ScoreSettings) -> str:
    if total >= settings.stage_proficient_from:
        return Stage.PROFICIENT
    if total >= settings.stage_regular_from:
        return Stage.REGULAR
    if total >= settings.stage_beginner_from:
        return Stage.BEGINNER
    return Stage.NONE


def _percent(numerator: float, denominator: float) -> Decimal:
    return (HUNDRED * Decimal(numerator) / Decimal(denominator)).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class Components:
    activity: Decimal | None
    breadth: Decimal | None
    timeliness: Decimal | None
    training: Decimal | None
    skills: Decimal | None

    def total(self, settings: ScoreSettings) -> Decimal:
        weighted, weights = Decimal(0), Decimal(0)
        for name in COMPONENTS:
            value = getattr(self, name)
            if value is not None:
                weight = Decimal(getattr(settings, f"weight_{name}"))
                weighted += weight * value
                weights += weight
        if not weights:
            return Decimal(0).quantize(CENT)
        return (weighted / weights).quantize(CENT, rounding=ROUND_HALF_UP)


def score_components(*, month_counts: dict[str, int], window_counts: dict[str, int], expected: list[str],
                     working_days: int) -> Components:
    """The five components from an officer's sums: `month_counts` over the month and `window_counts`
    over the 12-month window, by metric name; `expected` the codes of the software expected of them."""
    activity = breadth = None
    if expected and working_days > 0:
        active = [month_counts.get(f"active:{code}", 0) for code in expected]
        activity = (HUNDRED * sum(Decimal(min(1, Decimal(days) / working_days)) for days in active)
                    / len(expected)).quantize(CENT, rounding=ROUND_HALF_UP)
        breadth = _percent(sum(1 for days in active if days > 0), len(expected))
    steps = month_counts.get("steps_recorded", 0)
    timeliness = _percent(month_counts.get("steps_on_time", 0), steps) if steps else None
    assigned = window_counts.get("courses_assigned", 0)
    training = _percent(window_counts.get("courses_done_on_time", 0), assigned) if assigned else None
    finished = window_counts.get("quiz_finished", 0) + window_counts.get("contest_entered", 0)
    passed = window_counts.get("quiz_passed", 0) + window_counts.get("contest_awarded", 0)
    skills = _percent(passed, finished) if finished else None
    return Components(activity, breadth, timeliness, training, skills)


def expected_codes_by_position() -> tuple[list[str], dict[int, list[str]]]:
    """The active software expected of officers: (codes expected of everyone, {position id: codes
    expected of that position, not repeating everyone's}). Two queries."""
    everyone: list[str] = []
    by_position: dict[int, list[str]] = defaultdict(list)
    for software in Software.objects.filter(is_active=True).prefetch_related("expected_positions"):
        if software.expected_of_everyone:
            everyone.append(software.code)
            continue
        for position in software.expected_positions.all():
            by_position[position.pk].append(software.code)
    return everyone, by_position


@transaction.atomic
def adoption_scores_compute(*, month: date, filled_through: date | None = None) -> int:
    """Write every active officer's `AdoptionScore` for the month containing `month` (replacing the
    month's rows), reading only `OfficerDayCount`. The month ends at its last day or at
    `filled_through` (default: the count tables' fill state) if earlier; nothing is written for a
    month that has no filled day. Returns the number of scores written."""
    from analytics.services.fill import fill_state_get

    start = month_start(month)
    filled_through = filled_through or fill_state_get()
    if filled_through is None or filled_through < start:
        return 0
    end = min(month_end(month), filled_through)
    working_days = get_calendar().working_days_between(start - timedelta(days=1), end)
    settings = score_settings_in_force(month=start)
    window_start = add_months(start, 1 - WINDOW_MONTHS)
    month_counts: dict[int, dict[str, int]] = defaultdict(dict)
    for officer_id, metric, value in (
            OfficerDayCount.objects.filter(day__gte=start, day__lte=end)
            .filter(Q(metric__startswith="active:") | Q(metric__in=["steps_recorded", "steps_on_time"]))
            .values("officer_id", "metric").annotate(total=Sum("value")).order_by()
            .values_list("officer_id", "metric", "total")):
        month_counts[officer_id][metric] = value
    window_counts: dict[int, dict[str, int]] = defaultdict(dict)
    for officer_id, metric, value in (
            OfficerDayCount.objects.filter(day__gte=window_start, day__lte=end,
                                           metric__in=["courses_assigned", "courses_done_on_time",
                                                       "quiz_finished", "quiz_passed", "contest_entered",
                                                       "contest_awarded"])
            .values("officer_id", "metric").annotate(total=Sum("value")).order_by()
            .values_list("officer_id", "metric", "total")):
        window_counts[officer_id][metric] = value
    everyone, by_position = expected_codes_by_position()
    rows = []
    for officer_id, position_id in Officer.objects.active().values_list("pk", "position_id"):
        expected = sorted(set(everyone) | set(by_position.get(position_id, [])))
        components = score_components(month_counts=month_counts.get(officer_id, {}),
                                      window_counts=window_counts.get(officer_id, {}),
                                      expected=expected, working_days=working_days)
        total = components.total(settings)
        rows.append(AdoptionScore(officer_id=officer_id, month=start, total=total, stage=stage_for(total, settings),
                                  **{name: getattr(components, name) for name in COMPONENTS}))
    AdoptionScore.objects.filter(month=start).delete()
    AdoptionScore.objects.bulk_create(rows, batch_size=2000)
    score_state_touch()
    return len(rows)


def score_state_touch() -> None:
    """Mark that scores or score settings changed: moves the `updated_at` of the scores' FillState row
    (created on first use), part of the data version the dashboards' cached figures are keyed by.
    Writes one row; emits nothing."""
    if not FillState.objects.filter(table=SCORES_STATE).update(updated_at=timezone.now()):
        FillState.objects.get_or_create(table=SCORES_STATE)


def adoption_scores_recompute_from(*, month: date) -> list[date]:
    """Recompute every month from `month` to the last filled month (after a settings change).
    Returns the months recomputed."""
    from analytics.services.fill import fill_state_get

    filled_through = fill_state_get()
    months = []
    current = month_start(month)
    while filled_through is not None and current <= filled_through:
        adoption_scores_compute(month=current, filled_through=filled_through)
        months.append(current)
        current = add_months(current, 1)
    return months


SETTING_FIELDS = ("weight_activity", "weight_breadth", "weight_timeliness", "weight_training", "weight_skills",
                  "stage_beginner_from", "stage_regular_from", "stage_proficient_from")


def score_settings_save(*, effective_from: date, values: dict[str, Decimal], user=None) -> ScoreSettings:  # noqa: ANN001
    """Create (or replace) the settings in force from `effective_from`, then recompute the scores of
    every month from that date's month on. Checks: weights ≥ 0 with a positive sum, thresholds within
    0–100 and increasing (beginner ≤ regular ≤ proficient). Raises ScoreSettingsError."""
    from django.utils.translation import gettext as _

    weights = [Decimal(values[name]) for name in SETTING_FIELDS[:5]]
    if any(weight < 0 for weight in weights) or sum(weights) <= 0:
        raise ScoreSettingsError(_("Weights must be zero or more, and at least one must be positive."))
    thresholds = [Decimal(values[name]) for name in SETTING_FIELDS[5:]]
    if any(not (0 <= value <= 100) for value in thresholds):
        raise ScoreSettingsError(_("Stage thresholds must be between 0 and 100."))
    if not thresholds[0] <= thresholds[1] <= thresholds[2]:
        raise ScoreSettingsError(_("Stage thresholds must increase: just started ≤ regular ≤ proficient."))
    with transaction.atomic():
        settings, _created = ScoreSettings.objects.update_or_create(
            effective_from=effective_from,
            defaults={**{name: Decimal(values[name]) for name in SETTING_FIELDS}, "created_by": user})
        adoption_scores_recompute_from(month=effective_from)
        score_state_touch()  # settings in force from a month not filled yet recompute nothing
    return settings
