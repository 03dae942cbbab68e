"""Reads behind the adoption pages: the officer's scorecard, the unit dashboard, the province overview
and the drill-downs. Every figure comes from the count tables (`OfficerDayCount`, `UnitDayCount`,
`AdoptionScore`) and small look-ups, in a fixed number of queries whatever the data size; only a
drill-down to one officer reads that officer's own rows (events, steps). Scope: org's one rule.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Avg, CharField, Count, DecimalField, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone, translation
from django.utils.translation import get_language, gettext as _, ngettext

from analytics.models import (
    AdoptionScore, FillState, OfficerDayCount, Software, Stage, UnitDayCount, UsageEvent,
)
from cases import selectors as cases_selectors
from cases.selectors import Period
from core.calendar import get_calendar
from core.roles import Role, has_role
from learning import selectors as learning_selectors
from org.models import Officer, Unit
from org.selectors import Scope, officer_for_user, officer_list_visible, scope_for, unit_list_visible

ACTIVE_PREFIX = "active:"
EVENTS_PREFIX = "events:"
LAGGARD_WINDOW_DAYS = 7
OFFICER_TABLE_LIMIT = 300
SMALL_GROUP = 5  # groups under this many officers are shown only in aggregate outside the leader's unit
TIMELINESS_BUCKETS = [(0, 50), (50, 70), (70, 90), (90, 101)]
CATALOGUE_KEY = "thads:analytics:catalogue"
CATALOGUE_SECONDS = 300
STAGE_ORDER = [Stage.NONE, Stage.BEGINNER, Stage.REGULAR, Stage.PROFICIENT]
FIGURES_KEY = "thads:analytics:figures"
FIGURES_SECONDS = 24 * 3600  # a safety net: the next fill or score write changes the key anyway


# --- Periods and small look-ups ------------------------------------------------------------------

def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(day: dt.date, months: int) -> dt.date:
    """The first day of the month `months` after (or before) the month of `day`."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def period_get(*, kind: str, year: int, month: int) -> Period:
    """A reporting period ending in month `month` of `year`: the calendar month, the cumulative period
    (start of the THADS working year → end of that month) or the whole working year containing it."""
    if kind == "month":
        return cases_selectors.period_month(year=year, month=month)
    if kind == "year":
        end = dt.date(year, month, 1)
        return cases_selectors.period_working_year(year=cases_selectors.working_year_of(end))
    return cases_selectors.period_cumulative(year=year, month=month)


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days from `start` to `end`, both included."""
    if end < start:
        return 0
    calendar = get_calendar()
    return calendar.working_days_between(start, end) + int(calendar.is_working_day(start))


@dataclass(frozen=True)
class SoftwareInfo:
    pk: int
    code: str
    name: str
    expected_position_ids: frozenset[int]
    expected_of_everyone: bool = False

    def expected_of(self, position_id: int) -> bool:
        """The score's rule (analytics.services.scores.expected_codes_by_position): expected of every
        officer, or of the listed positions."""
        return self.expected_of_everyone or position_id in self.expected_position_ids


def software_catalogue() -> list[SoftwareInfo]:
    """The software in use, in catalogue order, with the positions expected to use each. A small look-up
    kept in the cache for CATALOGUE_SECONDS (two queries when it is not there)."""
    cached = cache.get(CATALOGUE_KEY)
    if cached is None:
        software = list(Software.objects.filter(is_active=True).prefetch_related("expected_positions"))
        cached = [SoftwareInfo(item.pk, item.code, item.name, frozenset(p.pk for p in item.expected_positions.all()),
                               item.expected_of_everyone) for item in software]
        cache.set(CATALOGUE_KEY, cached, CATALOGUE_SECONDS)
    return cached


def _data_version() -> tuple:
    """What the count tables and scores are as of: each FillState row's last filled day and last write
    (the fill moves the count tables' rows, also on refills; the score services move the scores' row).
    One query."""
    return tuple(FillState.objects.order_by("table").values_list("table", "filled_through", "updated_at"))


def _figures_cached(page: str, parts: tuple, build):  # noqa: ANN001, ANN202
    """The figures of `page` derived from count tables and scores only, built once per data version and
    kept in the cache under a key of: the page, what selects the data (`parts`: unit and officer ids,
    period, filters — never the user), the language and the data version. The key is returned with
    them (`figures["key"]`): what is rendered from these figures alone may be kept under it too."""
    source = repr((page, get_language(), _data_version(), parts)).encode()
    key = f"{FIGURES_KEY}:{page}:{hashlib.sha256(source).hexdigest()}"
    figures = cache.get(key)
    if figures is None:
        figures = {**build(), "key": key}
        cache.set(key, figures, FIGURES_SECONDS)
    return figures


def stage_label(stage: str) -> str:
    return str(Stage(stage).label) if stage in Stage.values else ""


def _percent(part: float, whole: float) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _scope(user) -> Scope:  # noqa: ANN001
    """org's scope rule; `user=None` is a scheduled job (the monthly reports), which sees everything."""
    return Scope(everything=True) if user is None else scope_for(user)


def _visible_units(user) -> QuerySet[Unit]:  # noqa: ANN001
    return Unit.objects.select_related("kind", "parent") if user is None else unit_list_visible(user=user)


def _visible_officers(user) -> QuerySet[Officer]:  # noqa: ANN001
    if user is None:
        return Officer.objects.select_related("unit", "position", "user")
    return officer_list_visible(user=user)


def _unit_for(*, user, unit_id: int | None) -> Unit | None:  # noqa: ANN001
    """The unit a page is limited to: the chosen one when visible, else the root of the user's scope
    (None for an administrator with no choice: everything)."""
    visible = _visible_units(user)
    if unit_id:
        unit = visible.filter(pk=unit_id).first()
        if unit is not None:
            return unit
    scope = _scope(user)
    if scope.unit_path:
        return visible.filter(path=scope.unit_path).first()
    return None


class OfficerRef(NamedTuple):
    """What the dashboard's tables need of an officer (read as plain values, not model instances)."""
    pk: int
    full_name: str
    unit_name: str
    position_id: int | None


def officer_refs(officers: Iterable[Officer]) -> list[OfficerRef]:
    """`OfficerRef`s of loaded officers (their unit loaded with them)."""
    return [OfficerRef(officer.pk, officer.full_name, officer.unit.name, officer.position_id) for officer in officers]


