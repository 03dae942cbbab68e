"""Reads owned by cases: visible cases, search, due and overdue deadlines, timeliness figures."""

from __future__ import annotations

import calendar as std_calendar
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import CaseDeadline, CaseParty, CaseStep, EnforcementCase, ImportBatch
from core.calendar import get_calendar
from core.roles import Role, has_role
from core.text import fold
from org.models import Officer, Unit
from org.selectors import officer_for_user, scope_filter

DUE_SOON_WORKING_DAYS = 3


# --- Who sees which case ------------------------------------------------------------------------

def case_visibility(*, user) -> Q:  # noqa: ANN001
    """Cases whose details (parties included) the user may see: those of their own unit, and for a
    unit manager those of their unit subtree (the shared scope rule). Leaders, administrators and
    other roles see only aggregates, plus the cases of the unit they themselves work in."""
    officer = officer_for_user(user)
    if officer is None:
        return Q(pk__in=[])
    own = Q(unit_id=officer.unit_id)
    if has_role(user, Role.UNIT_MANAGER):
        return own | scope_filter(user=user, unit_field="unit")
    return own


def case_list_visible(*, user) -> QuerySet[EnforcementCase]:  # noqa: ANN001
    return EnforcementCase.objects.filter(case_visibility(user=user)).select_related("unit", "officer")


def case_get_visible(*, user, pk: int) -> EnforcementCase | None:  # noqa: ANN001
    return case_list_visible(user=user).filter(pk=pk).first()


def case_search(*, user, query: str = "", mine_only: bool = False) -> QuerySet[EnforcementCase]:  # noqa: ANN001
    """Visible cases whose number or a party's name (typed with or without accents) contains `query`."""
    cases = case_list_visible(user=user)
    if mine_only:
        officer = officer_for_user(user)
        cases = cases.filter(officer=officer)
    folded = fold(query)
    if folded:
        party = CaseParty.objects.filter(case=OuterRef("pk"), search_name__contains=folded)
        cases = cases.filter(Q(search_number__contains=folded) | Exists(party))
    return cases.order_by("-intake_date", "-pk")


def case_parties(*, case: EnforcementCase) -> list[CaseParty]:
    return list(case.parties.all())


def case_step_history(*, case: EnforcementCase) -> list[CaseStep]:
    """Every version of every step, oldest act first; superseded versions are kept and marked."""
    return list(case.steps.select_related("step_type", "recorded_by", "supersedes")
                .order_by("legal_date", "step_type__order", "pk"))


def case_deadline_list(*, case: EnforcementCase) -> list[CaseDeadline]:
    return list(case.deadlines.select_related("expected", "rule").order_by("is_open", "due_date"))


# --- Due and overdue ----------------------------------------------------------------------------

def deadline_list_due(*, officer: Officer, today: date | None = None,
                      within_working_days: int = DUE_SOON_WORKING_DAYS) -> QuerySet[CaseDeadline]:
    """Open deadlines of the officer's cases due within `within_working_days` working days or already
    overdue, most urgent first. One indexed query (officer, is_open, due_date)."""
    today = today or timezone.localdate()
    horizon = get_calendar().add_working_days(today, within_working_days)
    return (CaseDeadline.objects.filter(officer=officer, is_open=True, due_date__lte=horizon)
            .select_related("case", "expected").order_by("due_date", "pk"))


# --- Periods ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Period:
    kind: str  # "month" | "year" | "cumulative"
    start: date
    end: date
    label: str


def period_month(*, year: int, month: int) -> Period:
    last = std_calendar.monthrange(year, month)[1]
    return Period("month", date(year, month, 1), date(year, month, last), f"{month:02d}/{year}")


def working_year_of(day: date) -> int:
    """The THADS working year containing `day`, named by the calendar year it ends in
    (1/10/2025–30/9/2026 is working year 2026 when the year starts in October)."""
    start_month = settings.THADS_WORKING_YEAR_START_MONTH
    return day.year + 1 if start_month > 1 and day.month >= start_month else day.year


