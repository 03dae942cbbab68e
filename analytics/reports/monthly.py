"""The monthly report "Báo cáo tình hình ứng dụng CNTT tháng MM/YYYY" per unit (.xlsx and PDF), and
the dashboard's tables as worksheets (shared by the on-screen export)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from analytics import selectors
from analytics.formats.report_pdf import BarChart, report_pdf
from analytics.formats.tables import Sheet, workbook_bytes
from org.models import Unit
from org.selectors import unit_list_visible

FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _percent_text(value: float | None) -> str:
    return "—" if value is None else f"{value:g} %"


def dashboard_sheets(board: selectors.Dashboard) -> list[Sheet]:
    """The dashboard's tables as worksheets: officers, laggards, unit × software, trend, distributions."""
    note = _("%(unit)s · %(period)s") % {"unit": board.unit.name if board.unit else _("All units"),
                                           "period": board.period.label}
    officers = Sheet(_("Officers"), [
        _("Officer"), _("Unit"), _("Score %(month)s") % {"month": board.score_month.strftime("%m/%Y")}, _("Stage"),
        _("Active days (all software)"), *[item.code for item in board.software], _("Steps recorded"),
        _("On time (%)"), _("Courses assigned"), _("Courses done on time"),
    ], note=note)
    for row in board.officers:
        officers.rows.append([
            row.name, row.unit_name, float(row.score) if row.score is not None else None, row.stage_label,
            row.active_days, *[row.software_days.get(item.code, 0) for item in board.software],
            row.steps_recorded, row.on_time_percent, row.courses_assigned, row.courses_done_on_time,
        ])
    laggards = Sheet(_("Lagging this week"), [
        _("Officer"), _("Unit"), _("Overdue case steps"), _("Overdue courses"), _("Expected software unused"),
    ], note=note)
    for laggard in board.laggards:
        laggards.rows.append([laggard.name, laggard.unit_name, laggard.overdue_steps, laggard.overdue_courses,
                              ", ".join(laggard.inactive_software)])
    heatmap = Sheet(_("Unit × software"), [_("Unit"), *[item.code for item in board.software]],
                    note=note + " · " + _("active officer-days ÷ officer working days (%)"))
    for row in board.heatmap:
        heatmap.rows.append([row["unit"].name, *[cell["percent"] for cell in row["cells"]]])
    trend = Sheet(_("Month by month"), [_("Month"), _("Average score"), _("Steps recorded"),
                                        _("On time in the month (%)"), _("On time, cumulative (%)")], note=note)
    for row in board.trend:
        trend.rows.append([row["label"], row["score"], row["steps"], row["on_time_percent"],
                           row["cumulative_on_time_percent"]])
    stages = Sheet(_("Stages"), [_("Stage"), _("Officers")], note=note)
    stages.rows = [[str(stage["label"]), stage["count"]] for stage in board.stages]
    timeliness = Sheet(_("Timeliness"), [_("On-time share of case steps"), _("Officers")], note=note)
    timeliness.rows = [[_("no step") if bucket["key"] == "none" else f"{bucket['low']}–{bucket['high']} %",
                        bucket["count"]] for bucket in board.timeliness]
    return [officers, laggards, heatmap, trend, stages, timeliness]


def report_units(*, user) -> QuerySet[Unit]:  # noqa: ANN001
    """Units whose monthly report the user may download (their scope), in tree order."""
    return unit_list_visible(user=user).filter(is_active=True).order_by("path")


def report_filename(*, unit: Unit, month: dt.date, fmt: str) -> str:
    return f"bao-cao-ung-dung-cntt-{unit.code}-{month:%Y-%m}.{fmt}".lower()


def _report_dir(month: dt.date) -> Path:
    return Path(settings.MEDIA_ROOT) / "analytics" / "reports" / f"{month:%Y-%m}"


def report_stored(*, unit: Unit, month: dt.date, fmt: str) -> Path | None:
    """The file `build_monthly_reports` stored for this unit and month, if any."""
    path = _report_dir(month) / report_filename(unit=unit, month=month, fmt=fmt)
    return path if path.exists() else None


def report_title(month: dt.date) -> str:
    return _("IT adoption report for %(month)s") % {"month": month.strftime("%m/%Y")}


def report_build(*, unit: Unit, month: dt.date, fmt: str) -> bytes:
    """The report of `unit` (its whole subtree) for the calendar month `month`, as .xlsx or PDF bytes."""
    period = selectors.period_get(kind="month", year=month.year, month=month.month)
    today = min(period.end, timezone.localdate())
    board = selectors.dashboard_get(user=None, period=period, unit_id=unit.pk, today=today)
    sheets = dashboard_sheets(board)
    scored = [row.score for row in board.officers if row.score is not None]
    steps = sum(row.steps_recorded for row in board.officers)
    on_time = sum(row.steps_on_time for row in board.officers)
    summary = [
        (_("Unit"), unit.name),
        (_("Officers"), str(len(board.officers))),
        (_("Average score"), f"{sum(scored) / len(scored):.1f}" if scored else "—"),
        (_("Steps recorded"), str(steps)),
        (_("On time (%)"), _percent_text(round(100 * on_time / steps, 1) if steps else None)),
        (_("Lagging this week"), str(len(board.laggards))),
    ]
    title = report_title(month)
    if fmt == "xlsx":
        cover = Sheet(_("Summary"), [title, ""], rows=[[label, value] for label, value in summary])
        return workbook_bytes([cover, *sheets])
    software_share = []
    for index, item in enumerate(board.software):
        active = sum(row["cells"][index]["active"] for row in board.heatmap)
        software_share.append((item.code, active))
    charts = [
        BarChart(_("Officers by stage"), [str(stage["label"]) for stage in board.stages],
                 [stage["count"] for stage in board.stages]),
        BarChart(_("Active officer-days per software"), [code for code, _v in software_share],
                 [value for _c, value in software_share]),
        BarChart(_("Officers by on-time share of case steps"), [row[0] for row in sheets[5].rows],
                 [row[1] for row in sheets[5].rows]),
        BarChart(_("Average score, month by month"), [row["label"] for row in board.trend],
                 [row["score"] for row in board.trend], maximum=100),
    ]
    subtitle = _("%(unit)s · generated %(when)s") % {
        "unit": unit.name, "when": timezone.localtime().strftime("%d/%m/%Y %H:%M")}
    return report_pdf(title=title, subtitle=subtitle, summary=summary, charts=charts,
                      tables=[sheets[0], sheets[1], sheets[2]])


def reports_build_all(*, month: dt.date, unit_codes: list[str] | None = None) -> list[Path]:
    """Build and store both files of the month for every active unit (or the listed ones); returns the
    paths written. Re-running replaces the files (same names), so the command is safe to repeat."""
    directory = _report_dir(month)
    directory.mkdir(parents=True, exist_ok=True)
    units = Unit.objects.filter(is_active=True).order_by("path")
    if unit_codes:
        units = units.filter(code__in=unit_codes)
    written = []
    for unit in units:
        for fmt in FORMATS:
            path = directory / report_filename(unit=unit, month=month, fmt=fmt)
            temporary = path.with_suffix(path.suffix + ".part")
            temporary.write_bytes(report_build(unit=unit, month=month, fmt=fmt))
            temporary.replace(path)
            written.append(path)
    return written
