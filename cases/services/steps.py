"""Writes for cases and steps: recording, correcting, and keeping the statutory deadlines they open."""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from itertools import islice
from operator import attrgetter

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import (
    CLOSED_STATUSES, CaseDeadline, CaseKind, CaseParty, CaseStep, DeadlineRule, EnforcementCase, StepSource, StepType,
)
from cases.services.bulk import any_of, insert_rows, update_rows
from core.calendar import WorkingCalendar, get_calendar
from core.fragments import panel_cache_bump, panel_cache_bump_all
from core.models import AuditEvent
from core.services import audit_change
from core.text import fold
from org.models import Officer, Unit


class CaseError(Exception):
    """A rule about cases or steps was broken; the message is for the user (Vietnamese)."""


# --- Rules and timeliness -----------------------------------------------------------------------

class RuleBook:
    """All deadline rules in memory (a small table), answering "which rules apply to this trigger"."""

    def __init__(self, rules: Iterable[DeadlineRule] | None = None):
        rules = list(rules if rules is not None else DeadlineRule.objects.all())
        self._by_from: dict[int, list[DeadlineRule]] = defaultdict(list)
        for rule in sorted(rules, key=lambda r: r.effective_from):
            self._by_from[rule.from_step_id].append(rule)

    def applicable(self, *, from_step_id: int, case_kind: str, on: date) -> list[DeadlineRule]:
        """For each (step due, case kind) the rule in force on `on` (latest effective_from ≤ on), if active."""
        chosen: dict[tuple[int, str], DeadlineRule] = {}
        for rule in self._by_from.get(from_step_id, ()):
            if rule.effective_from <= on and rule.case_kind in ("", case_kind):
                chosen[(rule.to_step_id, rule.case_kind)] = rule
        return [rule for rule in chosen.values() if rule.is_active]

    def due_after(self, from_step_ids: Iterable[int]) -> set[int]:
        """The step types any rule triggered by `from_step_ids` expects (whatever its kind, date or
        state: a superset of what `applicable` can return for them)."""
        return {rule.to_step_id for from_step_id in from_step_ids for rule in self._by_from.get(from_step_id, ())}


def step_lag(*, legal_date: date, recorded_date: date, within: int,
             calendar: WorkingCalendar | None = None) -> tuple[int, bool]:
    """(lag in working days from the act to its recording, on time?) — the trigger day is not counted."""
    calendar = calendar or get_calendar()
    lag = max(0, calendar.working_days_between(legal_date, recorded_date))
    return lag, lag <= within


def _local_date(moment: datetime) -> date:
    return timezone.localdate(moment) if timezone.is_aware(moment) else moment.date()


# --- Deadlines ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class CaseFacts:
    pk: int
    kind: str
    officer_id: int | None
    unit_id: int
    status: str


DEADLINE_FIELDS = ("case_id", "rule_id", "trigger_id", "trigger_date", "expected_id", "due_date", "officer_id",
                   "unit_id", "is_open", "met_by_id", "met_on")


class _Deadline:
    """A deadline as `advance_cases` handles it: a saved open one (`pk` set) or one about to be inserted."""

    __slots__ = ("pk", "case_id", "rule_id", "trigger_id", "trigger_date", "expected_id", "due_date", "officer_id",
                 "unit_id", "is_open", "met_by_id", "met_on")

    def __init__(self, *, pk: int | None, case_id: int, rule_id: int | None, trigger_id: int | None,
                 trigger_date: date, expected_id: int, due_date: date | None, officer_id: int | None,
                 unit_id: int | None, is_open: bool, met_by_id: int | None = None, met_on: date | None = None):
        self.pk, self.case_id, self.rule_id, self.trigger_id = pk, case_id, rule_id, trigger_id
        self.trigger_date, self.expected_id, self.due_date = trigger_date, expected_id, due_date
        self.officer_id, self.unit_id, self.is_open, self.met_by_id, self.met_on = (
            officer_id, unit_id, is_open, met_by_id, met_on)

    def values(self) -> tuple:
        return (self.case_id, self.rule_id, self.trigger_id, self.trigger_date, self.expected_id, self.due_date,
                self.officer_id, self.unit_id, self.is_open, self.met_by_id, self.met_on)