def period_working_year(*, year: int) -> Period:
    start_month = settings.THADS_WORKING_YEAR_START_MONTH
    if start_month == 1:
        return Period("year", date(year, 1, 1), date(year, 12, 31), str(year))
    start = date(year - 1, start_month, 1)
    end_month = start_month - 1
    end = date(year, end_month, std_calendar.monthrange(year, end_month)[1])
    return Period("year", start, end, _("Working year %(start)s–%(end)s") % {
        "start": start.strftime("%d/%m/%Y"), "end": end.strftime("%d/%m/%Y")})


def working_year_start(year: int) -> date:
    """First day of THADS working year `year` (named by the calendar year it ends in)."""
    start_month = settings.THADS_WORKING_YEAR_START_MONTH
    return date(year, 1, 1) if start_month == 1 else date(year - 1, start_month, 1)


def period_cumulative(*, year: int, month: int) -> Period:
    """The cumulative reporting period: from the start of the working year containing month `month` of
    calendar year `year` to the end of that month (1/10 → 31/3 is period 6 of working year 2026 when
    the year starts in October)."""
    end = date(year, month, std_calendar.monthrange(year, month)[1])
    start = working_year_start(working_year_of(end))
    return Period("cumulative", start, end, _("Cumulative %(start)s–%(end)s") % {
        "start": start.strftime("%d/%m/%Y"), "end": end.strftime("%d/%m/%Y")})