def _officers_in(*, user, unit: Unit | None) -> QuerySet[Officer]:  # noqa: ANN001
    officers = _visible_officers(user).filter(is_active=True)
    if unit is not None:
        officers = officers.filter(unit__path__startswith=unit.path)
    return officers


# --- Officer scorecard ---------------------------------------------------------------------------

@dataclass
class SoftwareUse:
    code: str
    name: str
    active_days: int
    events: int
    expected: bool


@dataclass
class Scorecard:
    officer: Officer
    month: dt.date
    working_days: int
    software: list[SoftwareUse]
    steps_recorded: int
    steps_on_time: int
    courses_assigned: int
    courses_done_on_time: int
    quiz_passed: int
    score: AdoptionScore | None
    trend: list[dict]
    next_step: dict
    nudges: list = field(default_factory=list)
    contest_entered: int = 0  # entries of contests whose results were published this month
    contest_awarded: int = 0  # of those, with a prize

    @property
    def on_time_percent(self) -> float | None:
        return _percent(self.steps_on_time, self.steps_recorded)


def officer_month_counts(*, officer_id: int, start: dt.date, end: dt.date) -> dict[str, int]:
    """Sum of each metric of one officer between two days (one GROUP BY query on the count table)."""
    rows = (OfficerDayCount.objects.filter(officer_id=officer_id, day__range=(start, end))
            .values("metric").annotate(total=Sum("value")).order_by())
    return {row["metric"]: row["total"] for row in rows}


def next_step_for(*, officer: Officer, software: list[SoftwareUse], today: dt.date) -> dict:
    """One concrete thing to do now, most urgent first: overdue case steps, an assigned course near or
    past its due date, an expected software not used this month. Returns text and a link name."""
    overdue = cases_selectors.deadline_list_overdue(officer=officer, today=today).count()
    if overdue:
        return {"text": ngettext("%(count)s case step overdue and not recorded yet",
                                 "%(count)s case steps overdue and not recorded yet", overdue) % {"count": overdue},
                "url_name": "cases:todo", "kind": "steps"}
    courses = learning_selectors.enrollment_groups_for_officer(officer=officer, today=today)["open"]
    due = [row for row in courses if row.due_date is not None]
    if due:
        course = due[0]
        if course.days_left < 0:
            text = _("Course %(title)s is %(days)s days overdue") % {"title": course.course.title,
                                                                      "days": -course.days_left}
        else:
            text = _("Course %(title)s: %(days)s days left") % {"title": course.course.title,
                                                                 "days": course.days_left}
        return {"text": text, "url_name": "learning:my-courses", "kind": "course"}
    unused = [item for item in software if item.expected and not item.active_days]
    if unused:
        return {"text": _("You have not used %(software)s this month") % {"software": unused[0].name},
                "url_name": "analytics:scorecard", "kind": "software"}
    return {"text": _("Nothing is waiting: keep it up."), "url_name": "", "kind": "none"}


def scorecard_get(*, officer: Officer, today: dt.date | None = None, with_nudges: bool = True) -> Scorecard:
    """The officer's own figures for the current month (count tables), their last 12 monthly scores,
    one next step (cases and learning selectors) and the adoption nudges they received."""
    today = today or timezone.localdate()
    start = month_start(today)
    counts = officer_month_counts(officer_id=officer.pk, start=start, end=today)
    software = [SoftwareUse(item.code, item.name, counts.get(ACTIVE_PREFIX + item.code, 0),
                            counts.get(EVENTS_PREFIX + item.code, 0), item.expected_of(officer.position_id))
                for item in software_catalogue()]
    scores = list(AdoptionScore.objects.filter(officer=officer, month__gte=add_months(start, -11))
                  .order_by("month"))
    trend = [{"month": score.month, "label": score.month.strftime("%m/%Y"), "total": float(score.total),
              "stage": stage_label(score.stage)} for score in scores]
    nudges = []
    if with_nudges:
        nudges = list(learning_selectors.notification_list(user=officer.user)
                      .filter(reason_key__startswith="adoption:")[:5])
    return Scorecard(
        officer=officer, month=start, working_days=working_days_between(start, today), software=software,
        steps_recorded=counts.get("steps_recorded", 0), steps_on_time=counts.get("steps_on_time", 0),
        courses_assigned=counts.get("courses_assigned", 0),
        courses_done_on_time=counts.get("courses_done_on_time", 0), quiz_passed=counts.get("quiz_passed", 0),
        score=scores[-1] if scores else None, trend=trend,
        next_step=next_step_for(officer=officer, software=software, today=today), nudges=nudges,
        contest_entered=counts.get("contest_entered", 0), contest_awarded=counts.get("contest_awarded", 0),
    )


@dataclass
class PanelFigures:
    software: list[SoftwareUse]
    working_days: int
    score_total: Decimal | None
    score_month: dt.date | None
    score_stage: str
    overdue_steps: int

    @property
    def stage_label(self) -> str:
        return stage_label(self.score_stage)

    @property
    def next_step(self) -> dict:
        """The home panel's next step from what its one query read: overdue steps, then unused software."""
        if self.overdue_steps:
            return {"text": ngettext("%(count)s case step overdue and not recorded yet",
                                     "%(count)s case steps overdue and not recorded yet", self.overdue_steps)
                    % {"count": self.overdue_steps}, "url_name": "cases:todo", "kind": "steps"}
        unused = [item for item in self.software if item.expected and not item.active_days]
        if unused:
            return {"text": _("You have not used %(software)s this month") % {"software": unused[0].name},
                    "url_name": "analytics:scorecard", "kind": "software"}
        return {"text": _("Nothing is waiting: keep it up."), "url_name": "analytics:scorecard", "kind": "none"}