def advance_cases(*, cases: dict[int, CaseFacts], new_steps: Sequence[CaseStep], rules: RuleBook,
                  calendar: WorkingCalendar, types: dict[int, StepType]) -> None:
    """Bring the deadlines and statuses of `cases` up to date after `new_steps` were saved.

    A new step meets each deadline of its case that expects its type, was triggered on or before its
    legal date and is open or was met by a step dated later, and opens the deadlines of the rules it triggers (already met when a
    matching later step is on the case). A constant number of queries for any number of steps: the
    deadlines met are closed by one set-based UPDATE, the new ones written by one bulk insert.
    """
    panel_cache_bump(officer_ids=[facts.officer_id for facts in cases.values()], panel="cases")
    if not new_steps:
        return
    case_ids = list(cases)
    # The current steps of each case by type, in (legal date, id) order: the step meeting a new
    # deadline is the first one on or after its trigger date. Only the types a rule triggered by the
    # new steps expects, dated on or after the earliest of them, can meet one: no other step is read.
    on_case: dict[tuple[int, int], list[tuple[date, int]]] = defaultdict(list)
    new_types = {step.step_type_id for step in new_steps}
    earliest, latest = min(step.legal_date for step in new_steps), max(step.legal_date for step in new_steps)
    due_types = rules.due_after(new_types)
    if due_types:
        for case_id, type_id, legal_date, pk in CaseStep.objects.current().filter(
                any_of("case_id", case_ids), any_of("step_type_id", due_types),
                legal_date__gte=earliest).values_list(
                "case_id", "step_type_id", "legal_date", "pk"):
            on_case[case_id, type_id].append((legal_date, pk))
    for steps_of_type in on_case.values():
        steps_of_type.sort()
    # The deadlines a new step can meet: expecting one of their types, triggered on or before the latest
    # of them, and open or met by a step dated after the earliest of them (a step recorded late, dated
    # before the one that met the deadline, meets it instead: a deadline is met by the earliest step,
    # whatever the order the steps were recorded or imported in, as `case_deadlines_rebuild` finds it).
    meetable: dict[int, list[_Deadline]] = defaultdict(list)
    for pk, case_id, expected_id, trigger_date, is_open, met_on in CaseDeadline.objects.filter(
            Q(is_open=True) | Q(met_on__gt=earliest), any_of("case_id", case_ids),
            any_of("expected_id", new_types), trigger_date__lte=latest).values_list(
            "pk", "case_id", "expected_id", "trigger_date", "is_open", "met_on"):
        meetable[case_id].append(_Deadline(
            pk=pk, case_id=case_id, rule_id=None, trigger_id=None, trigger_date=trigger_date, expected_id=expected_id,
            due_date=None, officer_id=None, unit_id=None, is_open=is_open, met_on=met_on))
    closed: list[_Deadline] = []
    created: list[_Deadline] = []
    latest_status: dict[int, tuple[date, int, str]] = {}
    period_end = calendar.period_end
    due_dates: dict[tuple[date, int, str], date] = {}  # many steps share a date and a rule's period
    applicable: dict[tuple[int, str, date], list[DeadlineRule]] = {}  # and a step type and case kind
    for step in sorted(new_steps, key=attrgetter("legal_date", "pk")):
        facts = cases[step.case_id]
        step_pk, legal_date, type_id = step.pk, step.legal_date, step.step_type_id
        waiting = meetable.get(step.case_id)
        if waiting:
            for deadline in waiting:
                if deadline.expected_id == type_id and deadline.trigger_date <= legal_date and (
                        deadline.is_open or (deadline.met_on is not None and deadline.met_on > legal_date)):
                    deadline.is_open, deadline.met_by_id, deadline.met_on = False, step_pk, legal_date
                    closed.append(deadline)
        status = types[type_id].sets_status
        if status and (step.case_id not in latest_status or latest_status[step.case_id][:2] <= (legal_date, step_pk)):
            latest_status[step.case_id] = (legal_date, step_pk, status)
        triggered = applicable.get((type_id, facts.kind, legal_date))
        if triggered is None:
            triggered = applicable[type_id, facts.kind, legal_date] = rules.applicable(
                from_step_id=type_id, case_kind=facts.kind, on=legal_date)
        for rule in triggered:
            met = None  # the earliest current step of the expected type on or after the trigger date
            candidates = on_case.get((step.case_id, rule.to_step_id))
            if candidates:
                for item in islice(candidates, bisect_left(candidates, (legal_date,)), None):
                    if item[1] != step_pk:
                        met = item
                        break
            due = due_dates.get((legal_date, rule.period, rule.unit))
            if due is None:
                due = due_dates[legal_date, rule.period, rule.unit] = period_end(legal_date, rule.period, rule.unit)
            deadline = _Deadline(
                pk=None, case_id=step.case_id, rule_id=rule.pk, trigger_id=step_pk, trigger_date=legal_date,
                expected_id=rule.to_step_id, due_date=due,
                officer_id=facts.officer_id, unit_id=facts.unit_id, is_open=met is None,
                met_by_id=met[1] if met else None, met_on=met[0] if met else None,
            )
            created.append(deadline)
            if met is None:
                meetable[step.case_id].append(deadline)
    # A deadline opened and met within these steps is inserted already met; only saved ones are updated.
    update_rows(CaseDeadline, ("is_open", "met_by_id", "met_on"),
                [(d.pk, d.is_open, d.met_by_id, d.met_on) for d in closed if d.pk is not None])
    insert_rows(CaseDeadline, DEADLINE_FIELDS, [d.values() for d in created])
    by_status: dict[str, list[int]] = defaultdict(list)
    for case_id, (_step, _day, status) in latest_status.items():
        by_status[status].append(case_id)
    for status, ids in by_status.items():  # cases already in that status are not rewritten
        EnforcementCase.objects.filter(any_of("pk", ids)).exclude(status=status).update(status=status)
    if by_status:  # a closed case has nothing left to do
        CaseDeadline.objects.filter(any_of("case_id", [i for s in CLOSED_STATUSES for i in by_status.get(s, [])]),
                                    is_open=True).update(is_open=False)


