"""Demo cases and steps for four Kiên Giang branches over the last 18 months, with realistic recording
habits: some officers record the same day, some habitually days late, and everyone leaves a backlog
in the weeks before Tết that is recorded after the holiday. Deterministic and idempotent."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from cases.models import CaseKind, CaseParty, CaseStep, EnforcementCase, StepSource, StepType
from cases.services.steps import CaseFacts, RuleBook, advance_cases, step_lag
from core.calendar import get_calendar
from core.text import fold
from org.demo import _person
from org.models import Officer, Unit

UNITS = ["KG-RG", "KG-HT", "KG-PQ", "KG-KL"]
CASES_PER_OFFICER = 24
# Recording habit: probability of each lag (working days) 0, 1, 2, 3-5, 6-15.
PROFILES = {
    "prompt": [0.62, 0.3, 0.05, 0.03, 0.0],
    "average": [0.35, 0.3, 0.15, 0.15, 0.05],
    "late": [0.1, 0.15, 0.2, 0.35, 0.2],
}
STREETS = ["Nguyễn Trung Trực", "Trần Phú", "Lê Lợi", "Mạc Cửu", "Ngô Quyền", "Lâm Quang Ky", "3 Tháng 2"]
OBLIGATIONS = ["Trả nợ vay", "Bồi thường thiệt hại", "Cấp dưỡng nuôi con", "Án phí dân sự sơ thẩm",
               "Trả tiền mua bán hàng hóa", "Hoàn trả tiền đặt cọc"]
TET = [date(2025, 1, 29), date(2026, 2, 17), date(2027, 2, 6)]


def _lag(rng: random.Random, profile: str, legal: date) -> int:
    weights = PROFILES[profile]
    bucket = rng.choices(range(5), weights=weights)[0]
    lag = [0, 1, 2, rng.randint(3, 5), rng.randint(6, 15)][bucket]
    for tet in TET:
        if timedelta(0) <= tet - legal <= timedelta(days=21):  # the pre-Tết rush: recorded after the holiday
            lag += rng.randint(5, 9)
    return lag


def _chain(rng: random.Random, intake: date) -> list[tuple[str, date]]:
    """A plausible sequence of steps and their legal dates, starting at intake."""
    calendar = get_calendar()
    steps = [("intake", intake)]
    decision = calendar.add_working_days(intake, rng.choice([1, 2, 3, 4, 5, 5, 6]))
    steps.append(("decision", decision))
    steps.append(("procuracy", calendar.add_working_days(decision, rng.choice([1, 2, 3, 3]))))
    notification = calendar.add_working_days(decision, rng.choice([1, 2, 3, 4]))
    steps.append(("notification", notification))
    voluntary_end = calendar.period_end(notification, 10, "calendar_days")
    steps.append(("voluntary_end", voluntary_end))
    outcome = rng.random()
    if outcome < 0.35:
        collection = voluntary_end - timedelta(days=rng.randint(1, 8))
        steps = [step for step in steps if step[0] != "voluntary_end"]
        steps.append(("collection", max(collection, notification)))
        payout = calendar.add_working_days(max(collection, notification), rng.randint(2, 9))
        steps.append(("payout", payout))
        steps.append(("closure", payout + timedelta(days=rng.randint(3, 20))))
    else:
        verification = voluntary_end + timedelta(days=rng.randint(2, 14))
        steps.append(("verification", calendar.next_working_day(verification)))
        if outcome < 0.7:
            no_means = calendar.add_working_days(verification, rng.randint(3, 15))
            steps.append(("no_means", no_means))
            steps.append(("no_means_published", calendar.add_working_days(no_means, rng.randint(2, 7))))
            steps.append(("verification", calendar.next_working_day(no_means + timedelta(days=rng.randint(150, 185)))))
        elif outcome < 0.85:
            steps.append(("postponement", calendar.add_working_days(verification, rng.randint(5, 20))))
        else:
            seizure = calendar.add_working_days(verification, rng.randint(10, 30))
            steps += [("coercion", seizure), ("seizure", seizure),
                      ("valuation", calendar.add_working_days(seizure, rng.randint(10, 25)))]
    return sorted(steps, key=lambda step: step[1])


@transaction.atomic
def seed(*, rng: random.Random) -> None:
    if EnforcementCase.objects.exists() or not Unit.objects.filter(code="KG-RG").exists():
        return
    today = timezone.localdate()
    start = today - timedelta(days=540)
    calendar = get_calendar()
    types = {step_type.code: step_type for step_type in StepType.objects.all()}
    rules = RuleBook()
    for unit in Unit.objects.filter(code__in=UNITS).order_by("code"):
        officers = list(Officer.objects.filter(unit=unit, position__code="enforcement_officer").order_by("pk"))
        profiles = {officer.pk: ["prompt", "average", "late"][index % 3] for index, officer in enumerate(officers)}
        demo_officer = Officer.objects.filter(user__username="canbo", unit=unit).first()
        if demo_officer is not None:
            profiles[demo_officer.pk] = "average"
        cases, plans, parties = [], [], []
        serial = 0
        for officer in officers:
            for index in range(CASES_PER_OFFICER):
                # Recent intakes for the last few cases so that every officer has deadlines due now.
                if index >= CASES_PER_OFFICER - 3:
                    intake = calendar.next_working_day(today - timedelta(days=rng.randint(2, 12)))
                else:
                    intake = calendar.next_working_day(start + timedelta(days=rng.randint(0, 520)))
                if intake > today:
                    intake = today
                serial += 1
                number = f"{serial:03d}/{intake.year}/QĐ-CCTHADS-{unit.code.split('-')[-1]}"
                amount = Decimal(rng.choice([5, 12, 30, 45, 80, 150, 320, 900])) * 1_000_000
                case = EnforcementCase(
                    unit=unit, number=number, officer=officer, intake_date=intake,
                    kind=CaseKind.EX_OFFICIO if rng.random() < 0.25 else CaseKind.ON_REQUEST,
                    judgment_ref=f"Bản án số {rng.randint(10, 250)}/{intake.year - 1}/DS-ST",
                    obligation=rng.choice(OBLIGATIONS), amount_due=amount, search_number=fold(number),
                    external_id=f"QLTHA-{unit.code}-{serial:05d}",
                )
                cases.append(case)
                chain = _chain(rng, intake) if index < CASES_PER_OFFICER - 3 else [("intake", intake)]
                plans.append((case, officer, [(code, legal) for code, legal in chain if legal <= today]))
        EnforcementCase.objects.bulk_create(cases)
        steps: list[CaseStep] = []
        for case, officer, chain in plans:
            for role, name in (("debtor", _person(rng)), ("creditor", _person(rng))):
                address = f"{rng.randint(1, 300)} {rng.choice(STREETS)}, {unit.name.split(' ')[-1]}"
                parties.append(CaseParty(case=case, role=role, full_name=name, address=address, search_name=fold(name)))
            for position, (code, legal) in enumerate(chain):
                lag = _lag(rng, profiles.get(officer.pk, "average"), legal)
                recorded = min(calendar.add_working_days(legal, lag), today) if lag else legal
                moment = timezone.make_aware(datetime.combine(recorded, time(rng.randint(7, 16), rng.randint(0, 59))))
                step_type = types[code]
                lag_days, on_time = step_lag(legal_date=legal, recorded_date=recorded,
                                             within=step_type.on_time_within, calendar=calendar)
                steps.append(CaseStep(
                    case=case, step_type=step_type, legal_date=legal, recorded_at=moment, recorded_date=recorded,
                    recorded_by=officer, unit=unit, source=StepSource.IMPORT if position % 4 == 3 else StepSource.MANUAL,
                    external_id=f"{case.external_id}-{position + 1:02d}", lag_working_days=lag_days, on_time=on_time,
                ))
        CaseParty.objects.bulk_create(parties)
        CaseStep.objects.bulk_create(steps, batch_size=1000)
        facts = {case.pk: CaseFacts(pk=case.pk, kind=case.kind, officer_id=case.officer_id, unit_id=unit.pk,
                                    status=case.status) for case in cases}
        advance_cases(cases=facts, new_steps=steps, rules=rules, calendar=calendar, types={t.pk: t for t in types.values()})