def panel_figures(*, officer: Officer, today: dt.date | None = None) -> PanelFigures:
    """The home panel's figures in ONE query (the home page spends one per panel): this month's sums per
    metric, the latest score of this or last month, and the count of overdue case steps (cases selector),
    read together with UNION ALL. The software catalogue comes from the cache."""
    today = today or timezone.localdate()
    start = month_start(today)
    amount = DecimalField(max_digits=14, decimal_places=2)
    sums = (OfficerDayCount.objects.filter(officer=officer, day__range=(start, today))
            .values("metric").annotate(total=Cast(Sum("value"), amount)).order_by())
    scores = (AdoptionScore.objects.filter(officer=officer, month__gte=add_months(start, -1))
              .annotate(metric=Concat(Value("score:"), Cast("month", CharField()), Value(":"), F("stage"),
                                      output_field=CharField()))
              .values("metric", "total"))
    overdue = (cases_selectors.deadline_list_overdue(officer=officer, today=today).select_related(None).order_by()
               .annotate(metric=Value("overdue_steps", output_field=CharField())).values("metric")
               .annotate(total=Cast(Count("pk"), amount)))
    totals: dict[str, Decimal] = {}
    score = (None, None, "")
    for row in sums.union(scores, overdue, all=True):
        if row["metric"].startswith("score:"):
            _prefix, month_text, stage = row["metric"].split(":", 2)
            month = dt.date.fromisoformat(month_text[:10])
            if score[1] is None or month > score[1]:
                score = (row["total"], month, stage)
        else:
            totals[row["metric"]] = row["total"] or Decimal(0)
    software = [SoftwareUse(item.code, item.name, int(totals.get(ACTIVE_PREFIX + item.code, 0)),
                            int(totals.get(EVENTS_PREFIX + item.code, 0)), item.expected_of(officer.position_id))
                for item in software_catalogue()]
    return PanelFigures(software=software, working_days=working_days_between(start, today), score_total=score[0],
                        score_month=score[1], score_stage=score[2], overdue_steps=int(totals.get("overdue_steps", 0)))


# --- Unit dashboard ------------------------------------------------------------------------------

@dataclass
class OfficerRow:
    officer_id: int
    name: str
    unit_name: str
    position_id: int
    score: Decimal | None = None
    stage: str = ""
    active_days: int = 0
    software_days: dict[str, int] = field(default_factory=dict)
    steps_recorded: int = 0
    steps_on_time: int = 0
    courses_assigned: int = 0
    courses_done_on_time: int = 0
    selected_days: int = 0  # active days in the software a drill-down selected

    @property
    def on_time_percent(self) -> float | None:
        return _percent(self.steps_on_time, self.steps_recorded)

    @property
    def stage_label(self) -> str:
        return stage_label(self.stage) if self.stage else _("No score yet")


@dataclass
class Laggard:
    officer_id: int
    name: str
    unit_name: str
    overdue_steps: int
    overdue_courses: int
    inactive_software: list[str]
    score: Decimal | None

    @property
    def weight(self) -> tuple:
        """Worst first: overdue case steps weigh most, then overdue courses, then unused software."""
        return (-(3 * self.overdue_steps + 2 * self.overdue_courses + len(self.inactive_software)),
                self.score if self.score is not None else Decimal(-1), self.name)


@dataclass
class Dashboard:
    unit: Unit | None
    period: Period
    score_month: dt.date
    officers: list[OfficerRow]
    officer_total: int
    laggards: list[Laggard]
    stages: list[dict]
    software: list[SoftwareInfo]
    heatmap: list[dict]
    timeliness: list[dict]
    funnel: dict
    trend: list[dict]
    figures_key: str = ""  # the cache key of the figures behind it: what is drawn from them alone may be kept under it


ROW_COUNTS = ("steps_recorded", "steps_on_time", "courses_assigned", "courses_done_on_time")


def _officer_figures(*, ids: list[int] | QuerySet, period: Period, score_month: dt.date) -> dict[int, dict]:
    """Score and period counts per officer id (plain dicts, for the cache): one query on AdoptionScore,
    one GROUP BY on the count table. `ids`: a list, or a query of the ids (thousands of officers are
    better sent as the query: PostgreSQL then walks the count table's index per officer, where a list of
    2,900 ids made it scan the whole table, 1.4 s instead of 0.4 s at 100,000 officers)."""
    figures: dict[int, dict] = {}
    for officer_id, total, stage in (AdoptionScore.objects.filter(officer_id__in=ids, month=score_month)
                                     .values_list("officer_id", "total", "stage")):
        figures[officer_id] = {"score": total, "stage": stage}
    counts = (OfficerDayCount.objects.filter(officer_id__in=ids, day__range=(period.start, period.end))
              .values("officer_id", "metric").annotate(total=Sum("value")).order_by()
              .values_list("officer_id", "metric", "total"))
    for officer_id, metric, total in counts:
        entry = figures.setdefault(officer_id, {})
        if metric.startswith(ACTIVE_PREFIX):
            entry.setdefault("software_days", {})[metric[len(ACTIVE_PREFIX):]] = total
        elif metric in ROW_COUNTS:
            entry[metric] = total
    return figures


def _officer_rows(*, officers: list[OfficerRef], figures: dict[int, dict]) -> list[OfficerRow]:
    """The officer table's rows: the live officer list with their figures from `_officer_figures`."""
    rows = []
    for officer in officers:
        entry = figures.get(officer.pk, {})
        software_days = dict(entry.get("software_days", {}))
        rows.append(OfficerRow(officer.pk, officer.full_name, officer.unit_name, officer.position_id,
                               score=entry.get("score"), stage=entry.get("stage", ""),
                               active_days=sum(software_days.values()), software_days=software_days,
                               **{name: entry.get(name, 0) for name in ROW_COUNTS}))
    return rows


def _recently_active(*, ids: list[int] | QuerySet, today: dt.date) -> dict[int, set[str]]:
    """Per officer id, the software codes with an active day in the last LAGGARD_WINDOW_DAYS days
    (one query on the count table)."""
    since = today - dt.timedelta(days=LAGGARD_WINDOW_DAYS - 1)
    active: dict[int, set[str]] = defaultdict(set)
    for officer_id, metric in (OfficerDayCount.objects.filter(officer_id__in=ids, day__range=(since, today),
                                                              metric__startswith=ACTIVE_PREFIX, value__gt=0)
                               .values_list("officer_id", "metric").distinct()):
        active[officer_id].add(metric[len(ACTIVE_PREFIX):])
    return dict(active)