def _facts(case: EnforcementCase) -> CaseFacts:
    return CaseFacts(pk=case.pk, kind=case.kind, officer_id=case.officer_id, unit_id=case.unit_id, status=case.status)


def _types() -> dict[int, StepType]:
    return StepType.objects.in_bulk()


@transaction.atomic
def case_deadlines_rebuild(*, case: EnforcementCase, calendar: WorkingCalendar | None = None,
                           rules: RuleBook | None = None) -> None:
    """Recompute every deadline of a case from its current steps (after a correction or a rule change).

    Deadlines are derived data: the old rows are replaced. Steps are untouched.
    """
    from cases.models import CaseStatus

    CaseDeadline.objects.filter(case=case).delete()
    EnforcementCase.objects.filter(pk=case.pk).update(status=CaseStatus.IN_PROGRESS)
    case.status = CaseStatus.IN_PROGRESS
    steps = list(CaseStep.objects.current().filter(case=case))
    advance_cases(cases={case.pk: _facts(case)}, new_steps=steps, rules=rules or RuleBook(),
                  calendar=calendar or get_calendar(), types=_types())


def case_deadlines_rebuild_many(*, case_ids: Iterable[int], calendar: WorkingCalendar | None = None,
                                rules: RuleBook | None = None, chunk: int = 1000) -> None:
    """`case_deadlines_rebuild` for many cases, a constant number of queries per `chunk` cases."""
    from cases.models import CaseStatus

    ids = sorted(set(case_ids))
    calendar, rules, types = calendar or get_calendar(), rules or RuleBook(), _types()
    for start in range(0, len(ids), chunk):
        part = ids[start:start + chunk]
        CaseDeadline.objects.filter(any_of("case_id", part)).delete()
        EnforcementCase.objects.filter(any_of("pk", part)).update(status=CaseStatus.IN_PROGRESS)
        facts = {case.pk: _facts(case) for case in EnforcementCase.objects.filter(any_of("pk", part)).only(
            "pk", "kind", "officer_id", "unit_id", "status")}
        steps = list(CaseStep.objects.current().filter(any_of("case_id", part)))
        advance_cases(cases=facts, new_steps=steps, rules=rules, calendar=calendar, types=types)


