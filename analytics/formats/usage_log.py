"""A usage log exported by one of the agency's systems: its columns (from the saved mapping) and the
checking of one row. Pure functions, no ORM; errors name the row as Excel shows it and the column
header of the file, in Vietnamese.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from django.utils.translation import gettext as _

from core.formats.tabular import Column, RowError, with_excel_errors
from core.text import fold

DATETIME_FORMATS = ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M",
                    "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d", "%d-%m-%Y %H:%M:%S", "%d-%m-%Y %H:%M",
                    "%d-%m-%Y", "%d.%m.%Y %H:%M", "%d.%m.%Y")
DMY_RE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
FUTURE_TOLERANCE = timedelta(minutes=5)


@dataclass(frozen=True)
class Headers:
    """The file's column header for each value (blank: the file has no such column)."""

    email: str
    username: str
    action: str
    occurred_at: str
    event_id: str

    def columns(self) -> list[Column]:
        columns = [Column("action", [self.action]), Column("occurred_at", [self.occurred_at])]
        if self.email:
            columns.append(Column("email", [self.email], required=not self.username))
        if self.username:
            columns.append(Column("username", [self.username], required=not self.email))
        if self.event_id:
            columns.append(Column("event_id", [self.event_id]))
        return columns


@dataclass(frozen=True)
class LogRow:
    row: int
    email: str  # lower-case, "" if none
    username: str  # "" if none
    action_id: int
    occurred_at: datetime  # aware
    external_id: str
    derived_id: bool  # True: made from officer, action and time (the file has no event id)


def parse_moment(text: str, zone: tzinfo) -> datetime | None:
    """A date-time as the systems write it (dd/mm/yyyy [hh:mm[:ss]], ISO 8601 with or without an offset);
    a time without an offset is local time (`zone`); a date alone is midnight."""
    text = text.strip()
    if not text:
        return None
    match = DMY_RE.match(text)
    if match:
        day, month, year, hour, minute, second = match.groups()
        try:
            naive = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0))
        except ValueError:
            return None
        return naive.replace(tzinfo=zone)
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        moment = None
        for fmt in DATETIME_FORMATS:
            try:
                moment = datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def action_key(text: str) -> str:
    return fold(text).replace("_", " ")


def derived_id(who: str, action_id: int, moment: datetime) -> str:
    digest = hashlib.sha1(f"{who}|{action_id}|{moment.isoformat()}".encode()).hexdigest()
    return f"row:{digest}"


def check_row(number: int, values: Mapping[str, str], *, headers: Headers, actions: Mapping[str, int],
              software_code: str, now: datetime, zone: tzinfo) -> tuple[LogRow | None, list[RowError]]:
    """Check one row's own cells. `actions` maps `action_key(code or name)` to the action id.
    Returns the row (None when it has errors) and its errors."""
    errors: list[RowError] = []
    email = values.get("email", "").strip().lower()
    username = values.get("username", "").strip()
    if not email and not username:
        column = headers.email or headers.username
        errors.append(RowError(number, column, _("Officer's e-mail or user name missing.")))
    raw_action = values.get("action", "").strip()
    action_id = actions.get(action_key(raw_action))
    if not raw_action:
        errors.append(RowError(number, headers.action, _("Action missing.")))
    elif action_id is None:
        errors.append(RowError(number, headers.action, _("Unknown action «%(action)s» for software %(software)s.")
                               % {"action": raw_action, "software": software_code}))
    raw_moment = values.get("occurred_at", "").strip()
    moment = parse_moment(raw_moment, zone)
    if not raw_moment:
        errors.append(RowError(number, headers.occurred_at, _("Time missing.")))
    elif moment is None:
        errors.append(RowError(number, headers.occurred_at,
                               _("«%(value)s» is not a date and time (day/month/year hour:minute).")
                               % {"value": raw_moment}))
    elif moment > now + FUTURE_TOLERANCE:
        errors.append(RowError(number, headers.occurred_at, _("%(value)s is in the future.") % {"value": raw_moment}))
    event_id = values.get("event_id", "").strip()
    if headers.event_id and not event_id:
        errors.append(RowError(number, headers.event_id, _("Event id missing.")))
    elif len(event_id) > 200:
        errors.append(RowError(number, headers.event_id, _("Event id longer than 200 characters.")))
    errors = with_excel_errors(number, values, headers.columns(), errors)
    if errors:
        return None, errors
    external_id = event_id or derived_id(email or username.lower(), action_id, moment)
    return LogRow(row=number, email=email, username=username, action_id=action_id, occurred_at=moment,
                  external_id=external_id, derived_id=not event_id), []
