"""The file of case steps exported from the national case software: columns and cell parsing.

Pure functions, no ORM. Errors name the row as Excel shows it, the column header and the problem
(gettext; Vietnamese on the site).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, time
from functools import lru_cache

from django.utils.translation import gettext as _

from core.formats.tabular import Column, RowError, excel_error_keys, with_excel_errors
from core.text import fold

COLUMNS = [
    Column("external_id", ["Mã bước", "Mã bản ghi", "ID bước", "Step id", "External id"]),
    Column("unit_code", ["Mã đơn vị", "Đơn vị", "Unit code"]),
    Column("case_number", ["Số hồ sơ", "Số thụ lý", "Số việc", "Case number"]),
    Column("step_type", ["Bước", "Loại bước", "Công việc", "Step", "Step type"]),
    Column("legal_date", ["Ngày văn bản", "Ngày thực hiện", "Ngày pháp lý", "Legal date", "Act date"]),
    Column("recorded_at", ["Thời điểm cập nhật", "Ngày cập nhật", "Ngày nhập", "Recorded at"]),
    Column("officer_email", ["Email người cập nhật", "Email cán bộ", "Người cập nhật", "Officer e-mail",
                             "Recorded by"]),
    Column("note", ["Ghi chú", "Note"], required=False),
]
HEADER_OF = {column.key: column.headers[0] for column in COLUMNS}

DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y")
DATETIME_FORMATS = ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M",
                    "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M")
EMAIL_RE = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")
# A date-only "recorded at" is taken as noon of that day (the time is unknown).
DEFAULT_TIME = time(12, 0)


# The national software writes dd/mm/yyyy [hh:mm[:ss]]; that shape is read without strptime (fast path).
DMY_RE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)?$")


@lru_cache(maxsize=4096)
def parse_date(text: str) -> date | None:
    text = text.strip()
    if "T" in text and text[:4].isdigit():  # a date cell written by Excel: 2026-03-09T00:00:00
        text = text.split("T", 1)[0]
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def parse_datetime(text: str) -> datetime | None:
    """A naive local date-time; a date alone gives noon of that day."""
    text = text.strip()
    match = DMY_RE.match(text)
    if match:
        day, month, year, hour, minute, second = match.groups()
        try:
            if hour is None:
                return datetime.combine(date(int(year), int(month), int(day)), DEFAULT_TIME)
            return datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0))
        except ValueError:
            return None
    for fmt in DATETIME_FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    day = parse_date(text)
    return datetime.combine(day, DEFAULT_TIME) if day else None


@lru_cache(maxsize=4096)
def step_type_key(text: str) -> str:
    """The folded form a step type is looked up by (a file repeats a handful of step names)."""
    return fold(text)


def clean_row(number: int, values: Mapping[str, str], step_types: Mapping[str, int],
              today: date) -> tuple[dict, list[RowError]]:
    """Check one row's own cells; `step_types` maps a folded code or name to the step type id."""
    errors: list[RowError] = []

    def error(key: str, message: str) -> None:
        errors.append(RowError(number, HEADER_OF[key], message))

    external_id = values.get("external_id", "").strip()
    if not external_id:
        error("external_id", _("The step id is missing (the record id in the national case software)."))
    elif len(external_id) > 80:
        error("external_id", _("The step id is longer than 80 characters."))
    unit_code = values.get("unit_code", "").strip()
    if not unit_code:
        error("unit_code", _("The unit code is missing."))
    case_number = " ".join(values.get("case_number", "").split())
    if not case_number:
        error("case_number", _("The case number is missing."))
    raw_type = values.get("step_type", "").strip()
    step_type_id = step_types.get(step_type_key(raw_type))
    if not raw_type:
        error("step_type", _("The step name is missing."))
    elif step_type_id is None:
        error("step_type", _("There is no step «%(step)s» in the list of steps.") % {"step": raw_type})
    raw_legal = values.get("legal_date", "")
    legal_date = parse_date(raw_legal)
    if legal_date is None:
        error("legal_date", _("The date «%(value)s» is not in the form day/month/year.") % {"value": raw_legal}
              if raw_legal else _("The document date is missing."))
    elif legal_date > today:
        error("legal_date", _("The document date %(date)s is in the future.") % {"date": f"{legal_date:%d/%m/%Y}"})
    raw_recorded = values.get("recorded_at", "")
    recorded_at = parse_datetime(raw_recorded)
    if recorded_at is None:
        error("recorded_at", _("The time «%(value)s» is not in the form day/month/year hour:minute.")
              % {"value": raw_recorded} if raw_recorded else _("The update time is missing."))
    elif legal_date is not None and recorded_at.date() < legal_date:
        error("recorded_at", _("The update time %(recorded)s is before the document date %(legal)s.")
              % {"recorded": f"{recorded_at:%d/%m/%Y}", "legal": f"{legal_date:%d/%m/%Y}"})
    email = values.get("officer_email", "").strip().lower()
    if not email:
        error("officer_email", _("The updating officer's e-mail is missing."))
    elif not EMAIL_RE.match(email):
        error("officer_email", _("The e-mail «%(email)s» is not a valid address.") % {"email": email})
    note = values.get("note", "").strip()
    if len(note) > 500:
        error("note", _("The note is longer than 500 characters."))
    row = {
        "row": number, "external_id": external_id, "unit_code": unit_code, "case_number": case_number,
        "step_type_id": step_type_id, "step_type": raw_type, "legal_date": legal_date, "recorded_at": recorded_at,
        "officer_email": email, "note": note,
    }
    error_keys = excel_error_keys(values, COLUMNS)
    if not error_keys:  # the usual row: no cell holds an Excel error
        return row, errors
    for key in error_keys:  # an error text is no value to look up
        row[key] = ""
    return row, with_excel_errors(number, values, COLUMNS, errors)