def laggards_get(*, officers: list[OfficerRef], software: list[SoftwareInfo], scores: dict[int, Decimal | None],
                 today: dt.date, active: dict[int, set[str]] | None = None) -> list[Laggard]:
    """One combined list of who is behind this week, worst first: open case deadlines past due (cases),
    assigned courses past due (learning), and expected software with no active day in the last
    `LAGGARD_WINDOW_DAYS` days (count table; `active`, the codes each officer used then, when the caller
    already has them). Three GROUP BY queries whatever the number of officers (two with `active`): the
    overdue steps and courses are always read live."""
    ids = [officer.pk for officer in officers]
    overdue_steps = cases_selectors.deadline_overdue_counts(officer_ids=ids, today=today)
    overdue_courses = learning_selectors.enrollment_overdue_counts(officer_ids=ids, today=today)
    if active is None:
        active = _recently_active(ids=ids, today=today)
    result = []
    for officer in officers:
        used = active.get(officer.pk, ())
        inactive = [item.code for item in software
                    if item.expected_of(officer.position_id) and item.code not in used]
        steps, courses = overdue_steps.get(officer.pk, 0), overdue_courses.get(officer.pk, 0)
        if steps or courses or inactive:
            result.append(Laggard(officer.pk, officer.full_name, officer.unit_name, steps, courses, inactive,
                                  scores.get(officer.pk)))
    result.sort(key=lambda laggard: laggard.weight)
    return result


def _child_units(*, user, unit: Unit | None) -> list[Unit]:  # noqa: ANN001
    """The rows of a unit × something table: the unit itself (its own officers) and its direct children;
    for a scope of everything with no unit chosen, the top-level units."""
    visible = _visible_units(user).filter(is_active=True)
    if unit is None:
        return list(visible.filter(parent__isnull=True).order_by("path"))
    return list(visible.filter(Q(pk=unit.pk) | Q(parent=unit)).order_by("path"))


def _roll_up(units: list[Unit], unit: Unit | None, unit_path: str) -> Unit | None:
    """The row unit a unit's figures add to: the deepest row unit whose subtree holds it."""
    best = None
    for row_unit in units:
        if unit_path.startswith(row_unit.path) and (best is None or len(row_unit.path) > len(best.path)):
            if unit is not None and row_unit.pk == unit.pk and unit_path != unit.path:
                continue  # the chosen unit's row counts only its own officers; children have their own rows
            best = row_unit
    return best


def heatmap_units_software(*, user, unit: Unit | None, period: Period,  # noqa: ANN001
                           software: list[SoftwareInfo]) -> list[dict]:
    """Unit × software: active officer-days in the software ÷ officer working days, in %, from
    UnitDayCount (one GROUP BY query), each child unit summed over its subtree."""
    rows_units = _child_units(user=user, unit=unit)
    return _heatmap_rows(rows_units=rows_units, unit=unit, period=period, software=software,
                         sums=_heatmap_sums(user=user, unit=unit, period=period, rows_units=rows_units))


def _heatmap_sums(*, user, unit: Unit | None, period: Period,  # noqa: ANN001
                  rows_units: list[Unit]) -> dict[int, dict[str, int]]:
    """Per row unit id, the period's sums of `active:*` and `officers` over its rows (one GROUP BY)."""
    counts = UnitDayCount.objects.filter(day__range=(period.start, period.end)).filter(
        Q(metric__startswith=ACTIVE_PREFIX) | Q(metric="officers"))
    if unit is not None:
        counts = counts.filter(unit__path__startswith=unit.path)
    else:
        scope = _scope(user)
        if not scope.everything:
            counts = counts.filter(unit__path__startswith=scope.unit_path or "\x00")
    sums: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    targets: dict[str, Unit | None] = {}
    for path, metric, total in (counts.values("unit__path", "metric").annotate(total=Sum("value")).order_by()
                                .values_list("unit__path", "metric", "total")):
        if path not in targets:
            targets[path] = _roll_up(rows_units, unit, path)
        if targets[path] is not None:
            sums[targets[path].pk][metric] += total
    return {pk: dict(figures) for pk, figures in sums.items()}


def _heatmap_rows(*, rows_units: list[Unit], unit: Unit | None, period: Period, software: list[SoftwareInfo],
                  sums: dict[int, dict[str, int]]) -> list[dict]:
    calendar_days = (period.end - period.start).days + 1
    working_share = working_days_between(period.start, period.end) / calendar_days
    result = []
    for row_unit in rows_units:
        figures = sums.get(row_unit.pk, {})
        officer_working_days = figures.get("officers", 0) * working_share
        cells = [{"code": item.code, "active": figures.get(ACTIVE_PREFIX + item.code, 0),
                  "percent": _percent(figures.get(ACTIVE_PREFIX + item.code, 0), officer_working_days)}
                 for item in software]
        result.append({"unit": row_unit, "own_only": unit is not None and row_unit.pk == unit.pk,
                       "cells": cells})
    return result


def timeliness_distribution(rows: list[OfficerRow]) -> list[dict]:
    """Officers by on-time share of the case steps they recorded in the period, plus those with none."""
    buckets = [{"key": f"{low}-{high}", "low": low, "high": min(high, 100), "count": 0}
               for low, high in TIMELINESS_BUCKETS]
    none = {"key": "none", "low": None, "high": None, "count": 0}
    for row in rows:
        percent = row.on_time_percent
        if percent is None:
            none["count"] += 1
            continue
        for bucket, (low, high) in zip(buckets, TIMELINESS_BUCKETS):
            if low <= percent < high:
                bucket["count"] += 1
                break
    return [*buckets, none]


def in_timeliness_bucket(row: OfficerRow, key: str) -> bool:
    if key == "none":
        return row.on_time_percent is None
    low, high = (int(part) for part in key.split("-"))
    return row.on_time_percent is not None and low <= row.on_time_percent < high


def training_funnel(*, user, unit: Unit | None) -> dict:  # noqa: ANN001
    """Assigned → started → completed, and overdue, summed over courses (learning's count table)."""
    totals = {"assigned": 0, "started": 0, "completed": 0, "overdue": 0}
    if user is None:
        return totals | {"completion_percent": None}
    if unit is not None or _scope(user).everything:  # the subtree shown, within the user's scope
        totals = learning_selectors.enrollment_funnel_totals(unit_path=unit.path if unit else None)
    else:
        for row in learning_selectors.report_funnel(user=user):
            for key in totals:
                totals[key] += row[key] or 0
    totals["completion_percent"] = _percent(totals["completed"], totals["assigned"])
    return totals