# --- Cases --------------------------------------------------------------------------------------

@transaction.atomic
def case_create(*, unit: Unit, number: str, intake_date: date, officer: Officer | None = None,
                kind: str = CaseKind.ON_REQUEST, judgment_ref: str = "", obligation: str = "",
                amount_due: Decimal | int = 0, external_id: str = "",
                parties: Sequence[tuple[str, str, str]] = (), by: Officer | None = None,
                recorded_at: datetime | None = None) -> EnforcementCase:
    """Open a case with its parties (role, name, address) and record its intake step.

    Raises CaseError if the number is already used in the unit.
    """
    number = " ".join(number.split())
    if EnforcementCase.objects.filter(unit=unit, number=number).exists():
        raise CaseError(_("Case number «%(number)s» already exists in this unit.") % {"number": number})
    case = EnforcementCase.objects.create(
        unit=unit, number=number, officer=officer, intake_date=intake_date, kind=kind, judgment_ref=judgment_ref,
        obligation=obligation, amount_due=Decimal(amount_due), external_id=external_id,
        search_number=fold(number),
    )
    CaseParty.objects.bulk_create([
        CaseParty(case=case, role=role, full_name=name, address=address, search_name=fold(name))
        for role, name, address in parties
    ])
    case_step_record(case=case, step_type=StepType.objects.get(code="intake"), legal_date=intake_date,
                     by=by or officer, recorded_at=recorded_at)
    return case


# --- Steps --------------------------------------------------------------------------------------

@transaction.atomic
def case_step_record(*, case: EnforcementCase, step_type: StepType, legal_date: date,
                     by: Officer | None, note: str = "", source: str = StepSource.MANUAL,
                     recorded_at: datetime | None = None, external_id: str = "") -> CaseStep:
    """Record one step of a case now (or at `recorded_at`), with its lag and on-time flag.

    Meets the case's open deadlines that expect this step, opens those it triggers, and moves the
    case status when the step type sets one. Raises CaseError for a closed case, an act dated in
    the future or after its recording, or an external id already used.
    """
    recorded_at = recorded_at or timezone.now()
    recorded_date = _local_date(recorded_at)
    if not case.is_open and step_type.code != "archive":
        raise CaseError(_("The case is closed; no more steps can be recorded."))
    if legal_date > recorded_date:
        raise CaseError(_("The document date cannot be after the day it is recorded."))
    if external_id and CaseStep.objects.current().filter(external_id=external_id).exists():
        raise CaseError(_("Step id «%(id)s» already exists.") % {"id": external_id})
    lag, on_time = step_lag(legal_date=legal_date, recorded_date=recorded_date, within=step_type.on_time_within)
    step = CaseStep.objects.create(
        case=case, step_type=step_type, legal_date=legal_date, recorded_at=recorded_at, recorded_date=recorded_date,
        recorded_by=by, unit_id=case.unit_id, source=source, external_id=external_id, note=note.strip(),
        lag_working_days=lag, on_time=on_time,
    )
    advance_cases(cases={case.pk: _facts(case)}, new_steps=[step], rules=RuleBook(), calendar=get_calendar(),
                  types=_types())
    case.refresh_from_db(fields=["status"])
    return step


