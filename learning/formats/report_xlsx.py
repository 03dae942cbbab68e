"""The course report as an Excel workbook: the funnel per course × unit, and optionally the officers behind it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from openpyxl import Workbook

FUNNEL_HEADERS = ["Mã khóa học", "Khóa học", "Đơn vị", "Được giao", "Đã bắt đầu", "Hoàn thành", "Quá hạn",
                  "Tỷ lệ hoàn thành (%)"]
OFFICER_HEADERS = ["Họ và tên", "E-mail công vụ", "Đơn vị", "Chức danh", "Hạn hoàn thành", "Tiến độ (%)",
                   "Thời gian học (phút)", "Bắt đầu", "Hoàn thành", "Trạng thái"]


def _status(enrollment, today: dt.date) -> str:  # noqa: ANN001
    if enrollment.completed_at:
        return "Hoàn thành"
    if enrollment.due_date and enrollment.due_date < today:
        return "Quá hạn"
    return "Đang học" if enrollment.started_at else "Chưa bắt đầu"


def report_workbook(rows: list[dict], enrollments: Iterable | None, *, today: dt.date) -> Workbook:
    """Write-only workbook (streams any number of officer rows)."""
    book = Workbook(write_only=True)
    funnel = book.create_sheet("Tổng hợp")
    funnel.append(FUNNEL_HEADERS)
    for row in rows:
        funnel.append([row["course__code"], row["course__title"], row["officer__unit__name"], row["assigned"],
                       row["started"], row["completed"], row["overdue"], row["completion_percent"]])
    if enrollments is not None:
        sheet = book.create_sheet("Chi tiết cán bộ")
        sheet.append(OFFICER_HEADERS)
        for enrollment in enrollments:
            officer = enrollment.officer
            sheet.append([
                officer.full_name, officer.email, officer.unit.name, officer.position.name, enrollment.due_date,
                enrollment.progress_percent, (getattr(enrollment, "time_spent", 0) or 0) // 60,
                enrollment.started_at.date() if enrollment.started_at else None,
                enrollment.completed_at.date() if enrollment.completed_at else None,
                _status(enrollment, today),
            ])
    return book