def period_months(period: Period) -> list[tuple[int, int]]:
    """(year, month) of every month the period touches, in order."""
    months, year, month = [], period.start.year, period.start.month
    while (year, month) <= (period.end.year, period.end.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


# --- Timeliness ---------------------------------------------------------------------------------

@dataclass
class Timeliness:
    officer_id: int | None
    officer_name: str
    unit_name: str
    steps: int
    on_time: int
    median_lag: int | None
    p90_lag: int | None
    overdue: int

    @property
    def on_time_percent(self) -> float | None:
        return round(100 * self.on_time / self.steps, 1) if self.steps else None


def percentile_from_histogram(histogram: dict[int, int], fraction: float) -> int | None:
    """The nearest-rank percentile (the smallest lag with at least `fraction` of steps at or below it)."""
    total = sum(histogram.values())
    if not total:
        return None
    rank = max(1, -(-int(fraction * total * 1000) // 1000))  # ceil(fraction × total), robust to float error
    seen = 0
    for lag in sorted(histogram):
        seen += histogram[lag]
        if seen >= rank:
            return lag
    return max(histogram)


def _steps_in(*, user, period: Period, unit: Unit | None,  # noqa: ANN001
              officer: Officer | None = None) -> QuerySet[CaseStep]:
    steps = CaseStep.objects.filter(scope_filter(user=user, unit_field="unit", officer_field="recorded_by"),
                                    is_current=True, recorded_date__gte=period.start, recorded_date__lte=period.end)
    if unit is not None:
        steps = steps.filter(unit__path__startswith=unit.path)
    if officer is not None:
        steps = steps.filter(recorded_by=officer)
    return steps


@dataclass
class TimelinessReport:
    rows: list[Timeliness]
    total: Timeliness


def timeliness_by_officer(*, user, period: Period, unit: Unit | None = None,  # noqa: ANN001
                          today: date | None = None, officer: Officer | None = None) -> TimelinessReport:
    """Per officer who recorded steps in the period (by recording date), within the user's scope and
    optionally a unit subtree: steps, steps on time, median and 90th-percentile lag in working days,
    and statutory deadlines of the period missed (due in the period and met late, or still open and
    past due).

    Three flat SQL queries whatever the number of steps: one GROUP BY (officer, lag) histogram with
    the on-time count per bucket — the median and p90 are read from that small histogram, which gives
    the same exact nearest-rank percentiles on SQLite and PostgreSQL —, one GROUP BY officer over the
    deadlines, and one for the officers' names.
    """
    today = today or timezone.localdate()
    buckets = (_steps_in(user=user, period=period, unit=unit, officer=officer)
               .values("recorded_by_id", "lag_working_days")
               .annotate(n=Count("id"), on_time_n=Count("id", filter=Q(on_time=True)))
               .order_by())
    histograms: dict[int | None, dict[int, int]] = {}
    on_time: dict[int | None, int] = {}
    for bucket in buckets:
        officer_id = bucket["recorded_by_id"]
        histograms.setdefault(officer_id, {})[bucket["lag_working_days"]] = bucket["n"]
        on_time[officer_id] = on_time.get(officer_id, 0) + bucket["on_time_n"]
    deadlines = CaseDeadline.objects.filter(scope_filter(user=user, unit_field="unit", officer_field="officer"),
                                            due_date__gte=period.start, due_date__lte=min(period.end, today))
    if unit is not None:
        deadlines = deadlines.filter(unit__path__startswith=unit.path)
    if officer is not None:
        deadlines = deadlines.filter(officer=officer)
    overdue = dict(deadlines.filter(Q(is_open=True, due_date__lt=today) | Q(met_on__gt=F("due_date")))
                   .values("officer_id").annotate(n=Count("id")).order_by().values_list("officer_id", "n"))
    ids = set(histograms) | set(overdue)
    names = {officer.pk: officer for officer in Officer.objects.filter(pk__in=[i for i in ids if i])
             .select_related("unit").only("pk", "full_name", "unit__name")}
    rows = []
    for officer_id in ids:
        histogram = histograms.get(officer_id, {})
        officer = names.get(officer_id)
        rows.append(Timeliness(
            officer_id=officer_id, officer_name=officer.full_name if officer else _("(no officer)"),
            unit_name=officer.unit.name if officer else "", steps=sum(histogram.values()),
            on_time=on_time.get(officer_id, 0), median_lag=percentile_from_histogram(histogram, 0.5),
            p90_lag=percentile_from_histogram(histogram, 0.9), overdue=overdue.get(officer_id, 0),
        ))
    rows.sort(key=lambda row: (row.unit_name, row.officer_name))
    merged: dict[int, int] = {}
    for histogram in histograms.values():
        for lag, n in histogram.items():
            merged[lag] = merged.get(lag, 0) + n
    total = Timeliness(officer_id=None, officer_name=_("All officers"), unit_name="", steps=sum(merged.values()),
                       on_time=sum(on_time.values()), median_lag=percentile_from_histogram(merged, 0.5),
                       p90_lag=percentile_from_histogram(merged, 0.9), overdue=sum(overdue.values()))
    return TimelinessReport(rows=rows, total=total)


@dataclass
class TrendMonth:
    year: int
    month: int
    steps: int
    on_time: int
    overdue: int

    @property
    def label(self) -> str:
        return f"{self.month:02d}/{self.year}"

    @property
    def on_time_percent(self) -> float | None:
        return round(100 * self.on_time / self.steps, 1) if self.steps else None


def timeliness_trend(*, user, period: Period, unit: Unit | None = None,  # noqa: ANN001
                     officer: Officer | None = None, today: date | None = None) -> list[TrendMonth]:
    """Month by month over `period` (every month listed, empty ones too), for the user's scope narrowed
    to a unit subtree and/or one officer: steps recorded, on time, deadlines missed. Two GROUP BY
    month queries whatever the number of steps or months."""
    today = today or timezone.localdate()
    by_month = {(row["m"].year, row["m"].month): row for row in (
        _steps_in(user=user, period=period, unit=unit, officer=officer)
        .annotate(m=TruncMonth("recorded_date")).values("m")
        .annotate(n=Count("id"), on_time_n=Count("id", filter=Q(on_time=True))).order_by())}
    deadlines = CaseDeadline.objects.filter(scope_filter(user=user, unit_field="unit", officer_field="officer"),
                                            due_date__gte=period.start, due_date__lte=min(period.end, today))
    if unit is not None:
        deadlines = deadlines.filter(unit__path__startswith=unit.path)
    if officer is not None:
        deadlines = deadlines.filter(officer=officer)
    missed = {(row["m"].year, row["m"].month): row["n"] for row in (
        deadlines.filter(Q(is_open=True, due_date__lt=today) | Q(met_on__gt=F("due_date")))
        .annotate(m=TruncMonth("due_date")).values("m").annotate(n=Count("id")).order_by())}
    return [TrendMonth(year=year, month=month, steps=by_month.get((year, month), {}).get("n", 0),
                       on_time=by_month.get((year, month), {}).get("on_time_n", 0),
                       overdue=missed.get((year, month), 0))
            for year, month in period_months(period)]


def import_batch_list(*, user) -> QuerySet[ImportBatch]:  # noqa: ANN001
    """Import history: every batch for an administrator, one's own batches for anyone else."""
    batches = ImportBatch.objects.select_related("uploaded_by")
    return batches if has_role(user, Role.ADMIN) else batches.filter(uploaded_by=user)


# --- For other apps' dashboards -----------------------------------------------------------------

def deadline_overdue_counts(*, officer_ids: list[int], today: date | None = None) -> dict[int, int]:
    """Open deadlines already past their due date, counted per officer for the given officers.
    One GROUP BY query on the (officer, is_open, due_date) index; officers with none are absent."""
    today = today or timezone.localdate()
    rows = (CaseDeadline.objects.filter(officer_id__in=officer_ids, is_open=True, due_date__lt=today)
            .values("officer_id").annotate(count=Count("pk")).order_by())
    return {row["officer_id"]: row["count"] for row in rows}


def deadline_list_overdue(*, officer: Officer, today: date | None = None) -> QuerySet[CaseDeadline]:
    """The officer's open deadlines already past their due date, oldest first (the steps not yet recorded)."""
    today = today or timezone.localdate()
    return (CaseDeadline.objects.filter(officer=officer, is_open=True, due_date__lt=today)
            .select_related("case", "expected").order_by("due_date", "pk"))


def step_list_recorded_by(*, officer: Officer, start: date, end: date) -> QuerySet[CaseStep]:
    """Current steps the officer recorded between two dates (inclusive), newest first, with their lag."""
    return (CaseStep.objects.filter(recorded_by=officer, is_current=True, recorded_date__range=(start, end))
            .select_related("case", "step_type").order_by("-recorded_date", "-pk"))
# --- For the adoption count tables ---------------------------------------------------------------

def step_recordings_by_officer_day(*, start: date, end: date) -> QuerySet:
    """Current steps recorded from `start` to `end` (recording date), grouped by the officer who
    recorded them and the day: rows `{"o_id", "d", "n", "on_time_n"}`. A lazy GROUP BY query, so a
    caller may use it as the SELECT of a set-based INSERT."""
    return (CaseStep.objects.filter(is_current=True, recorded_by__isnull=False,
                                    recorded_date__gte=start, recorded_date__lte=end)
            .values(o_id=F("recorded_by_id"), d=F("recorded_date"))
            .annotate(n=Count("id"), on_time_n=Count("id", filter=Q(on_time=True))).order_by())


def step_days_imported_since(*, since) -> set[date]:  # noqa: ANN001
    """Recording dates of the current steps written by imports applied after `since` (an aware
    datetime): the days whose counts a late import changed."""
    batches = list(ImportBatch.objects.filter(applied_at__gt=since).values_list("pk", flat=True))
    if not batches:
        return set()
    return set(CaseStep.objects.filter(is_current=True, import_batch_id__in=batches)
               .values_list("recorded_date", flat=True).order_by().distinct())
