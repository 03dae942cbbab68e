from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases import selectors, services
from cases.formats import steps as steps_format
from cases.forms import (
    CalendarOverrideForm, CaseCreateForm, CaseSearchForm, DeadlineRuleForm, PartyFormSet, StepImportForm,
    StepRecordForm, StepTypeForm, TimelinessFilterForm,
)
from cases.models import CaseDeadline, CaseStep, DeadlineRule, EnforcementCase, ImportBatch, StepType
from cases.permissions import (
    can_create_case, can_import_steps, can_manage_case_settings, can_use_cases, can_view_timeliness,
)
from cases.services.imports import STEP_IMPORT_LIMITS
from core.permissions import require
from core.uploads import upload_limit, upload_refusal
from core.roles import Role, has_role
from org.selectors import officer_for_user, officer_list_visible, unit_list_visible

PAGE_SIZE = 30


def _visible_case(request: HttpRequest, pk: int) -> EnforcementCase:
    case = selectors.case_get_visible(user=request.user, pk=pk)
    if case is None:
        raise Http404
    return case


@require(can_use_cases)
def todo(request: HttpRequest) -> HttpResponse:
    """"Việc cần làm": every due-soon or overdue deadline of the officer's cases, most urgent first."""
    officer = officer_for_user(request.user)
    page = Paginator(selectors.deadline_list_due(officer=officer), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "cases/todo.html", {"page": page, "today": timezone.localdate(),
                                               "search_form": CaseSearchForm()})


@require(can_use_cases)
def case_list(request: HttpRequest) -> HttpResponse:
    form = CaseSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    mine = request.GET.get("mine") == "1"
    page = Paginator(selectors.case_search(user=request.user, query=query, mine_only=mine), PAGE_SIZE).get_page(
        request.GET.get("page"))
    context = {"form": form, "page": page, "mine": mine, "query": query, "can_create": can_create_case(request.user)}
    template = "cases/case_list.html#case-table" if request.htmx else "cases/case_list.html"
    return render(request, template, context)


def _record_initial(*, deadlines: list[CaseDeadline], deadline: CaseDeadline | None, chosen: StepType | None,
                    today) -> tuple[dict, CaseDeadline | None]:  # noqa: ANN001
    """What the step form starts with: the step that is due (the given deadline's, else the case's
    earliest open deadline's, unless ?type= chose one) and today's date — except for an overdue step,
    whose date is left for the officer to give (the date the act happened, not the day it is recorded)."""
    if deadline is None and chosen is None:
        open_ones = sorted((item for item in deadlines if item.is_open), key=lambda item: item.due_date)
        deadline = open_ones[0] if open_ones else None
    step_type = chosen or (deadline.expected if deadline is not None else None)
    if deadline is not None and step_type is not None and deadline.expected_id != step_type.pk:
        deadline = None  # another step was chosen: the deadline's legal date does not apply
    initial: dict = {"step_type": step_type} if step_type is not None else {}
    overdue = deadline is not None and deadline.is_open and deadline.due_date < today
    if not overdue:
        initial["legal_date"] = today
    return initial, (deadline if overdue else None)


@require(can_use_cases)
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = _visible_case(request, pk)
    today = timezone.localdate()
    deadlines = selectors.case_deadline_list(case=case)
    initial, overdue = _record_initial(deadlines=deadlines, deadline=None, chosen=None, today=today)
    return render(request, "cases/case_detail.html", {
        "case": case, "parties": selectors.case_parties(case=case), "steps": selectors.case_step_history(case=case),
        "deadlines": deadlines, "form": StepRecordForm(initial=initial), "today": today, "overdue": overdue,
    })


