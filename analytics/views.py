"""Adoption pages: the officer's scorecard, the unit dashboard with its drill-downs and export, the
province overview and the monthly reports. Thin: parse the filter, call a selector, render."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from analytics import charts, selectors
from analytics.filters import DashboardFilterForm, ProvinceFilterForm, parse_month
from analytics.formats.tables import workbook_bytes
from analytics.permissions import (
    can_view_adoption_dashboard, can_view_province_overview, can_view_scorecard,
)
from analytics.reports import monthly
from core.permissions import require
from org.selectors import officer_for_user, unit_list_visible

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EVENTS_PAGE = 50


def _query(base: dict, **extra) -> str:  # noqa: ANN003
    params = {key: value for key, value in {**base, **extra}.items() if value not in (None, "")}
    return "?" + urlencode(params)


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


# --- Officer -------------------------------------------------------------------------------------

@require(can_view_scorecard)
def scorecard(request: HttpRequest) -> HttpResponse:
    """"Mức dùng phần mềm của tôi": the officer's own month, 12-month trend, next step and nudges."""
    officer = officer_for_user(request.user)
    card = selectors.scorecard_get(officer=officer)
    today = timezone.localdate()
    detail = reverse("analytics:my-detail")
    month_query = _query({}, start=card.month.isoformat(), end=today.isoformat())
    context = {
        "card": card, "today": today, "detail_url": detail + month_query,
        "charts": {
            "software": charts.bar_chart(
                title=_("Active days this month"), labels=[item.code for item in card.software],
                values=[item.active_days for item in card.software],
                links=[detail + _query({}, start=card.month.isoformat(), end=today.isoformat(), software=item.code)
                       for item in card.software]),
            "trend": charts.line_chart(title=_("Score, last 12 months"), labels=[row["label"] for row in card.trend],
                                       series=[(_("Score"), [row["total"] for row in card.trend])]),
        },
    }
    return render(request, "analytics/scorecard.html", context)


# --- Unit dashboard ------------------------------------------------------------------------------

def _dashboard_inputs(request: HttpRequest) -> tuple[DashboardFilterForm, dict, selectors.Period, list]:
    return _dashboard_filter(user=request.user, query=request.GET)


def _dashboard_filter(*, user, query: QueryDict) -> tuple[DashboardFilterForm, dict, selectors.Period, list]:  # noqa: ANN001
    units = selectors.dashboard_unit_list(user=user)
    form = DashboardFilterForm(query or None, units=units)
    values = form.values()
    period = selectors.period_get(kind=values["period"], year=values["month"].year, month=values["month"].month)
    return form, values, period, units


def _filtered_rows(query: QueryDict, rows: list) -> tuple[list, str]:
    """The officer table limited by a drill-down selection (stage, timeliness bucket or software)."""
    stage, bucket, software = (query.get(name, "") for name in ("stage", "timeliness", "software"))
    if "stage" in query:
        return [row for row in rows if row.stage == stage], _("stage: %(v)s") % {
            "v": selectors.stage_label(stage) or _("No score yet")}
    if bucket:
        return [row for row in rows if selectors.in_timeliness_bucket(row, bucket)], _("on-time share %(v)s") % {
            "v": _("no step") if bucket == "none" else bucket.replace("-101", "-100") + " %"}
    if software:
        for row in rows:
            row.selected_days = row.software_days.get(software, 0)
        return sorted(rows, key=lambda row: (row.software_days.get(software, 0), row.name)), software
    return rows, ""


@require(can_view_adoption_dashboard)
def dashboard(request: HttpRequest) -> HttpResponse:
    """The unit manager's dashboard (also the landing page of managers and leaders)."""
    form, values, period, units = _dashboard_inputs(request)
    board = selectors.dashboard_get(user=request.user, period=period, unit_id=values["unit"], units=units)
    base, detail_query = _dashboard_base(values, board, period)
    funnel = board.funnel
    funnel_url = reverse("learning:report") + (_query({}, unit=board.unit.pk) if board.unit else "")
    context = {
        "form": form, "board": board, "period": period, "detail_query": detail_query, "funnel_url": funnel_url,
        "laggards": board.laggards[:30], "laggard_total": len(board.laggards),
        "sections": _dashboard_sections(request.GET, board, base, detail_query),
        "charts": {
            "funnel": charts.bar_chart(
                title=_("Training funnel"),
                labels=[_("Assigned"), _("Started"), _("Completed"), _("Overdue")],
                values=[funnel["assigned"], funnel["started"], funnel["completed"], funnel["overdue"]],
                links=[funnel_url] * 4, colours=["#475467", "#1570ef", "#067647", "#b42318"]),
        },
        "export_url": reverse("analytics:dashboard-export") + _query(base),
    }
    return render(request, "analytics/dashboard.html", context)


