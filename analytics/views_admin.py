"""Administration pages of adoption tracking: the software catalogue, usage-log imports, xAPI tokens
and mappings, score settings, and the page explaining the score."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from analytics import services
from analytics.forms_admin import (
    ImportMappingForm, ScoreSettingsForm, SoftwareActionForm, SoftwareForm, UsageImportApplyForm, UsageImportForm,
    XapiMappingForm, XapiTokenForm,
)
from analytics.models import (
    ImportMapping, ScoreSettings, Software, SoftwareAction, UsageImport, XapiMapping, XapiToken,
)
from analytics.permissions import can_import_usage, can_manage_adoption_settings, can_view_score_formula
from analytics.services import imports as import_services
from analytics.services import xapi as xapi_services
from analytics.services.scores import SETTING_FIELDS
from core.permissions import require
from core.roles import Role, has_role
from core.uploads import upload_limit, upload_refusal

HISTORY_ROWS = 20


# --- Catalogue ----------------------------------------------------------------------------------

@require(can_manage_adoption_settings)
def software_list(request: HttpRequest) -> HttpResponse:
    items = (Software.objects.prefetch_related("expected_positions", "actions")
             .select_related("import_mapping").annotate(event_count=Count("events")))
    return render(request, "analytics/admin/software_list.html", {"items": items})


@require(can_manage_adoption_settings)
def software_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    software = get_object_or_404(Software, pk=pk) if pk else None
    form = SoftwareForm(request.POST or None, instance=software)
    if request.method == "POST" and form.is_valid():
        software = form.save()
        messages.success(request, _("Saved."))
        return redirect("analytics:admin-software-edit", pk=software.pk)
    actions = software.actions.annotate(event_count=Count("events")) if software else []
    return render(request, "analytics/admin/software_edit.html", {
        "form": form, "software": software, "actions": actions,
        "action_form": SoftwareActionForm(software=software) if software else None})


@require(can_manage_adoption_settings)
def action_edit(request: HttpRequest, software_pk: int, pk: int | None = None) -> HttpResponse:
    software = get_object_or_404(Software, pk=software_pk)
    action = get_object_or_404(SoftwareAction, pk=pk, software=software) if pk else None
    form = SoftwareActionForm(request.POST or None, instance=action, software=software)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved."))
        return redirect("analytics:admin-software-edit", pk=software.pk)
    return render(request, "analytics/admin/action_edit.html", {"form": form, "software": software,
                                                                  "action": action})


@require(can_manage_adoption_settings)
def mapping_edit(request: HttpRequest, software_pk: int) -> HttpResponse:
    software = get_object_or_404(Software, pk=software_pk)
    mapping = ImportMapping.objects.filter(software=software).first()
    form = ImportMappingForm(request.POST or None, instance=mapping)
    if request.method == "POST" and form.is_valid():
        try:
            import_services.import_mapping_save(software=software, user=request.user, **form.cleaned_data)
        except import_services.UsageImportError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Column mapping of %(software)s saved.") % {"software": software.code})
            return redirect("analytics:admin-import-start")
    return render(request, "analytics/admin/mapping_edit.html", {"form": form, "software": software})


# --- Usage-log imports --------------------------------------------------------------------------

def _batches(request: HttpRequest):  # noqa: ANN202
    batches = UsageImport.objects.select_related("software", "uploaded_by")
    return batches if has_role(request.user, Role.ADMIN) else batches.filter(uploaded_by=request.user)


def _visible_batch(request: HttpRequest, pk: int) -> UsageImport:
    batch = _batches(request).filter(pk=pk).first()
    if batch is None:
        raise Http404
    return batch


@upload_limit(import_services.USAGE_LOG_LIMITS)
@require(can_import_usage)
def import_start(request: HttpRequest) -> HttpResponse:
    form = UsageImportForm(request.POST or None, request.FILES or None)
    refused = upload_refusal(request)  # the file passed the size limit while it streamed in: dropped
    if refused and request.method == "POST":
        form.is_valid()
        form.errors["file"] = form.error_class([refused])
    elif request.method == "POST" and form.is_valid():
        try:
            batch = import_services.usage_import_start(software=form.cleaned_data["software"],
                                                       upload=form.cleaned_data["file"], user=request.user)
        except import_services.UsageImportError as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("analytics:admin-import-detail", pk=batch.pk)
    mappings = {mapping.software_id: mapping for mapping in ImportMapping.objects.all()}
    software = [(item, mappings.get(item.pk)) for item in Software.objects.filter(is_active=True)]
    return render(request, "analytics/admin/import_start.html", {
        "form": form, "history": _batches(request)[:HISTORY_ROWS], "software": software,
        "can_map": can_manage_adoption_settings(request.user)})


@require(can_import_usage)
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _visible_batch(request, pk)
    return render(request, "analytics/admin/import_detail.html", {
        "batch": batch, "apply_form": UsageImportApplyForm(),
        "more_errors": max(0, batch.error_count - len(batch.errors)),
        "more_unmatched": max(0, batch.unmatched_count - len(batch.unmatched))})


@require(can_import_usage)
@require_POST
def import_check(request: HttpRequest, pk: int) -> HttpResponse:
    """One step of checking (htmx): the progress bar again while rows remain, a page reload when done."""
    batch = import_services.usage_import_check(batch=_visible_batch(request, pk))
    if batch.status != UsageImport.Status.CHECKING:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "analytics/admin/import_detail.html#progress", {"batch": batch})


@require(can_import_usage)
@require_POST
def import_apply(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _visible_batch(request, pk)
    form = UsageImportApplyForm(request.POST)
    skip = form.is_valid() and form.cleaned_data["skip_unmatched"]
    try:
        result = import_services.usage_import_apply(batch=batch, user=request.user, skip_unmatched=skip)
    except import_services.UsageImportError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(n)s new usage events saved; the counts of %(days)s days will be refilled "
                                    "tonight.") % {"n": result.inserted, "days": len(result.days)})
    return redirect("analytics:admin-import-detail", pk=batch.pk)


# --- xAPI ---------------------------------------------------------------------------------------

@require(can_manage_adoption_settings)
def xapi_admin(request: HttpRequest) -> HttpResponse:
    token_form = XapiTokenForm(request.POST if "create_token" in request.POST else None)
    mapping_form = XapiMappingForm(request.POST if "add_mapping" in request.POST else None)
    new_token = None
    if "create_token" in request.POST and token_form.is_valid():
        try:
            record, new_token = xapi_services.xapi_token_create(name=token_form.cleaned_data["name"],
                                                                user=request.user)
        except xapi_services.XapiTokenError as exc:
            token_form.add_error("name", str(exc))
        else:
            token_form = XapiTokenForm()
            messages.success(request, _("Token of %(name)s created.") % {"name": record.name})
    if "add_mapping" in request.POST and mapping_form.is_valid():
        mapping_form.save()
        messages.success(request, _("Saved."))
        return redirect("analytics:admin-xapi")
    return render(request, "analytics/admin/xapi.html", {
        "tokens": XapiToken.objects.all(), "mappings": XapiMapping.objects.select_related("action__software"),
        "token_form": token_form, "mapping_form": mapping_form, "new_token": new_token})


@require(can_manage_adoption_settings)
@require_POST
def xapi_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = xapi_services.xapi_token_revoke(token=get_object_or_404(XapiToken, pk=pk))
    messages.success(request, _("Token of %(name)s revoked.") % {"name": token.name})
    return redirect("analytics:admin-xapi")


@require(can_manage_adoption_settings)
@require_POST
def xapi_mapping_delete(request: HttpRequest, pk: int) -> HttpResponse:
    get_object_or_404(XapiMapping, pk=pk).delete()
    messages.success(request, _("Deleted."))
    return redirect("analytics:admin-xapi")


# --- Score --------------------------------------------------------------------------------------

@require(can_manage_adoption_settings)
def score_settings(request: HttpRequest) -> HttpResponse:
    current = ScoreSettings.objects.order_by("-effective_from").first()
    initial = {name: getattr(current, name) for name in SETTING_FIELDS} if current else None
    form = ScoreSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.score_settings_save(effective_from=data["effective_from"], user=request.user,
                                         values={name: data[name] for name in SETTING_FIELDS})
        except services.ScoreSettingsError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Settings saved; scores recomputed from %(day)s.")
                             % {"day": data["effective_from"].strftime("%d/%m/%Y")})
            return redirect("analytics:admin-score-settings")
    return render(request, "analytics/admin/score_settings.html", {
        "form": form, "history": ScoreSettings.objects.select_related("created_by")})


@require(can_view_score_formula)
def score_formula(request: HttpRequest) -> HttpResponse:
    """"Cách tính điểm": the formula in words, with the settings in force this month."""
    from django.utils import timezone

    settings = services.score_settings_in_force(month=timezone.localdate())
    expected = (Software.objects.filter(is_active=True).prefetch_related("expected_positions")
                .filter(Q(expected_of_everyone=True) | Q(expected_positions__isnull=False)).distinct())
    return render(request, "analytics/score_formula.html", {"settings": settings, "software": expected})
