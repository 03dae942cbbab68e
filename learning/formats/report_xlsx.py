"""The course report as an Excel workbook: the funnel per course × unit, its totals per unit (as the page groups
them), and optionally the officers behind it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

from core.exports import Sheet

FUNNEL_HEADERS = ["Mã khóa học", "Khóa học", "Đơn vị", "Được giao", "Đã bắt đầu", "Hoàn thành", "Quá hạn",
                  "Tỷ lệ hoàn thành (%)"]
UNIT_HEADERS = ["Đơn vị", "Số khóa học", "Được giao", "Đã bắt đầu", "Hoàn thành", "Quá hạn", "Tỷ lệ hoàn thành (%)"]
OFFICER_HEADERS = ["Họ và tên", "E-mail công vụ", "Đơn vị", "Chức danh", "Hạn hoàn thành", "Tiến độ (%)",
                   "Thời gian học (phút)", "Bắt đầu", "Hoàn thành", "Trạng thái", "Điểm khóa học (%)"]


def _status(enrollment, today: dt.date) -> str:  # noqa: ANN001
    if enrollment.completed_at:
        return "Hoàn thành"
    if enrollment.due_date and enrollment.due_date < today:
        return "Quá hạn"
    return "Đang học" if enrollment.started_at else "Chưa bắt đầu"


def _officer_rows(enrollments: Iterable, today: dt.date) -> Iterator[list]:
    for enrollment in enrollments:
        officer = enrollment.officer
        # Start and completion are aware date-times: the export helper writes them in local time.
        yield [
            officer.full_name, officer.email, officer.unit.name, officer.position.name, enrollment.due_date,
            enrollment.progress_percent, (getattr(enrollment, "time_spent", 0) or 0) // 60,
            enrollment.started_at, enrollment.completed_at, _status(enrollment, today),
            float(grade) if (grade := getattr(enrollment, "grade", None)) is not None else None,
        ]


def report_sheets(rows: list[dict], enrollments: Iterable | None, *, today: dt.date,
                  groups: list[dict] | None = None) -> list[Sheet]:
    """The report's sheets for `core.exports` (officer rows are streamed, any number of them); `groups`
    (learning.selectors.report_funnel_by_unit) adds the sheet of totals per unit."""
    sheets = [Sheet("Tổng hợp", FUNNEL_HEADERS, (
        [row["course__code"], row["course__title"], row["officer__unit__name"], row["assigned"], row["started"],
         row["completed"], row["overdue"], row["completion_percent"]] for row in rows))]
    if groups is not None:
        sheets.append(Sheet("Theo đơn vị", UNIT_HEADERS, (
            [group["unit_name"], len(group["rows"]), group["assigned"], group["started"], group["completed"],
             group["overdue"], group["completion_percent"]] for group in groups)))
    if enrollments is not None:
        sheets.append(Sheet("Chi tiết cán bộ", OFFICER_HEADERS, _officer_rows(enrollments, today)))
    return sheets