def _dashboard_base(values: dict, board: selectors.Dashboard, period: selectors.Period) -> tuple[dict, str]:
    """The filter its links keep (period, month, the unit chosen) and the officer detail's period query."""
    base = {"period": values["period"], "month": values["month"].strftime("%Y-%m"),
            "unit": board.unit.pk if board.unit and values["unit"] else None}
    return base, _query({}, start=period.start.isoformat(), end=period.end.isoformat())


def dashboard_sections_warm(*, user) -> None:  # noqa: ANN001
    """Build into the cache the sections of `user`'s default dashboard (what a request without a filter
    shows): the nightly job calls it for each scope (`selectors.landing_figures_warm`)."""
    query = QueryDict()
    _form, values, period, units = _dashboard_filter(user=user, query=query)
    board = selectors.dashboard_get(user=user, period=period, unit_id=values["unit"], units=units)
    _dashboard_sections(query, board, *_dashboard_base(values, board, period))


DASHBOARD_SECTIONS = {"shares": "analytics/_dashboard_shares.html", "trend": "analytics/_dashboard_trend.html",
                      "tables": "analytics/_dashboard_tables.html"}


def _dashboard_sections(query: QueryDict, board: selectors.Dashboard, base: dict, detail_query: str) -> dict:
    """The dashboard's sections drawn from the kept figures alone (stages, timeliness and trend with their
    charts, unit × software, the officer table): their HTML is kept in the cache under the figures' key,
    the filter as typed and the live names they show (officers, units, software), until the next fill or
    score write. The laggards and the training funnel are drawn on every request."""
    shown = (sorted(query.lists()), board.unit.pk if board.unit else None,
             [(row.officer_id, row.name, row.unit_name) for row in board.officers],
             [(row["unit"].pk, row["unit"].name, row["own_only"]) for row in board.heatmap],
             [(item.code, item.name) for item in board.software])
    key = f"{board.figures_key}:sections:{hashlib.sha256(repr(shown).encode()).hexdigest()}"
    sections = cache.get(key)
    if sections is None:
        context = _dashboard_sections_context(query, board, base, detail_query)
        sections = {name: render_to_string(template, context) for name, template in DASHBOARD_SECTIONS.items()}
        cache.set(key, sections, selectors.FIGURES_SECONDS)
    return {name: mark_safe(html) for name, html in sections.items()}  # noqa: S308 (rendered here)