@require(can_use_cases)
def step_record(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a step: a small form (step preselected from ?type=, date defaulting to today); with htmx
    the form and its result replace the row they were opened from."""
    case = _visible_case(request, pk)
    deadline = None
    if request.GET.get("deadline", "").isdigit():
        deadline = CaseDeadline.objects.filter(case=case, pk=int(request.GET["deadline"])).select_related(
            "expected").first()
    chosen = StepType.objects.filter(code=request.GET.get("type", "")).first()
    deadlines = [] if deadline is not None or chosen is not None else selectors.case_deadline_list(case=case)
    initial, overdue = _record_initial(deadlines=deadlines, deadline=deadline, chosen=chosen,
                                       today=timezone.localdate())
    form = StepRecordForm(request.POST or None, initial=initial)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            step = services.case_step_record(
                case=case, step_type=form.cleaned_data["step_type"], legal_date=form.cleaned_data["legal_date"],
                by=officer_for_user(request.user), note=form.cleaned_data["note"])
        except services.CaseError as exc:
            error = str(exc)
        else:
            if request.htmx:
                response = render(request, "cases/step_form.html#step-saved",
                                  {"case": case, "step": step, "deadline": deadline,
                                   "from_list": request.GET.get("from", "")})
                if deadline is not None and request.GET.get("from") == "due-list":
                    # Opened from a due list (home panel, to-do page): the row itself becomes the result,
                    # so the step no longer shows as due with its button.
                    response["HX-Retarget"] = f"#due-{deadline.pk}"
                    response["HX-Reswap"] = "outerHTML"
                return response
            messages.success(request, _("Step recorded: %(step)s.") % {"step": step.step_type.name})
            return redirect("cases:case-detail", pk=case.pk)
    context = {"case": case, "form": form, "deadline": deadline, "error": error, "overdue": overdue,
               "target": request.GET.get("target", ""), "from_list": request.GET.get("from", "")}
    template = "cases/step_form.html#step-form" if request.htmx else "cases/step_form.html"
    return render(request, template, context)


@require(can_use_cases)
def step_correct(request: HttpRequest, pk: int) -> HttpResponse:
    step = get_object_or_404(CaseStep.objects.select_related("case", "step_type"), pk=pk)
    case = _visible_case(request, step.case_id)
    form = StepRecordForm(request.POST or None, initial={
        "step_type": step.step_type, "legal_date": step.legal_date, "note": step.note})
    error = ""
    if not step.is_current:
        error = _("This step has been corrected already; correct its latest version.")
    elif request.method == "POST" and form.is_valid():
        try:
            services.case_step_correct(step=step, legal_date=form.cleaned_data["legal_date"],
                                       step_type=form.cleaned_data["step_type"], note=form.cleaned_data["note"],
                                       by=officer_for_user(request.user))
        except services.CaseError as exc:
            error = str(exc)
        else:
            messages.success(request, _("Correction saved; the earlier version stays in the history."))
            return redirect("cases:case-detail", pk=case.pk)
    return render(request, "cases/step_correct.html", {"case": case, "step": step, "form": form, "error": error})


@require(can_view_timeliness)
def timeliness(request: HttpRequest) -> HttpResponse:
    """Per officer: steps, on time, median and p90 lag, missed deadlines — by calendar month, cumulative
    reporting period (start of the working year → end of a month) or whole working year; and a month
    by month trend for the chosen unit or officer."""
    today = timezone.localdate()
    units = unit_list_visible(user=request.user)
    officers = officer_list_visible(user=request.user).select_related(None).order_by("full_name").only("pk", "full_name")
    form = TimelinessFilterForm(request.GET or None, units=units, officers=officers)
    data = form.cleaned_data if form.is_valid() else {}
    year, month = data.get("month") or (today.year, today.month)
    if data.get("period") == "year":
        period = selectors.period_working_year(year=data.get("year") or selectors.working_year_of(today))
    elif data.get("period") == "cumulative":
        period = selectors.period_cumulative(year=year, month=month)
    else:
        period = selectors.period_month(year=year, month=month)
    filters = {"unit": data.get("unit"), "officer": data.get("officer")}
    report = selectors.timeliness_by_officer(user=request.user, period=period, today=today, **filters)
    trend_period = period if period.kind != "month" else selectors.period_cumulative(year=year, month=month)
    trend = selectors.timeliness_trend(user=request.user, period=trend_period, today=today, **filters)
    return render(request, "cases/timeliness.html", {
        "form": form, "report": report, "period": period, "trend": trend, "trend_period": trend_period,
        "trend_officer": data.get("officer"), "current_year": selectors.working_year_of(today),
        "this_month": f"{today.year}-{today.month:02d}"})


@upload_limit(STEP_IMPORT_LIMITS)
@require(can_import_steps)
def import_start(request: HttpRequest) -> HttpResponse:
    form = StepImportForm(request.POST or None, request.FILES or None)
    refused = upload_refusal(request)
    if request.method == "POST" and form.is_valid() and not refused:
        upload = form.cleaned_data["file"]
        batch = services.step_import_preview(by=request.user, file_name=upload.name, file=upload)
        return redirect("cases:import-detail", pk=batch.pk)
    if refused:
        form.errors["file"] = form.error_class([refused])
    history = selectors.import_batch_list(user=request.user)[:20]
    return render(request, "cases/import_start.html", {"form": form, "history": history,
                                                       "columns": steps_format.COLUMNS})


@require(can_import_steps)
def import_template(request: HttpRequest) -> HttpResponse:
    from core.formats.tabular import write_template_xlsx

    today = timezone.localdate()
    types = [("Mã bước", "Tên bước")] + list(StepType.objects.filter(is_active=True).values_list("code", "name"))
    content = write_template_xlsx(
        steps_format.COLUMNS,
        example_rows=[("QLTHA-000123", "KG-RG", "125/QĐ-CCTHADS", "Ra quyết định thi hành án",
                       today.strftime("%d/%m/%Y"), today.strftime("%d/%m/%Y 16:30"), "canbo@moj.gov.vn", "")],
        extra_sheets={"Buoc": types},
    )
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-buoc-thi-hanh-an.xlsx"'
    return response


def _visible_batch(request: HttpRequest, pk: int) -> ImportBatch:
    batch = selectors.import_batch_list(user=request.user).filter(pk=pk).first()
    if batch is None:
        raise Http404
    return batch


@require(can_import_steps)
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _visible_batch(request, pk)
    return render(request, "cases/import_detail.html", {
        "batch": batch, "more_errors": max(0, batch.error_count - len(batch.errors))})


@require(can_import_steps)
@require_POST
def import_apply(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _visible_batch(request, pk)
    try:
        batch = services.step_import_apply(batch=batch, by=request.user)
    except services.StepImportError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Import applied: %(new)s new steps, %(corrected)s corrections, "
                                    "%(unchanged)s unchanged.") % {
            "new": batch.new_rows, "corrected": batch.corrected_rows, "unchanged": batch.unchanged_rows})
    return redirect("cases:import-detail", pk=batch.pk)


# --- Settings: calendar overrides, deadline rules, step types (administrators) --------------------

def _settings_page(request: HttpRequest, *, kind: str, pk: int | None) -> HttpResponse:
    """List + add/edit form for one kind of setting; after a save, recompute what it affects and say so."""
    from core.models import CalendarOverride

    model, form_class = {"calendar": (CalendarOverride, CalendarOverrideForm),
                         "rules": (DeadlineRule, DeadlineRuleForm),
                         "step-types": (StepType, StepTypeForm)}[kind]
    instance = get_object_or_404(model, pk=pk) if pk is not None else None
    if kind == "step-types" and instance is None and request.method == "POST":
        raise Http404  # step types are edited, not added: the import and the rules name them
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        result = _setting_save(kind, instance, form.cleaned_data)
        messages.success(request, _("Saved.") + " " + _recompute_message(kind, result))
        return redirect(f"cases:settings-{kind}")
    if kind == "calendar":
        items = CalendarOverride.objects.all()[:200]
    elif kind == "rules":
        items = DeadlineRule.objects.select_related("from_step", "to_step")
    else:
        items = StepType.objects.all()
    return render(request, f"cases/settings_{kind.replace('-', '_')}.html", {
        "form": form, "instance": instance, "items": items, "kind": kind})


def _setting_save(kind: str, instance: object, data: dict) -> services.SettingSaved:
    if kind == "calendar":
        return services.calendar_day_save(override=instance, day=data["date"], kind=data["kind"], note=data["note"])
    if kind == "rules":
        return services.deadline_rule_save(rule=instance, **data)
    return services.step_type_update(step_type=instance, **data)


def _recompute_message(kind: str, result: services.SettingSaved) -> str:
    if kind == "calendar":
        return _("Timeliness recomputed for steps around %(day)s: %(n)s changed.") % {
            "day": result.instance.date.strftime("%d/%m/%Y"), "n": result.recomputed}
    if kind == "step-types":
        if result.recomputed is None:
            return _("The on-time rule did not change; nothing to recompute.")
        return _("Timeliness recomputed for steps of this type: %(n)s changed.") % {"n": result.recomputed}
    return _("Deadlines rebuilt for %(n)s cases.") % {"n": result.recomputed}


@require(can_manage_case_settings)
def settings_calendar(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    return _settings_page(request, kind="calendar", pk=pk)


@require(can_manage_case_settings)
def settings_rules(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    return _settings_page(request, kind="rules", pk=pk)


@require(can_manage_case_settings)
def settings_step_types(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    return _settings_page(request, kind="step-types", pk=pk)


@require(can_manage_case_settings)
@require_POST
def settings_calendar_delete(request: HttpRequest, pk: int) -> HttpResponse:
    from core.models import CalendarOverride

    override = get_object_or_404(CalendarOverride, pk=pk)
    day = override.date
    changed = services.calendar_override_delete(override=override)
    messages.success(request, _("Deleted.") + " " + _("Timeliness recomputed for steps around %(day)s: %(n)s changed.")
                     % {"day": day.strftime("%d/%m/%Y"), "n": changed})
    return redirect("cases:settings-calendar")


# --- Opening a case by hand ---------------------------------------------------------------------

@require(can_create_case)
def case_create(request: HttpRequest) -> HttpResponse:
    """A clerk or manager opens a case (number unique in the unit) with its parties, in their scope."""
    me = officer_for_user(request.user)
    units = unit_list_visible(user=request.user)
    if me is not None and not has_role(request.user, Role.ADMIN, Role.UNIT_MANAGER):
        units = units.filter(pk=me.unit_id)  # a clerk opens cases of their own unit
    officers = officer_list_visible(user=request.user).filter(unit__in=units).order_by("full_name")
    form = CaseCreateForm(request.POST or None, units=units, officers=officers,
                          initial={"intake_date": timezone.localdate(), "unit": me.unit_id if me else None})
    parties = PartyFormSet(request.POST or None, prefix="party")
    if request.method == "POST" and form.is_valid() and parties.is_valid():
        data = form.cleaned_data
        try:
            case = services.case_create(
                unit=data["unit"], number=data["number"], intake_date=data["intake_date"], officer=data["officer"],
                kind=data["kind"], judgment_ref=data["judgment_ref"], obligation=data["obligation"],
                amount_due=data["amount_due"], by=me,
                parties=[(p["role"], p["full_name"].strip(), p["address"].strip())
                         for p in parties.cleaned_data if p and not p.get("DELETE")])
        except services.CaseError as exc:
            form.add_error("number", str(exc))
        else:
            messages.success(request, _("Case %(number)s opened.") % {"number": case.number})
            if case_get_visible_or_none(request, case.pk):
                return redirect("cases:case-detail", pk=case.pk)
            return redirect("cases:case-list")
    return render(request, "cases/case_create.html", {"form": form, "parties": parties})


def case_get_visible_or_none(request: HttpRequest, pk: int) -> bool:
    return selectors.case_get_visible(user=request.user, pk=pk) is not None