def monthly_trend(*, user, unit: Unit | None, period: Period) -> list[dict]:  # noqa: ANN001
    """Month by month across the THADS working year holding the period's end: average score of the
    officers (AdoptionScore), on-time share of steps in the month and cumulated from the start of the
    working year (UnitDayCount). Two GROUP BY queries (by month; by day, folded into months)."""
    year = cases_selectors.working_year_of(period.end)
    year_period = cases_selectors.period_working_year(year=year)
    scores = AdoptionScore.objects.filter(month__range=(year_period.start, year_period.end))
    counts = UnitDayCount.objects.filter(day__range=(year_period.start, year_period.end),
                                         metric__in=["steps_recorded", "steps_on_time", "officers"])
    if unit is not None:
        scores = scores.filter(officer__unit__path__startswith=unit.path)
        counts = counts.filter(unit__path__startswith=unit.path)
    else:
        scope = _scope(user)
        if not scope.everything:
            scores = scores.filter(officer__unit__path__startswith=scope.unit_path or "\x00")
            counts = counts.filter(unit__path__startswith=scope.unit_path or "\x00")
    score_by_month = {row["month"]: row["average"] for row in
                      scores.values("month").annotate(average=Avg("total")).order_by()}
    by_month: dict[dt.date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    # Grouped by day and folded into months here: a month truncation runs as a Python function per row
    # on SQLite, and a year has at most 366 days × 3 metrics of sums.
    for day, metric, total in (counts.values("day", "metric").annotate(total=Sum("value")).order_by()
                               .values_list("day", "metric", "total")):
        by_month[day.replace(day=1)][metric] += total
    result, cumulative_steps, cumulative_on_time = [], 0, 0
    for year_number, month_number in cases_selectors.period_months(year_period):
        month = dt.date(year_number, month_number, 1)
        if month > month_start(timezone.localdate()):
            break
        figures = by_month.get(month, {})
        steps, on_time = figures.get("steps_recorded", 0), figures.get("steps_on_time", 0)
        cumulative_steps += steps
        cumulative_on_time += on_time
        average = score_by_month.get(month)
        result.append({"month": month, "label": month.strftime("%m/%Y"),
                       "score": round(float(average), 1) if average is not None else None,
                       "steps": steps, "on_time_percent": _percent(on_time, steps),
                       "cumulative_on_time_percent": _percent(cumulative_on_time, cumulative_steps)})
    return result


def dashboard_unit_list(*, user) -> list[Unit]:  # noqa: ANN001
    """The units a dashboard may show (the user's visible active units, by path, without their kind and
    parent): the filter's choices, and where `dashboard_get(units=…)` picks the unit and its row units."""
    return list(unit_list_visible(user=user).select_related(None).filter(is_active=True).order_by("path"))


def _dashboard_units(*, user, unit_id: int | None, units: list[Unit] | None) -> tuple[Unit | None, list[Unit]]:  # noqa: ANN001
    """The dashboard's unit (`_unit_for`) and its table's row units (`_child_units`), picked from `units` (the
    user's visible active units, as the page's filter already holds them) when they are there, else read."""
    if units is None:
        unit = _unit_for(user=user, unit_id=unit_id)
        return unit, _child_units(user=user, unit=unit)
    scope = _scope(user)
    if unit_id:
        unit = next((candidate for candidate in units if candidate.pk == unit_id), None)
    else:
        unit = next((candidate for candidate in units if candidate.path == scope.unit_path), None)
    if unit is None and (unit_id or scope.unit_path):
        unit = _unit_for(user=user, unit_id=unit_id)  # an inactive or unknown unit: not among `units`
    if unit is None:
        return None, [candidate for candidate in units if candidate.parent_id is None]
    return unit, [candidate for candidate in units if candidate.pk == unit.pk or candidate.parent_id == unit.pk]


def dashboard_get(*, user, period: Period, unit_id: int | None = None,  # noqa: ANN001
                  today: dt.date | None = None, units: list[Unit] | None = None) -> Dashboard:
    """The unit manager's dashboard for a period, within the user's scope (a unit they may see, else
    the root of their scope). Officers are listed lowest score first (at most OFFICER_TABLE_LIMIT).
    What comes from the count tables and scores only (officers' figures, software used in the last week,
    the unit × software sums, the trend) is built once per data version and kept in the cache
    (`_figures_cached`); the officer list, the units, the overdue steps and courses and the training
    funnel are read on every request."""
    today = today or timezone.localdate()
    unit, rows_units = _dashboard_units(user=user, unit_id=unit_id, units=units)
    score_month = month_start(min(period.end, today))
    officers = [OfficerRef(*values) for values in _officers_in(user=user, unit=unit).order_by("unit__path", "full_name")
                .values_list("pk", "full_name", "unit__name", "position_id")]
    ids = [officer.pk for officer in officers]
    officer_ids = _officers_in(user=user, unit=unit).values("pk")  # the same officers, as a query (`_officer_figures`)
    software = software_catalogue()
    # The officers, the table's row units and the subtree the unit rows are summed over select the data;
    # with the period and today they fix everything below but the laggards' overdue steps and courses
    # and the training funnel, which change during the day and are read live.
    subtree = unit.path if unit is not None else ("*" if _scope(user).everything else "")
    figures = _figures_cached("dashboard", (
        hashlib.sha256(",".join(map(str, ids)).encode()).hexdigest(), tuple(u.pk for u in rows_units), subtree,
        period.start, period.end, score_month, today,
    ), lambda: {
        "officers": _officer_figures(ids=officer_ids, period=period, score_month=score_month),
        "active": _recently_active(ids=officer_ids, today=today),
        "heatmap": _heatmap_sums(user=user, unit=unit, period=period, rows_units=rows_units),
        "trend": monthly_trend(user=user, unit=unit, period=period),
    })
    rows = _officer_rows(officers=officers, figures=figures["officers"])
    laggards = laggards_get(officers=officers, software=software, today=today, active=figures["active"],
                            scores={row.officer_id: row.score for row in rows})
    stage_counts = defaultdict(int)
    for row in rows:
        stage_counts[row.stage] += 1
    stages = [{"stage": stage.value, "label": stage.label, "count": stage_counts.get(stage.value, 0)}
              for stage in STAGE_ORDER]
    stages.append({"stage": "", "label": _("No score yet"), "count": stage_counts.get("", 0)})
    rows.sort(key=lambda row: (row.score if row.score is not None else Decimal(-1), row.name))
    return Dashboard(
        unit=unit, period=period, score_month=score_month, officers=rows, officer_total=len(rows),
        laggards=laggards, stages=stages, software=software,
        heatmap=_heatmap_rows(rows_units=rows_units, unit=unit, period=period, software=software,
                              sums=figures["heatmap"]),
        timeliness=timeliness_distribution(rows), funnel=training_funnel(user=user, unit=unit),
        trend=[dict(row) for row in figures["trend"]], figures_key=figures["key"],
    )


# --- Province overview ---------------------------------------------------------------------------

COMPONENTS = ["total", "activity", "breadth", "timeliness", "training", "skills"]


@dataclass
class UnitRank:
    unit: Unit | None  # None: the aggregate of small groups
    label: str
    officers: int
    scored: int = 0
    figures: dict[str, float | None] = field(default_factory=dict)
    previous_total: float | None = None
    months: dict[dt.date, float | None] = field(default_factory=dict)

    @property
    def change(self) -> float | None:
        current = self.figures.get("total")
        if current is None or self.previous_total is None:
            return None
        return round(current - self.previous_total, 1)


@dataclass
class ProvinceOverview:
    root: Unit | None
    month: dt.date
    months: list[dt.date]
    units: list[UnitRank]
    movers_up: list[UnitRank]
    movers_down: list[UnitRank]
    sort: str
    figures_key: str = ""  # the cache key of the figures behind it (`_figures_cached`)


def _province_units(user) -> tuple[Unit | None, list[Unit]]:  # noqa: ANN001
    """The root of the user's scope and the overview's row units (the root itself and its direct
    children, active ones), in one query; (None, top-level units) for a scope of everything."""
    scope = _scope(user)
    visible = _visible_units(user).select_related(None).only("id", "name", "path", "is_active", "parent_id")
    if scope.unit_path:
        units = list(visible.filter(Q(path=scope.unit_path) | Q(parent__path=scope.unit_path)).order_by("path"))
        root = next((unit for unit in units if unit.path == scope.unit_path), None)
        return root, [unit for unit in units if unit.is_active]
    if scope.everything:
        return None, list(visible.filter(is_active=True, parent__isnull=True).order_by("path"))
    return None, []


def _province_sums(*, root: Unit | None, first_month: dt.date, month: dt.date) -> list[tuple]:
    """One aggregate over the unit subtree: rows (unit path, None, active officers, 0 …) for the
    headcount and (unit path, month, scores, Σ total, Σ activity … Σ skills) for the months
    `first_month`…`month`. Hand-written SQL (both back-ends): compiling the same through the ORM cost
    as much as running it."""
    officer_table, unit_table = Officer._meta.db_table, Unit._meta.db_table
    where, params = ("AND u.path LIKE %s", [root.path + "%"]) if root is not None else ("", [])
    zeros = ", ".join(["0"] * len(COMPONENTS))
    sums = ", ".join(f"SUM(s.{name})" for name in COMPONENTS)
    null_month = "CAST(NULL AS date)" if connection.vendor == "postgresql" else "NULL"
    statement = (
        f"SELECT u.path, {null_month}, COUNT(*), {zeros} FROM {officer_table} o "
        f"JOIN {unit_table} u ON u.id = o.unit_id WHERE o.is_active {where} GROUP BY u.path "
        f"UNION ALL "
        f"SELECT u.path, s.month, COUNT(*), {sums} FROM {AdoptionScore._meta.db_table} s "
        f"JOIN {officer_table} o ON o.id = s.officer_id JOIN {unit_table} u ON u.id = o.unit_id "
        f"WHERE s.month >= %s AND s.month <= %s {where} GROUP BY u.path, s.month")
    with connection.cursor() as cursor:
        cursor.execute(statement, [*params, first_month, month, *params])
        rows = cursor.fetchall()
    if connection.vendor == "sqlite":  # SQLite hands back dates as text
        rows = [(path, dt.date.fromisoformat(day) if isinstance(day, str) else day, *rest)
                for path, day, *rest in rows]
    return rows


def province_overview(*, user, month: dt.date, sort: str = "total") -> ProvinceOverview:  # noqa: ANN001
    """All units under the user's province ranked by average score (or a component) in `month`, a
    unit × month grid of average scores over 12 months, and the biggest movers since the month before.
    Units with fewer than SMALL_GROUP officers, other than the one the user works in, appear only in one
    aggregate row. Two queries: the row units, and one aggregate of the headcount and `AdoptionScore`
    per unit × month (the leader's own unit comes from the cached principal). The figures are kept in
    the cache per data version (`_figures_cached`), keyed by the row units and the row holding the
    user's own unit, so that later requests until the next fill or score write read only the row units
    and the data version (the headcount is the one at the first request after a fill)."""
    month = month_start(month)
    sort = sort if sort in COMPONENTS else "total"
    own = _scope(user)
    root, row_units = _province_units(user)
    own_officer = officer_for_user(user) if own.officer_id else None
    own_path = own_officer.unit.path if own_officer is not None else None
    # The rows that may show a small group by name: those holding the user's own unit.
    own_rows = tuple(row_unit.pk for row_unit in row_units
                     if own_path is not None and own_path.startswith(row_unit.path)
                     and (root is None or row_unit.pk != root.pk or own_path == root.path))
    figures = _figures_cached("province", (
        root.pk if root is not None else None, own.everything, tuple((u.pk, u.name) for u in row_units),
        own_rows, month, sort,
    ), lambda: _province_figures(root=root, row_units=row_units, own_rows=own_rows, everything=own.everything,
                                 month=month, sort=sort))
    by_pk = {row_unit.pk: row_unit for row_unit in row_units}
    ranks = {}
    for entry in figures["units"]:
        unit = by_pk.get(entry["unit"]) if entry["unit"] is not None else None
        label = unit.name if unit is not None else _("Units under %(n)s officers (combined)") % {"n": SMALL_GROUP}
        ranks[entry["unit"]] = UnitRank(unit, label, entry["officers"], entry["scored"], dict(entry["figures"]),
                                        entry["previous_total"], dict(entry["months"]))
    first_month = add_months(month, -11)
    return ProvinceOverview(root=root, month=month, months=[add_months(first_month, index) for index in range(12)],
                            units=list(ranks.values()), movers_up=[ranks[pk] for pk in figures["movers_up"]],
                            movers_down=[ranks[pk] for pk in figures["movers_down"]], sort=sort,
                            figures_key=figures["key"])


def _province_figures(*, root: Unit | None, row_units: list[Unit], own_rows: tuple[int, ...], everything: bool,
                      month: dt.date, sort: str) -> dict:
    """The overview's ranking as plain data (row unit ids, None for the combined small groups), from one
    aggregate query (`_province_sums`)."""
    first_month = add_months(month, -11)
    officer_counts: dict[int, int] = defaultdict(int)
    sums: dict[int, dict] = defaultdict(lambda: defaultdict(lambda: defaultdict(float)))
    if root is not None or everything:
        targets: dict[str, Unit | None] = {}
        for path, row_month, count, *values in _province_sums(root=root, first_month=first_month, month=month):
            if path not in targets:
                targets[path] = _roll_up(row_units, root, path)
            target = targets[path]
            if target is None:
                continue
            if row_month is None:
                officer_counts[target.pk] += count
                continue
            bucket = sums[target.pk][row_month]
            bucket["n"] += count
            for name, value in zip(COMPONENTS, values, strict=True):
                bucket[name] += float(value or 0)
    ranks, small = [], UnitRank(None, "", 0)
    small_sums: dict = defaultdict(lambda: defaultdict(float))
    for row_unit in row_units:
        count = officer_counts.get(row_unit.pk, 0)
        if not count:
            continue
        if count < SMALL_GROUP and row_unit.pk not in own_rows:
            small.officers += count
            for month_key, bucket in sums.get(row_unit.pk, {}).items():
                for name, value in bucket.items():
                    small_sums[month_key][name] += value
            continue
        rank = UnitRank(row_unit, row_unit.name, count)
        _fill_rank(rank, sums.get(row_unit.pk, {}), month)
        ranks.append(rank)
    if small.officers:
        _fill_rank(small, small_sums, month)
    key = (lambda rank: (rank.figures.get(sort) is None, -(rank.figures.get(sort) or 0), rank.label))
    ranks.sort(key=key)
    moving = [rank for rank in ranks if rank.change is not None]
    movers_up = sorted((rank for rank in moving if rank.change > 0), key=lambda rank: -rank.change)[:3]
    movers_down = sorted((rank for rank in moving if rank.change < 0), key=lambda rank: rank.change)[:3]
    if small.officers:
        ranks.append(small)
    return {
        "units": [{"unit": rank.unit.pk if rank.unit is not None else None, "officers": rank.officers,
                   "scored": rank.scored, "figures": rank.figures, "previous_total": rank.previous_total,
                   "months": rank.months} for rank in ranks],
        "movers_up": [rank.unit.pk for rank in movers_up], "movers_down": [rank.unit.pk for rank in movers_down],
    }


def _fill_rank(rank: UnitRank, by_month: dict, month: dt.date) -> None:
    current = by_month.get(month, {})
    rank.scored = int(current.get("n", 0))
    rank.figures = {name: round(current[name] / current["n"], 1) if current.get("n") else None
                    for name in COMPONENTS}
    previous = by_month.get(add_months(month, -1), {})
    rank.previous_total = round(previous["total"] / previous["n"], 1) if previous.get("n") else None
    rank.months = {key: round(value["total"] / value["n"], 1) if value.get("n") else None
                   for key, value in by_month.items()}


# --- Drill-down to one officer -------------------------------------------------------------------

def officer_get_visible(*, user, pk: int) -> Officer | None:  # noqa: ANN001
    """An officer the user may see under the scope rule (an officer sees only themselves)."""
    return officer_list_visible(user=user).filter(pk=pk).first()


def officer_activity(*, officer: Officer, start: dt.date, end: dt.date) -> dict:
    """The rows behind an officer's figures for a period: per software, active days and events (count
    table), their count-table days, the case steps they recorded and their overdue case steps."""
    counts = list(OfficerDayCount.objects.filter(officer=officer, day__range=(start, end))
                  .values("day", "metric", "value").order_by("-day", "metric"))
    totals: dict[str, int] = defaultdict(int)
    days: dict[dt.date, dict[str, int]] = defaultdict(dict)
    for row in counts:
        totals[row["metric"]] += row["value"]
        days[row["day"]][row["metric"]] = row["value"]
    software = [SoftwareUse(item.code, item.name, totals.get(ACTIVE_PREFIX + item.code, 0),
                            totals.get(EVENTS_PREFIX + item.code, 0), item.expected_of(officer.position_id))
                for item in software_catalogue()]
    return {
        "software": software, "totals": dict(totals),
        "days": sorted(days.items(), reverse=True),
        "on_time_percent": _percent(totals.get("steps_on_time", 0), totals.get("steps_recorded", 0)),
        "steps": cases_selectors.step_list_recorded_by(officer=officer, start=start, end=end),
        "overdue": list(cases_selectors.deadline_list_overdue(officer=officer)),
    }


def usage_event_list(*, officer: Officer, start: dt.date, end: dt.date,
                     software_code: str = "") -> QuerySet[UsageEvent]:
    """One officer's usage events between two local dates, newest first (for a paginated drill-down)."""
    tz = timezone.get_current_timezone()
    events = UsageEvent.objects.filter(
        officer=officer,
        occurred_at__gte=dt.datetime.combine(start, dt.time.min, tzinfo=tz),
        occurred_at__lt=dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
    )
    if software_code:
        events = events.filter(software__code=software_code)
    return events.select_related("software", "action").order_by("-occurred_at", "-pk")


# --- The IT focal person's week -------------------------------------------------------------------

@dataclass
class FocalWeekRow:
    """One officer who likely needs help, with one suggested action and the last one taken."""

    laggard: Laggard
    open_requests: int
    suggestion: str  # a support.models.ActionKind value
    suggestion_text: str
    article: object | None  # support.models.Article to send, for "send an article"
    last_action: object | None  # support.models.FocalAction

    def snapshot(self) -> dict:
        """What the list shows now, stored with an action to compare next week."""
        return {"steps": self.laggard.overdue_steps, "courses": self.laggard.overdue_courses,
                "inactive": list(self.laggard.inactive_software), "requests": self.open_requests}


@dataclass
class FocalWeek:
    units: list[Unit]
    rows: list[FocalWeekRow]
    officer_total: int


def focal_week_officers(*, user) -> QuerySet[Officer]:  # noqa: ANN001
    """Active officers of the units whose IT focal person `user` is (their subtrees)."""
    from support.permissions import focal_units

    units = focal_units(user)
    if not units:
        return Officer.objects.none()
    within = Q()
    for unit in units:
        within |= Q(unit__path__startswith=unit.path)
    return Officer.objects.active().filter(within).select_related("unit", "position")


def focal_week_get(*, user, today: dt.date | None = None) -> FocalWeek:  # noqa: ANN001
    """The focal person's weekly "who needs help" list: officers of their units with overdue case steps,
    overdue courses, expected software unused for a week or open help requests, worst first, each with
    one suggested action (book a session for overdue steps, send the software's most helpful article,
    help with the course) and the last action recorded for them. A fixed number of queries."""
    from support import selectors as support_selectors
    from support.models import ActionKind
    from support.permissions import focal_units

    today = today or timezone.localdate()
    officers = list(focal_week_officers(user=user))
    ids = [officer.pk for officer in officers]
    scores = dict(AdoptionScore.objects.filter(officer_id__in=ids, month=month_start(today))
                  .values_list("officer_id", "total"))
    laggards = {row.officer_id: row for row in
                laggards_get(officers=officer_refs(officers), software=software_catalogue(), scores=scores,
                             today=today)}
    requests = support_selectors.help_request_open_counts(officer_ids=ids)
    for officer in officers:  # an open request puts an officer on the list even with nothing overdue
        if officer.pk in requests and officer.pk not in laggards:
            laggards[officer.pk] = Laggard(officer.pk, officer.full_name, officer.unit.name, 0, 0, [],
                                           scores.get(officer.pk))
    ordered = sorted(laggards.values(), key=lambda row: row.weight)
    articles = support_selectors.article_for_software(
        codes=sorted({code for row in ordered for code in row.inactive_software}))
    last = support_selectors.focal_action_latest(officer_ids=[row.officer_id for row in ordered])
    rows = []
    for laggard in ordered:
        article = next((articles[code] for code in laggard.inactive_software if code in articles), None)
        if laggard.overdue_steps:
            kind = ActionKind.BOOK_SESSION
            text = ngettext("%(n)s case step overdue: sit with them for 30 minutes to record it",
                            "%(n)s case steps overdue: sit with them for 30 minutes to record them",
                            laggard.overdue_steps) % {"n": laggard.overdue_steps}
        elif laggard.inactive_software and article is not None:
            kind, text = ActionKind.SEND_ARTICLE, _("No use of %(codes)s this week: send “%(title)s”") % {
                "codes": ", ".join(laggard.inactive_software), "title": article.title}
        elif laggard.overdue_courses:
            kind = ActionKind.ASSIGN_COURSE
            text = ngettext("%(n)s course overdue: help them finish it", "%(n)s courses overdue: help them finish them",
                            laggard.overdue_courses) % {"n": laggard.overdue_courses}
        elif laggard.inactive_software:
            kind, text = ActionKind.BOOK_SESSION, _("No use of %(codes)s this week: show them how in 30 minutes") % {
                "codes": ", ".join(laggard.inactive_software)}
        else:
            kind, text = ActionKind.OTHER, _("Answer their open help request")
        rows.append(FocalWeekRow(laggard, requests.get(laggard.officer_id, 0), kind, text,
                                 article if kind == ActionKind.SEND_ARTICLE else None, last.get(laggard.officer_id)))
    return FocalWeek(units=focal_units(user), rows=rows, officer_total=len(officers))


# --- The landing pages, built after the nightly fill ---------------------------------------------

def landing_figures_warm(*, today: dt.date | None = None, province_page=None, dashboard_page=None) -> int:  # noqa: ANN001
    """Build into the cache the count-table figures of the pages unit managers and provincial leaders land
    on after sign-in: their dashboard's default view (working year to date, this month, all their units)
    and, for leaders, the province overview (this month, by score), in the site's language. The nightly
    fill calls it after the data version moved, so that the day's first visits read the figures instead
    of building them (`_figures_cached`). One dashboard per distinct scope (managers of the same unit share
    their figures), one overview per leader (its key holds the leader's own unit). Returns the number of
    pages built. `province_page(user=…)`, when given, builds a leader's whole overview page instead of its
    figures alone (the view's `province_content`, which keeps the page's HTML too); `dashboard_page(user=…)`
    likewise the dashboard's sections drawn from the figures (the view's `dashboard_sections_warm`). Worth it only with a
    cache the site's processes share (Redis): a process-local cache keeps them in the job's own process."""
    today = today or timezone.localdate()
    month = today.replace(day=1)
    period = period_get(kind="cumulative", year=month.year, month=month.month)
    officers = (Officer.objects.select_related("user", "unit")
                .filter(is_active=True, user__is_active=True,
                        user__groups__name__in=[Role.UNIT_MANAGER, Role.PROVINCIAL_LEADER])
                .distinct().order_by("unit__path", "pk"))
    built, scopes = 0, set()
    with translation.override(settings.LANGUAGE_CODE):
        for officer in officers:
            user = officer.user
            scope = _scope(user)
            if scope.unit_path not in scopes:
                scopes.add(scope.unit_path)
                if dashboard_page is not None:
                    dashboard_page(user=user)
                else:
                    dashboard_get(user=user, period=period, today=today, units=dashboard_unit_list(user=user))
                built += 1
            if has_role(user, Role.PROVINCIAL_LEADER):
                if province_page is not None:
                    province_page(user=user)
                else:
                    province_overview(user=user, month=month)
                built += 1
    return built