@transaction.atomic
def case_step_correct(*, step: CaseStep, legal_date: date, step_type: StepType, note: str,
                      by: Officer | None) -> CaseStep:
    """Correct a step by adding a new version; the old one stays in the history, no longer current.

    Timeliness keeps measuring the first recording of the step (a correction does not make a late
    step on time, nor an on-time step late); the case's deadlines are rebuilt.
    Raises CaseError if the step was already corrected or the date is after the first recording.
    """
    step = CaseStep.objects.select_for_update().select_related("case").get(pk=step.pk)
    if not step.is_current:
        raise CaseError(_("This step was already corrected; correct its latest version."))
    if legal_date > step.recorded_date:
        raise CaseError(_("The document date cannot be after the day it was first recorded."))
    lag, on_time = step_lag(legal_date=legal_date, recorded_date=step.recorded_date, within=step_type.on_time_within)
    CaseStep.objects.filter(pk=step.pk).update(is_current=False)
    new = CaseStep.objects.create(
        case=step.case, step_type=step_type, legal_date=legal_date, recorded_at=timezone.now(),
        recorded_date=step.recorded_date, recorded_by=step.recorded_by, unit_id=step.unit_id, source=step.source,
        external_id=step.external_id, note=note.strip(), lag_working_days=lag, on_time=on_time,
        supersedes=step, version=step.version + 1,
    )
    if by is not None and by != step.recorded_by:
        new.note = (new.note + " " + _("(corrected by %(name)s)") % {"name": by.full_name}).strip()
        new.save(update_fields=["note"])
    audit_change(action=AuditEvent.Action.STEP_CORRECTED, target=f"{step.case.number} · {step.step_type.code}",
                 before={"step_type": step.step_type.code, "legal_date": step.legal_date, "note": step.note},
                 after={"step_type": step_type.code, "legal_date": legal_date, "note": new.note},
                 case=step.case_id, step=new.pk, supersedes=step.pk)
    case_deadlines_rebuild(case=step.case)
    return new


def timeliness_recompute(*, calendar: WorkingCalendar | None = None, batch_size: int = 5000,
                         date_from: date | None = None, date_to: date | None = None,
                         step_type_ids: Iterable[int] | None = None) -> int:
    """Recompute lag and on-time of steps and the due dates of open deadlines (after the calendar or a
    step type's rule changed). Returns the number of steps whose figures changed. Idempotent.

    Limited to the steps whose lag spans a changed day (act before `date_to`, recorded on or after
    `date_from`) and/or to some step types when given; every step otherwise. Open deadlines are
    always all re-dated (a small, indexed set).
    """
    calendar = calendar or get_calendar()
    within = dict(StepType.objects.values_list("pk", "on_time_within"))
    steps = CaseStep.objects.all()
    if date_from is not None:
        steps = steps.filter(recorded_date__gte=date_from)
    if date_to is not None:
        steps = steps.filter(legal_date__lt=date_to)
    if step_type_ids is not None:
        steps = steps.filter(step_type_id__in=list(step_type_ids))
    changed = 0
    last_pk = 0
    while True:
        batch = list(steps.filter(pk__gt=last_pk).order_by("pk").only(
            "pk", "step_type_id", "legal_date", "recorded_date", "lag_working_days", "on_time")[:batch_size])
        if not batch:
            break
        last_pk = batch[-1].pk
        dirty = []
        for step in batch:
            lag, on_time = step_lag(legal_date=step.legal_date, recorded_date=step.recorded_date,
                                    within=within[step.step_type_id], calendar=calendar)
            if (lag, on_time) != (step.lag_working_days, step.on_time):
                step.lag_working_days, step.on_time = lag, on_time
                dirty.append(step)
        with transaction.atomic():
            CaseStep.objects.bulk_update(dirty, ["lag_working_days", "on_time"], batch_size=1000)
        changed += len(dirty)
    open_deadlines = list(CaseDeadline.objects.filter(is_open=True).select_related("rule"))
    moved = []
    for deadline in open_deadlines:
        due = calendar.period_end(deadline.trigger_date, deadline.rule.period, deadline.rule.unit)
        if due != deadline.due_date:
            deadline.due_date = due
            moved.append(deadline)
    CaseDeadline.objects.bulk_update(moved, ["due_date"], batch_size=1000)
    panel_cache_bump_all(panel="cases")
    return changed


def deadline_rules_reapply(*, step_type_ids: Iterable[int], calendar: WorkingCalendar | None = None) -> int:
    """After a deadline rule was added or changed: rebuild the deadlines of every case with a current
    step of one of `step_type_ids` (the rule's trigger steps, old and new). Returns the number of cases."""
    case_ids = set(CaseStep.objects.current().filter(step_type_id__in=list(step_type_ids))
                   .values_list("case_id", flat=True).distinct())
    with transaction.atomic():
        case_deadlines_rebuild_many(case_ids=case_ids, calendar=calendar)
    return len(case_ids)