def _dashboard_sections_context(query: QueryDict, board: selectors.Dashboard, base: dict,
                                detail_query: str) -> dict:
    rows, selection = _filtered_rows(query, board.officers)
    month_links = [_query(base, period="month", month=row["month"].strftime("%Y-%m")) for row in board.trend]
    return {
        "board": board, "base_query": _query(base), "detail_query": detail_query,
        "rows": rows[: selectors.OFFICER_TABLE_LIMIT], "row_total": len(rows), "selection": selection,
        "software_code": query.get("software", ""), "limit": selectors.OFFICER_TABLE_LIMIT,
        "heat_rows": [{"unit": row["unit"], "own_only": row["own_only"],
                       "link": _query(base, unit=row["unit"].pk),
                       "cells": [{**cell, "colour": charts.heat_colour(cell["percent"]),
                                  "link": _query(base, unit=row["unit"].pk, software=cell["code"]) + "#officers"}
                                 for cell in row["cells"]]} for row in board.heatmap],
        "trend_rows": list(zip(board.trend, month_links)),
        "timeliness_rows": [(bucket, _query(base, timeliness=bucket["key"]) + "#officers")
                            for bucket in board.timeliness],
        "stage_rows": [(stage, _query(base, stage=stage["stage"]) + "#officers") for stage in board.stages],
        "charts": {
            "stages": charts.bar_chart(
                title=_("Officers by stage"), labels=[str(stage["label"]) for stage in board.stages],
                values=[stage["count"] for stage in board.stages],
                links=[_query(base, stage=stage["stage"]) + "#officers" for stage in board.stages],
                colours=charts.COLOURS[: len(board.stages)]),
            "timeliness": charts.bar_chart(
                title=_("Officers by on-time share of case steps"),
                labels=[_("no step") if bucket["key"] == "none" else f"{bucket['low']}–{bucket['high']} %"
                        for bucket in board.timeliness],
                values=[bucket["count"] for bucket in board.timeliness],
                links=[_query(base, timeliness=bucket["key"]) + "#officers" for bucket in board.timeliness]),
            "trend": charts.line_chart(
                title=_("Month by month, working year"), labels=[row["label"] for row in board.trend],
                series=[(_("Average score"), [row["score"] for row in board.trend]),
                        (_("On time in the month (%)"), [row["on_time_percent"] for row in board.trend]),
                        (_("On time, cumulative (%)"), [row["cumulative_on_time_percent"] for row in board.trend])],
                links=month_links),
        },
    }


@require(can_view_adoption_dashboard)
def dashboard_export(request: HttpRequest) -> HttpResponse:
    """What the dashboard shows, as an Excel workbook (officers, laggards, unit × software, trend)."""
    _form, values, period, units = _dashboard_inputs(request)
    board = selectors.dashboard_get(user=request.user, period=period, unit_id=values["unit"], units=units)
    content = workbook_bytes(monthly.dashboard_sheets(board), about_title=_("Summary"),
                             about=monthly.dashboard_about(board))
    name = f"ung-dung-cntt-{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx"
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _officer_detail(request: HttpRequest, officer, back: str) -> HttpResponse:  # noqa: ANN001
    today = timezone.localdate()
    start = _date(request.GET.get("start")) or today.replace(day=1)
    end = _date(request.GET.get("end")) or today
    for name, label in (("start", _("From")), ("end", _("To"))):
        if request.GET.get(name) and _date(request.GET.get(name)) is None:
            messages.error(request, _("%(field)s: enter a date as YYYY-MM-DD; the default was used.")
                           % {"field": label})
    if end < start:
        start, end = end, start
    software = request.GET.get("software", "")
    activity = selectors.officer_activity(officer=officer, start=start, end=end)
    events = Paginator(selectors.usage_event_list(officer=officer, start=start, end=end, software_code=software),
                       EVENTS_PAGE).get_page(request.GET.get("page"))
    steps = Paginator(activity["steps"], EVENTS_PAGE).get_page(request.GET.get("steps_page"))
    return render(request, "analytics/officer_detail.html", {
        "officer": officer, "start": start, "end": end, "software": software, "activity": activity,
        "events": events, "steps": steps, "today": today, "back": back,
        "base_query": _query({}, start=start.isoformat(), end=end.isoformat(), software=software),
    })


@require(can_view_adoption_dashboard)
def officer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The rows behind an officer's figures for a period (?start=&end=, optional ?software=): days and
    events per software, the case steps they recorded, their overdue steps. Officers within scope only."""
    officer = selectors.officer_get_visible(user=request.user, pk=pk)
    if officer is None:
        raise Http404
    return _officer_detail(request, officer, reverse("analytics:dashboard"))


@require(can_view_scorecard)
def my_detail(request: HttpRequest) -> HttpResponse:
    """The same rows for the signed-in officer's own record."""
    return _officer_detail(request, officer_for_user(request.user), reverse("analytics:scorecard"))


# --- Province overview ---------------------------------------------------------------------------

@require(can_view_province_overview)
def province(request: HttpRequest) -> HttpResponse:
    """All units ranked by score or a component, unit × month grid, movers up and down. What the page
    shows is drawn from the overview's figures alone (and the filter as typed): its HTML is kept in the
    cache under the figures' key, until the next fill or score write."""
    content = province_content(user=request.user, data=request.GET)
    return render(request, "analytics/province.html", {"content": mark_safe(content)})  # noqa: S308 (rendered here)


