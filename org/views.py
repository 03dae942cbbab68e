from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.permissions import require
from core.uploads import upload_limit, upload_refusal
from core.roles import Role
from org import selectors, services
from org.formats import staff as staff_format
from org.forms import (
    OfficerFilterForm,
    OfficerForm,
    PositionForm,
    SignatoryForm,
    StaffImportForm,
    UnitForm,
    UnitKindForm,
)
from org.models import Officer, Position, StaffImport, Unit
from org.permissions import can_list_officers, can_manage_org

PAGE_SIZE = 50


@require(can_list_officers)
def officer_list(request: HttpRequest) -> HttpResponse:
    units = selectors.unit_list_visible(user=request.user)
    form = OfficerFilterForm(request.GET or None, units=units)
    filters = form.cleaned_data if form.is_valid() else {}
    officers = selectors.officer_search(
        user=request.user,
        query=filters.get("q") or "",
        unit_id=filters["unit"].pk if filters.get("unit") else None,
        position_id=filters["position"].pk if filters.get("position") else None,
        active=OfficerFilterForm.ACTIVE_BY_STATUS.get(filters.get("status") or "", True),
    )
    page = Paginator(officers, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "can_manage": can_manage_org(request.user)}
    # htmx asks for the table only; a history restore after a cache miss needs the whole page.
    partial = request.htmx and not request.htmx.history_restore_request
    template = "org/officer_list.html#officer-table" if partial else "org/officer_list.html"
    return render(request, template, context)


def _visible_officer(request: HttpRequest, pk: int) -> Officer:
    officer = selectors.officer_list_visible(user=request.user).filter(pk=pk).first()
    if officer is None:
        raise Http404
    return officer


def officer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An officer's record: visible to the officer themself and to those whose scope includes them."""
    officer = _visible_officer(request, pk)
    names = set(officer.user.groups.values_list("name", flat=True))
    roles = [label for code, label in Role.choices if code in names]
    return render(request, "org/officer_detail.html",
                  {"officer": officer, "roles": roles, "can_manage": can_manage_org(request.user)})


@require(can_manage_org)
def officer_create(request: HttpRequest) -> HttpResponse:
    form = OfficerForm(request.POST or None, initial={"roles": [Role.OFFICER], "is_active": True})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        officer = services.officer_create(
            full_name=data["full_name"], email=data["email"], unit=data["unit"], position=data["position"],
            it_level=data["it_level"], is_it_focal=data["is_it_focal"], is_active=data["is_active"],
            roles=set(data["roles"]),
        )
        messages.success(request, _("Officer created. They set their password through “Forgot password”."))
        return redirect("org:officer-detail", pk=officer.pk)
    return render(request, "org/officer_form.html", {"form": form})


@require(can_manage_org)
def officer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    officer = _visible_officer(request, pk)
    initial = {
        "full_name": officer.full_name, "email": officer.email, "unit": officer.unit, "position": officer.position,
        "it_level": officer.it_level, "is_it_focal": officer.is_it_focal, "is_active": officer.is_active,
        "roles": list(officer.user.groups.values_list("name", flat=True)),
    }
    form = OfficerForm(request.POST or None, initial=initial, instance=officer)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        roles = set(data.pop("roles"))
        services.officer_update(officer=officer, **data)
        services.roles_set(user=officer.user, roles=roles)
        messages.success(request, _("Changes saved."))
        return redirect("org:officer-detail", pk=officer.pk)
    return render(request, "org/officer_form.html", {"form": form, "officer": officer})


@require(can_manage_org)
def unit_list(request: HttpRequest) -> HttpResponse:
    return render(request, "org/unit_list.html", {
        "units": selectors.unit_tree(user=request.user),
        "kinds": selectors.unit_kind_list(),
        "positions": selectors.position_list(),
    })


@require(can_manage_org)
def unit_create(request: HttpRequest) -> HttpResponse:
    form = UnitForm(request.POST or None, initial={"parent": request.GET.get("parent"), "is_active": True})
    if request.method == "POST" and form.is_valid():
        unit = services.unit_create(**form.cleaned_data)
        messages.success(request, _("Unit “%(name)s” created.") % {"name": unit.name})
        return redirect("org:unit-list")
    return render(request, "org/unit_form.html", {"form": form})


@require(can_manage_org)
def unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_object_or_404(selectors.unit_list_visible(user=request.user), pk=pk)
    form = UnitForm(request.POST or None, instance=unit, initial={
        "code": unit.code, "name": unit.name, "kind": unit.kind_id, "parent": unit.parent_id, "is_active": unit.is_active})
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_update(unit=unit, **form.cleaned_data)
        except services.OrgError as exc:
            form.add_error("parent", str(exc))
        else:
            messages.success(request, _("Changes saved."))
            return redirect("org:unit-list")
    return render(request, "org/unit_form.html", {"form": form, "unit": unit})


@require(can_manage_org)
def unit_kind_create(request: HttpRequest) -> HttpResponse:
    form = UnitKindForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Unit level saved."))
        return redirect("org:unit-list")
    return render(request, "org/simple_form.html", {"form": form, "title": _("New unit level")})


