"""The staff list file: its columns, and parsing of each cell. Pure functions, no ORM."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from core.formats.tabular import Column, RowError, excel_error_keys, with_excel_errors
from core.text import fold

COLUMNS = [
    Column("full_name", ["Họ và tên", "Họ tên", "Full name", "Name"]),
    Column("email", ["Email công vụ", "Thư điện tử công vụ", "Email", "Official e-mail"]),
    Column("unit_code", ["Mã đơn vị", "Đơn vị", "Unit code"]),
    Column("position_code", ["Mã chức danh", "Chức danh", "Position code", "Position"]),
    Column("it_level", ["Trình độ tin học", "IT level"], required=False),
    Column("is_it_focal", ["Đầu mối CNTT", "IT focal"], required=False),
    Column("username", ["Tên đăng nhập", "Username"], required=False),
    Column("is_active", ["Đang công tác", "Active"], required=False),
]
HEADER_OF = {column.key: column.headers[0] for column in COLUMNS}

EMAIL_RE = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")
USERNAME_RE = re.compile(r"^[A-Za-z0-9_.@+-]{3,150}$")

IT_LEVELS = {
    "": "none", "khong": "none", "none": "none", "chua co": "none",
    "a": "a", "tin hoc a": "a", "chung chi a": "a",
    "b": "b", "tin hoc b": "b", "chung chi b": "b",
    "co ban": "basic", "basic": "basic", "chuan co ban": "basic", "cntt co ban": "basic",
    "nang cao": "advanced", "advanced": "advanced", "chuan nang cao": "advanced", "cntt nang cao": "advanced",
}
YES = {"x", "co", "yes", "1", "true", "c"}
NO = {"", "khong", "no", "0", "false", "k"}


def parse_flag(text: str, *, default: bool) -> bool | None:
    folded = fold(text)
    if folded == "":
        return default
    if folded in YES:
        return True
    if folded in NO:
        return False
    return None


def clean_row(number: int, values: dict[str, str]) -> tuple[dict[str, object], list[RowError]]:
    """Check one row's own cells (not lookups); return the normalised row and its errors."""
    errors: list[RowError] = []
    full_name = " ".join(values.get("full_name", "").split())
    email = values.get("email", "").strip().lower()
    if not full_name:
        errors.append(RowError(number, HEADER_OF["full_name"], _("The full name is missing.")))
    if not email:
        errors.append(RowError(number, HEADER_OF["email"], _("The official e-mail is missing.")))
    elif not EMAIL_RE.match(email):
        errors.append(RowError(number, HEADER_OF["email"], _("The e-mail «%(email)s» is not a valid address.") % {"email": email}))
    unit_code = values.get("unit_code", "").strip()
    if not unit_code:
        errors.append(RowError(number, HEADER_OF["unit_code"], _("The unit code is missing.")))
    position_code = values.get("position_code", "").strip()
    if not position_code:
        errors.append(RowError(number, HEADER_OF["position_code"], _("The position code is missing.")))
    it_level = IT_LEVELS.get(fold(values.get("it_level", "")))
    if it_level is None:
        errors.append(RowError(
            number, HEADER_OF["it_level"],
            _("IT level «%(value)s» is not valid (Không, A, B, Cơ bản, Nâng cao).") % {"value": values.get("it_level")},
        ))
    is_it_focal = parse_flag(values.get("is_it_focal", ""), default=False)
    if is_it_focal is None:
        errors.append(RowError(number, HEADER_OF["is_it_focal"], _("Write only «x», «Có» or leave it empty.")))
    is_active = parse_flag(values.get("is_active", ""), default=True)
    if is_active is None:
        errors.append(RowError(number, HEADER_OF["is_active"], _("Write only «Có», «Không» or leave it empty.")))
    username = values.get("username", "").strip()
    if username and not USERNAME_RE.match(username):
        errors.append(RowError(number, HEADER_OF["username"], _("User name «%(username)s» may hold only letters without accents, digits and . _ -")
                               % {"username": username}))
    row = {
        "row": number,
        "full_name": full_name,
        "email": email,
        "unit_code": unit_code,
        "position_code": position_code,
        "it_level": it_level or "none",
        "is_it_focal": bool(is_it_focal),
        "is_active": True if is_active is None else is_active,
        "username": username or email,
    }
    for key in excel_error_keys(values, COLUMNS):  # an error text is no value to look up
        row[key] = ""
        if key == "email" and not username:
            row["username"] = ""
    return row, with_excel_errors(number, values, COLUMNS, errors)