def province_content(*, user, data: dict | None = None) -> str:  # noqa: ANN001
    """The province overview's content for `user` and the filter `data` (None: the default view), kept in
    the cache under its figures' key and the filter as typed. The nightly job calls it for each leader
    (`selectors.landing_figures_warm`)."""
    form = ProvinceFilterForm(data or None)
    values = form.values()
    overview = selectors.province_overview(user=user, month=values["month"], sort=values["sort"])
    typed = (form.is_bound, form.data.get("month"), form.data.get("sort"))
    key = f"{overview.figures_key}:html:{hashlib.sha256(repr(typed).encode()).hexdigest()}"
    content = cache.get(key)
    if content is None:
        content = render_to_string("analytics/_province_content.html", _province_context(form, overview))
        cache.set(key, content, selectors.FIGURES_SECONDS)
    return content


def _province_context(form: ProvinceFilterForm, overview: selectors.ProvinceOverview) -> dict:
    dashboard_url = reverse("analytics:dashboard")
    month_text = overview.month.strftime("%Y-%m")
    # A unit's dashboard for a month: the same address `_query` builds, its fixed part made once per
    # month rather than once per cell of the unit × month grid.
    month_links = {month: dashboard_url + _query({}, period="month", month=month.strftime("%Y-%m")) + "&unit="
                   for month in {overview.month, *overview.months}}
    rows = []
    for rank in overview.units:
        unit_pk = str(rank.unit.pk) if rank.unit is not None else None
        rows.append({
            "rank": rank, "link": month_links[overview.month] + unit_pk if unit_pk else "",
            "figures": [rank.figures.get(name) for name in selectors.COMPONENTS],
            "cells": [{"value": (value := rank.months.get(month)), "colour": charts.heat_colour(value),
                       "link": month_links[month] + unit_pk if unit_pk else ""} for month in overview.months]})
    ranked = [row for row in rows if row["rank"].unit is not None]
    sort_label = dict(ProvinceFilterForm.base_fields["sort"].choices).get(overview.sort, "")
    return {
        "form": form, "overview": overview, "rows": rows, "month_text": month_text,
        "chart": charts.bar_chart(
            title=_("Units ranked by %(what)s, %(month)s") % {"what": str(sort_label).lower(),
                                                                "month": overview.month.strftime("%m/%Y")},
            labels=[row["rank"].label for row in ranked],
            values=[row["rank"].figures.get(overview.sort) for row in ranked],
            links=[row["link"] for row in ranked], horizontal=True),
    }


# --- Monthly reports -----------------------------------------------------------------------------

@require(can_view_adoption_dashboard)
def report_list(request: HttpRequest) -> HttpResponse:
    """The monthly reports a manager or leader may download: their units × the last 12 months."""
    month = parse_month(request.GET.get("month"))
    units = monthly.report_units(user=request.user)
    months = [selectors.add_months(timezone.localdate(), -index) for index in range(12)]
    return render(request, "analytics/report_list.html", {"units": units, "month": month, "months": months})


@require(can_view_adoption_dashboard)
def report_download(request: HttpRequest, unit: int, year: int, month: int, fmt: str) -> HttpResponse:
    """One unit's "Báo cáo tình hình ứng dụng CNTT tháng MM/YYYY" (.xlsx or .pdf): the file the monthly
    command stored, or built now when the command has not run for that month yet."""
    target = unit_list_visible(user=request.user).filter(pk=unit).first()
    if target is None or fmt not in monthly.FORMATS or not 1 <= month <= 12:
        raise Http404
    first = dt.date(year, month, 1)
    if first > timezone.localdate():
        raise Http404
    stored = monthly.report_stored(unit=target, month=first, fmt=fmt)
    name = monthly.report_filename(unit=target, month=first, fmt=fmt)
    if stored is not None:
        return FileResponse(open(stored, "rb"), as_attachment=True, filename=name,  # noqa: SIM115
                            content_type=monthly.FORMATS[fmt])
    response = HttpResponse(monthly.report_build(unit=target, month=first, fmt=fmt),
                            content_type=monthly.FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