@require(can_manage_org)
def position_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    position = get_object_or_404(Position, pk=pk) if pk else None
    form = PositionForm(request.POST or None, instance=position)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Position saved."))
        return redirect("org:unit-list")
    title = _("Edit position") if position else _("New position")
    return render(request, "org/simple_form.html", {"form": form, "title": title})


@upload_limit(services.STAFF_LIMITS)
@require(can_manage_org)
def import_start(request: HttpRequest) -> HttpResponse:
    form = StaffImportForm(request.POST or None, request.FILES or None)
    refused = upload_refusal(request)
    if request.method == "POST" and form.is_valid() and not refused:
        upload = form.cleaned_data["file"]
        staff_import = services.staff_import_preview(
            by=request.user, file_name=upload.name, content=upload.read())
        return redirect("org:import-detail", pk=staff_import.pk)
    if refused:
        form.errors["file"] = form.error_class([refused])
    history = StaffImport.objects.select_related("uploaded_by")[:20]
    return render(request, "org/import_start.html", {"form": form, "history": history})


@require(can_manage_org)
def import_template(request: HttpRequest) -> HttpResponse:
    from core.formats.tabular import write_template_xlsx

    units = [("Mã đơn vị", "Tên đơn vị")] + list(Unit.objects.values_list("code", "name"))
    positions = [("Mã chức danh", "Tên chức danh")] + list(Position.objects.values_list("code", "name"))
    first_unit = units[1][0] if len(units) > 1 else "MA_DON_VI"
    first_position = positions[1][0] if len(positions) > 1 else "MA_CHUC_DANH"
    content = write_template_xlsx(
        staff_format.COLUMNS,
        example_rows=[("Nguyễn Văn An", "nvan@moj.gov.vn", first_unit, first_position, "B", "", "", "Có")],
        extra_sheets={"Don vi": units, "Chuc danh": positions},
    )
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="mau-danh-sach-can-bo.xlsx"'
    return response


@require(can_manage_org)
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    staff_import = get_object_or_404(StaffImport, pk=pk)
    labels = selectors.position_labels()
    rows = [{**row, "position_name": selectors.position_label(labels=labels, code=row.get("position_code") or "")}
            for row in staff_import.rows[:500]]
    more_errors = (staff_import.summary or {}).get("more_errors", 0)
    return render(request, "org/import_detail.html", {"imp": staff_import, "rows": rows,
                                                      "more_rows": max(0, len(staff_import.rows) - len(rows)),
                                                      "error_count": len(staff_import.errors) + more_errors,
                                                      "more_errors": more_errors})


@require(can_manage_org)
@require_POST
def import_apply(request: HttpRequest, pk: int) -> HttpResponse:
    staff_import = get_object_or_404(StaffImport, pk=pk)
    try:
        summary = services.staff_import_apply(staff_import=staff_import, by=request.user)
    except services.OrgError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Import applied: %(create)s created, %(update)s updated, %(unchanged)s unchanged.")
                         % summary)
    return redirect("org:import-detail", pk=pk)


# ---------------------------------------------------------------- certificate signatories

@require(can_manage_org)
def signatory_list(request: HttpRequest) -> HttpResponse:
    """Every unit with the signer of the certificates its officers receive (its own, or a unit's above)."""
    return render(request, "org/signatory_list.html", {"units": selectors.unit_signatory_overview(user=request.user)})


def _managed_unit(request: HttpRequest, pk: int) -> Unit:
    return get_object_or_404(selectors.unit_list_visible(user=request.user), pk=pk)


@require(can_manage_org)
def signatory_edit(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _managed_unit(request, pk)
    signatory = selectors.unit_signatory_get(unit=unit)
    initial = ({name: getattr(signatory, name) for name in services.SIGNATORY_TEXT_FIELDS} if signatory
               else {"place": "", "agency_name": ""})
    form = SignatoryForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.unit_signatory_save(
            unit=unit, by=request.user, agency_name=data["agency_name"], parent_agency=data["parent_agency"],
            place=data["place"], signer_title=data["signer_title"], signer_name=data["signer_name"],
            signature=data["signature"], seal=data["seal"],
            remove_signature=data["remove_signature"], remove_seal=data["remove_seal"])
        messages.success(request, _("Certificate signatory of “%(unit)s” saved.") % {"unit": unit.name})
        return redirect("org:signatory-list")
    inherited = None if signatory else selectors.certificate_issuer_for_unit(unit=unit)
    return render(request, "org/signatory_form.html",
                  {"form": form, "unit": unit, "signatory": signatory, "inherited": inherited})


@require(can_manage_org)
@require_POST
def signatory_delete(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _managed_unit(request, pk)
    if services.unit_signatory_delete(unit=unit, by=request.user):
        messages.success(request, _("“%(unit)s” now uses the signatory of the unit above.") % {"unit": unit.name})
    return redirect("org:signatory-list")


@require(can_manage_org)
def signatory_image(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """The current signature or seal image of a unit, for the preview on its form (not public)."""
    unit = _managed_unit(request, pk)
    signatory = selectors.unit_signatory_get(unit=unit)
    field_file = getattr(signatory, kind, None) if signatory and kind in {"signature", "seal"} else None
    if not field_file:
        raise Http404
    try:
        handle = field_file.open("rb")
    except OSError:
        raise Http404 from None
    content_type = "image/png" if field_file.name.lower().endswith(".png") else "image/jpeg"
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "private, no-cache"
    return response
