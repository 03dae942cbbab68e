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
from cases.forms import CaseSearchForm, StepImportForm, StepRecordForm, TimelinessFilterForm
from cases.models import CaseDeadline, CaseStep, EnforcementCase, ImportBatch, StepType
from cases.permissions import can_import_steps, can_use_cases, can_view_timeliness
from core.permissions import require
from org.selectors import officer_for_user, unit_list_visible

PAGE_SIZE = 30
PANEL_ROWS = 5


def _visible_case(request: HttpRequest, pk: int) -> EnforcementCase:
    case = selectors.case_get_visible(user=request.user, pk=pk)
    if case is None:
        raise Http404
    return case


def panel_context(request: HttpRequest) -> dict | None:
    """Home panel "cases": the officer's most urgent deadlines and a case search box."""
    officer = officer_for_user(request.user)
    if officer is None:
        return None
    # Only the columns the rows show (cases/_due_rows.html); the search box is plain HTML.
    due = list(selectors.deadline_list_due(officer=officer)
               .only("case_id", "due_date", "case__number", "expected__name", "expected__code")[: PANEL_ROWS + 1])
    return {"due": due[:PANEL_ROWS], "more": len(due) > PANEL_ROWS, "today": timezone.localdate()}


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
    context = {"form": form, "page": page, "mine": mine, "query": query}
    template = "cases/case_list.html#case-table" if request.htmx else "cases/case_list.html"
    return render(request, template, context)


@require(can_use_cases)
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = _visible_case(request, pk)
    form = StepRecordForm(initial={"legal_date": timezone.localdate()})
    return render(request, "cases/case_detail.html", {
        "case": case, "parties": selectors.case_parties(case=case), "steps": selectors.case_step_history(case=case),
        "deadlines": selectors.case_deadline_list(case=case), "form": form, "today": timezone.localdate(),
    })


@require(can_use_cases)
def step_record(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a step: a small form (step preselected from ?type=, date defaulting to today); with htmx
    the form and its result replace the row they were opened from."""
    case = _visible_case(request, pk)
    deadline = None
    if request.GET.get("deadline", "").isdigit():
        deadline = CaseDeadline.objects.filter(case=case, pk=int(request.GET["deadline"])).first()
    initial = {"legal_date": timezone.localdate()}
    chosen = StepType.objects.filter(code=request.GET.get("type", "")).first()
    if chosen is not None:
        initial["step_type"] = chosen
    form = StepRecordForm(request.POST or None, initial=initial)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            step = services.case_step_record(
                case=case, step_type=form.cleaned_data["step_type"], legal_date=form.cleaned_data["legal_date"],
                recorded_by=officer_for_user(request.user), note=form.cleaned_data["note"])
        except services.CaseError as exc:
            error = str(exc)
        else:
            if request.htmx:
                return render(request, "cases/step_form.html#step-saved", {"case": case, "step": step})
            messages.success(request, _("Step recorded: %(step)s.") % {"step": step.step_type.name})
            return redirect("cases:case-detail", pk=case.pk)
    context = {"case": case, "form": form, "deadline": deadline, "error": error,
               "target": request.GET.get("target", "")}
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
                                       corrected_by=officer_for_user(request.user))
        except services.CaseError as exc:
            error = str(exc)
        else:
            messages.success(request, _("Correction saved; the earlier version stays in the history."))
            return redirect("cases:case-detail", pk=case.pk)
    return render(request, "cases/step_correct.html", {"case": case, "step": step, "form": form, "error": error})


@require(can_view_timeliness)
def timeliness(request: HttpRequest) -> HttpResponse:
    """Per officer: steps, on time, median and p90 lag, missed deadlines — by month or working year."""
    today = timezone.localdate()
    units = unit_list_visible(user=request.user)
    form = TimelinessFilterForm(request.GET or None, units=units)
    data = form.cleaned_data if form.is_valid() else {}
    if data.get("period") == "year":
        year = data.get("year") or selectors.working_year_of(today)
        period = selectors.period_working_year(year=year)
    else:
        year, month = data.get("month") or (today.year, today.month)
        period = selectors.period_month(year=year, month=month)
    report = selectors.timeliness_by_officer(user=request.user, period=period, unit=data.get("unit"), today=today)
    return render(request, "cases/timeliness.html", {"form": form, "report": report, "period": period,
                                                     "current_year": selectors.working_year_of(today)})


@require(can_import_steps)
def import_start(request: HttpRequest) -> HttpResponse:
    form = StepImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        batch = services.step_import_preview(uploaded_by=request.user, file_name=upload.name, file=upload)
        return redirect("cases:import-detail", pk=batch.pk)
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
