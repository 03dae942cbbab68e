"""Demo usage of the agency's software for the Kiên Giang units over the last 12 months, then the
count tables and adoption scores filled, so that every chart tells a story:

- strong branches (Rạch Giá, Phú Quốc, Hà Tiên) use their software most working days;
- weak ones (U Minh Thượng, Giang Thành, Kiên Hải, An Minh) rarely do;
- a dozen officers of the weak branches improve sharply after the training of six months ago;
- the usage-log column mappings of every software are saved, ready for an import.

Case steps come from the cases demo and count as QLTHA use. Deterministic and idempotent.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from analytics.models import EventSource, ImportMapping, Software, UsageEvent
from analytics.services import counts_and_scores_fill
from analytics.services.events import NewEvent, usage_events_insert
from analytics.services.scores import add_months, expected_codes_by_position, month_start
from core.calendar import get_calendar
from org.models import Officer

STRONG = {"KG-RG": 0.9, "KG-PQ": 0.85, "KG-HT": 0.8}
WEAK = {"KG-UMT": 0.2, "KG-GT": 0.25, "KG-KH": 0.2, "KG-AM": 0.3}
# How often an officer who uses the software at all does so on a working day.
POPULARITY = {"QLTHA": 0.5, "QLVB": 0.85, "CKS": 0.6, "VBDT": 0.7, "EMAIL": 1.0, "HTTT": 0.3, "HOP": 0.2,
              "WEB": 0.35}
MONTHS = 12
IMPROVERS = 12
TRAINING_MONTHS_AGO = 6
MAPPING = {"email_header": "Email", "username_header": "Tài khoản", "action_header": "Thao tác",
           "occurred_at_header": "Thời gian", "event_id_header": "Mã sự kiện"}


def _strength(rng: random.Random, unit_code: str) -> float:
    for prefix, value in {**STRONG, **WEAK}.items():
        if unit_code == prefix:
            return value
    return rng.uniform(0.45, 0.7)


def _events(rng: random.Random, *, start: date, end: date) -> list[NewEvent]:
    calendar = get_calendar()
    everyone, by_position = expected_codes_by_position()
    software = {item.code: item for item in Software.objects.prefetch_related("actions")}
    actions = {code: [action.pk for action in item.actions.all()] for code, item in software.items()}
    officers = list(Officer.objects.active().select_related("unit").order_by("pk"))
    unit_strength: dict[int, float] = {}
    for officer in officers:
        if officer.unit_id not in unit_strength:
            unit_strength[officer.unit_id] = _strength(rng, officer.unit.code)
    weak = [officer for officer in officers if officer.unit.code in WEAK]
    improvers = {officer.pk for officer in rng.sample(weak, min(IMPROVERS, len(weak)))}
    _remember_improvers(improvers)
    training_day = add_months(month_start(end), -TRAINING_MONTHS_AGO)
    days = [start + timedelta(days=offset) for offset in range((end - start).days + 1)]
    working = [day for day in days if calendar.is_working_day(day)]
    zone = timezone.get_current_timezone()
    events = []
    for officer in officers:
        codes = sorted(set(everyone) | set(by_position.get(officer.position_id, [])))
        habit = unit_strength[officer.unit_id] * rng.uniform(0.75, 1.2)
        for code in codes:
            if code not in software or not actions.get(code):
                continue
            for day in working:
                chance = habit * POPULARITY.get(code, 0.5)
                if officer.pk in improvers:
                    chance = chance * 0.4 if day < training_day else min(0.95, chance * 3.5)
                if rng.random() >= min(chance, 0.97):
                    continue
                for index in range(1 + (rng.random() < 0.1)):
                    moment = datetime.combine(day, time(rng.randint(7, 16), rng.randint(0, 59)), tzinfo=zone)
                    events.append(NewEvent(officer_id=officer.pk, software_id=software[code].pk,
                                           action_id=rng.choice(actions[code]), occurred_at=moment,
                                           source=EventSource.IMPORT, source_system=code,
                                           external_id=f"demo-{officer.pk}-{code}-{day:%Y%m%d}-{index}"))
    return events


IMPROVER_IDS: set[int] = set()


def _remember_improvers(ids: set[int]) -> None:
    """Kept for the demo's own test (which officers were made to improve)."""
    IMPROVER_IDS.clear()
    IMPROVER_IDS.update(ids)


def seed(*, rng: random.Random) -> None:
    if UsageEvent.objects.filter(external_id__startswith="demo-").exists():
        return
    if not Officer.objects.exists():
        return
    for software in Software.objects.all():
        ImportMapping.objects.get_or_create(software=software, defaults=MAPPING)
    today = timezone.localdate()
    end = today - timedelta(days=1)
    start = add_months(month_start(today), -MONTHS)
    with transaction.atomic():  # one transaction: SQLite writes the ~100,000 rows in one go
        usage_events_insert(events=_events(rng, start=start, end=end))
    counts_and_scores_fill(through=end, start=start)
