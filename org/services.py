"""Writes owned by org: the unit tree, officers and their accounts, roles, the staff import and the units'
certificate signatories."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.core.files import File
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Lower, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from core.formats.limits import TableLimits, table_limits
from core.formats.tabular import RowError, TableFileError, read_table
from core.models import AuditEvent, User
from core.roles import Role
from core.principal import principal_forget_all
from core.services import audit_change, audit_record
from core.text import fold
from org.formats import staff as staff_format
from org.models import PATH_SEGMENT, Officer, Position, StaffImport, Unit, UnitKind, UnitSignatory


class OrgError(Exception):
    """A rule of the unit tree was broken; the message is for the user."""


def _segment(unit_id: int) -> str:
    return f"{unit_id:0{PATH_SEGMENT}d}/"


@transaction.atomic
def unit_create(*, code: str, name: str, kind: UnitKind, parent: Unit | None = None, is_active: bool = True) -> Unit:
    """Create a unit under `parent` (or as a root) and set its materialised path."""
    unit = Unit.objects.create(code=code.strip(), name=name.strip(), kind=kind, parent=parent, is_active=is_active)
    unit.path = (parent.path if parent else "") + _segment(unit.pk)
    unit.depth = (parent.depth + 1) if parent else 0
    unit.save(update_fields=["path", "depth"])
    return unit


@transaction.atomic
def unit_update(*, unit: Unit, code: str, name: str, kind: UnitKind, parent: Unit | None, is_active: bool) -> Unit:
    """Change a unit; moving it rewrites the paths of its whole subtree in one UPDATE.

    Raises OrgError if the new parent is the unit itself or one of its descendants.
    """
    old_path, old_parent_id = unit.path, unit.parent_id
    before = {"code": unit.code, "name": unit.name, "kind": unit.kind_id, "is_active": unit.is_active,
              "parent": unit.parent.code if unit.parent_id else None}
    if parent is not None and parent.path.startswith(old_path):
        raise OrgError(_("A unit cannot be moved into itself or into one of its own sub-units."))
    unit.code, unit.name, unit.kind, unit.is_active = code.strip(), name.strip(), kind, is_active
    unit.parent = parent
    unit.save(update_fields=["code", "name", "kind", "is_active", "parent"])
    audit_change(action=AuditEvent.Action.UNIT_CHANGED, target=unit.code, before=before,
                 after={"code": unit.code, "name": unit.name, "kind": unit.kind_id, "is_active": unit.is_active,
                        "parent": parent.code if parent else None})
    if parent is not None and parent.pk == old_parent_id or parent is None and old_parent_id is None:
        return unit
    new_path = (parent.path if parent else "") + _segment(unit.pk)
    depth_shift = (parent.depth + 1 if parent else 0) - unit.depth
    Unit.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
        depth=F("depth") + depth_shift,
    )
    transaction.on_commit(principal_forget_all)  # cached officers carry their unit's old path
    unit.refresh_from_db()
    return unit


def roles_set(*, user: User, roles: set[str]) -> None:
    """Make the user's role groups exactly `roles` (audited through the groups signal)."""
    wanted = {Group.objects.get_or_create(name=role)[0] for role in roles}
    current = set(user.groups.filter(name__in=Role.values))
    if to_remove := current - wanted:
        user.groups.remove(*to_remove)
    if to_add := wanted - current:
        user.groups.add(*to_add)
    user.__dict__.pop("_thads_roles", None)  # drop the per-request cache


def _split_name(full_name: str) -> tuple[str, str]:
    parts = full_name.split()
    return (" ".join(parts[:-1]), parts[-1]) if len(parts) > 1 else ("", full_name)


@transaction.atomic
def officer_create(*, full_name: str, email: str, unit: Unit, position: Position, username: str | None = None,
                   it_level: str = "none", is_it_focal: bool = False, is_active: bool = True,
                   password: str | None = None, roles: set[str] | None = None) -> Officer:
    """Create an officer and their account.

    Without a password the account gets none usable: the officer sets one through "forgot password"
    by official e-mail. Either way the first sign-in asks for a new password.
    """
    email = email.strip().lower()
    last_name, first_name = _split_name(full_name)
    user = User(username=username or email, email=email, first_name=first_name, last_name=last_name,
                is_active=is_active, must_change_password=True)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    officer = Officer.objects.create(
        user=user, email=email, full_name=full_name, unit=unit, position=position, it_level=it_level,
        is_it_focal=is_it_focal, is_active=is_active, search_name=fold(full_name),
    )
    roles_set(user=user, roles=(roles or set()) | {Role.OFFICER})
    return officer


@transaction.atomic
def officer_update(*, officer: Officer, **fields: object) -> Officer:
    """Change an officer's fields; a unit change is audited; the account follows name, e-mail and activity."""
    old_unit, was_active = officer.unit, officer.is_active
    for name, value in fields.items():
        setattr(officer, name, value)
    officer.email = officer.email.strip().lower()
    officer.search_name = fold(officer.full_name)
    officer.save()
    user = officer.user
    user.last_name, user.first_name = _split_name(officer.full_name)
    user.email, user.is_active = officer.email, officer.is_active
    user.save(update_fields=["first_name", "last_name", "email", "is_active"])
    if old_unit.pk != officer.unit_id:
        audit_record(action=AuditEvent.Action.UNIT_CHANGED, target=officer.email,
                     detail={"from": old_unit.code, "to": officer.unit.code})
    if was_active and not officer.is_active:
        audit_change(action=AuditEvent.Action.OFFICER_DEACTIVATED, target=officer.email,
                     before={"is_active": True}, after={"is_active": False}, name=officer.full_name)
    return officer


# --- Staff import -------------------------------------------------------------------------------

@dataclass
class StaffImportResult:
    staff_import: StaffImport

    @property
    def ok(self) -> bool:
        return self.staff_import.status == StaffImport.Status.PREVIEW


COMPARED_FIELDS = ("full_name", "unit_id", "position_id", "it_level", "is_it_focal", "is_active")


def _validate_rows(rows: list[tuple[int, dict[str, str]]]) -> tuple[list[dict], list[RowError]]:
    units = {code.lower(): pk for code, pk in Unit.objects.values_list("code", "pk")}
    positions = {code.lower(): pk for code, pk in Position.objects.values_list("code", "pk")}
    positions_by_name = {fold(name): pk for name, pk in Position.objects.values_list("name", "pk")}
    seen_emails: dict[str, int] = {}
    seen_usernames: dict[str, int] = {}
    cleaned, errors = [], []
    for number, values in rows:
        row, row_errors = staff_format.clean_row(number, values)
        if row["unit_code"] and row["unit_code"].lower() not in units:
            row_errors.append(RowError(number, staff_format.HEADER_OF["unit_code"],
                                       _("No unit has the code «%(code)s».") % {"code": row["unit_code"]}))
        position_id = positions.get(row["position_code"].lower()) or positions_by_name.get(fold(row["position_code"]))
        if row["position_code"] and position_id is None:
            row_errors.append(RowError(number, staff_format.HEADER_OF["position_code"],
                                       _("No position has the code «%(code)s».") % {"code": row["position_code"]}))
        if row["email"] in seen_emails:
            row_errors.append(RowError(number, staff_format.HEADER_OF["email"],
                                       _("E-mail «%(email)s» repeats row %(row)s.")
                                       % {"email": row["email"], "row": seen_emails[row["email"]]}))
        elif row["email"]:
            seen_emails[row["email"]] = number
        username_ci = row["username"].lower()
        if username_ci in seen_usernames and row["username"] != row["email"]:
            row_errors.append(RowError(number, staff_format.HEADER_OF["username"],
                                       _("User name «%(username)s» repeats row %(row)s.")
                                       % {"username": row["username"], "row": seen_usernames[username_ci]}))
        seen_usernames.setdefault(username_ci, number)
        row["unit_id"] = units.get(row["unit_code"].lower())
        row["position_id"] = position_id
        errors.extend(row_errors)
        cleaned.append(row)
    # A new officer's sign-in name must be free (compared case-insensitively, as sign-in does).
    # For an officer already on file the column is ignored: their account keeps its name.
    known = set(_officers_by_email([row["email"] for row in cleaned]))
    wanted = {row["username"].lower() for row in cleaned if row["email"] not in known}
    taken = set(User.objects.annotate(username_ci=Lower("username"))
                .filter(username_ci__in=wanted).values_list("username_ci", flat=True)) if wanted else set()
    for row in cleaned:
        if row["email"] not in known and row["username"].lower() in taken:
            errors.append(RowError(row["row"], staff_format.HEADER_OF["username"],
                                   _("User name «%(username)s» already belongs to another account.")
                                   % {"username": row["username"]}))
    errors.sort(key=lambda error: error.row)
    return cleaned, errors


def _officers_by_email(emails: list[str]) -> dict[str, Officer]:
    """Officers whose official e-mail is one of `emails` (lower-case), keyed by lower-case e-mail."""
    if not emails:
        return {}
    officers = (Officer.objects.select_related("user", "unit", "position")
                .annotate(email_ci=Lower("email")).filter(email_ci__in=emails))
    return {officer.email_ci: officer for officer in officers}


def _plan(rows: list[dict]) -> dict[str, int]:
    """Mark each row "create", "update" or "unchanged" against the officers on file; return the counts."""
    existing = _officers_by_email([row["email"] for row in rows])
    summary = {"create": 0, "update": 0, "unchanged": 0}
    for row in rows:
        officer = existing.get(row["email"])
        if officer is None:
            summary["create"] += 1
            row["action"] = "create"
        elif any(getattr(officer, name) != row[name] for name in COMPARED_FIELDS):
            summary["update"] += 1
            row["action"] = "update"
        else:
            summary["unchanged"] += 1
            row["action"] = "unchanged"
    return summary


STAFF_LIMITS = "staff"  # THADS_IMPORT_LIMITS key


def staff_import_preview(*, by: User, file_name: str, content: bytes,
                         limits: TableLimits | None = None) -> StaffImport:
    """Read and check a staff list without changing any officer.

    Saves a StaffImport holding the normalised rows, the first errors (row, column, Vietnamese
    message; at most `limits.errors`, the number left out in `summary["more_errors"]`) and the
    planned counts; its status is PREVIEW when every row is valid, INVALID otherwise. `limits`
    (default: the "staff" import limits from settings) bound the file's size, rows, columns and
    cell area: a file beyond them is refused as a whole, before its rows are read.
    """
    limits = limits or table_limits(STAFF_LIMITS)
    sha = hashlib.sha256(content).hexdigest()
    try:
        table = read_table(content, file_name, staff_format.COLUMNS, limits=limits)
        rows, errors = _validate_rows(table.rows)
        if not rows and not errors:
            errors = [RowError(0, "", _("The file has no data rows."))]
    except TableFileError as exc:
        rows, errors = [], [exc.as_row_error()]
    summary = _plan(rows) if rows and not errors else {}
    if len(errors) > limits.errors:
        summary = {"more_errors": len(errors) - limits.errors}
        errors = errors[:limits.errors]
    return StaffImport.objects.create(
        uploaded_by=by, file_name=file_name[:255], file_sha256=sha,
        status=StaffImport.Status.INVALID if errors else StaffImport.Status.PREVIEW,
        rows=rows, errors=[error.as_dict() for error in errors], summary=summary,
    )


@transaction.atomic
def staff_import_apply(*, staff_import: StaffImport, by: User) -> dict[str, int]:
    """Apply a previewed, error-free staff list: all rows or none.

    Matches officers by official e-mail; creates missing ones (account without a usable password),
    updates changed ones, leaves equal ones alone, so re-importing a file changes nothing.
    Raises OrgError if the import has errors or was applied already.
    """
    staff_import = StaffImport.objects.select_for_update().get(pk=staff_import.pk)
    if staff_import.status != StaffImport.Status.PREVIEW:
        raise OrgError(_("This import cannot be applied (it has errors or was applied already)."))
    rows, errors = _validate_rows([(row["row"], {
        "full_name": row["full_name"], "email": row["email"], "unit_code": row["unit_code"],
        "position_code": row["position_code"], "it_level": row["it_level"],
        "is_it_focal": "x" if row["is_it_focal"] else "", "is_active": "co" if row["is_active"] else "khong",
        "username": row["username"],
    }) for row in staff_import.rows])
    if errors:
        raise OrgError(_("The data has changed since the preview; upload the file again."))
    summary = _plan(rows)
    units = Unit.objects.in_bulk([row["unit_id"] for row in rows])
    positions = Position.objects.in_bulk([row["position_id"] for row in rows])
    existing = _officers_by_email([row["email"] for row in rows])
    for row in rows:
        fields = dict(full_name=row["full_name"], unit=units[row["unit_id"]], position=positions[row["position_id"]],
                      it_level=row["it_level"], is_it_focal=row["is_it_focal"], is_active=row["is_active"])
        if row["action"] == "create":
            officer_create(email=row["email"], username=row["username"], **fields)
        elif row["action"] == "update":
            officer_update(officer=existing[row["email"]], **fields)
    staff_import.status = StaffImport.Status.APPLIED
    staff_import.applied_at = timezone.now()
    staff_import.summary = summary
    staff_import.save(update_fields=["status", "applied_at", "summary"])
    audit_record(action=AuditEvent.Action.IMPORT, actor=by, target=staff_import.file_name,
                 detail={"kind": "staff", "sha256": staff_import.file_sha256, **summary})
    return summary


# ---------------------------------------------------------------- certificate signatories

SIGNATORY_TEXT_FIELDS = ("agency_name", "parent_agency", "place", "signer_title", "signer_name")


def _signatory_state(signatory: UnitSignatory | None) -> dict[str, str]:
    if signatory is None:
        return {}
    state = {name: getattr(signatory, name) for name in SIGNATORY_TEXT_FIELDS}
    state.update(signature=signatory.signature.name or "", seal=signatory.seal.name or "")
    return state


@transaction.atomic
def unit_signatory_save(
    *, unit: Unit, by: User, place: str, signer_title: str, signer_name: str, agency_name: str = "",
    parent_agency: str = "", signature: File | None = None, seal: File | None = None,
    remove_signature: bool = False, remove_seal: bool = False,
) -> UnitSignatory:
    """Create or change how `unit` signs the certificates it issues, audited with before and after.

    A new `signature`/`seal` file replaces the current one; `remove_signature`/`remove_seal` clear it
    (a file given wins over its removal). Files already stored are never deleted: certificates issued
    earlier keep printing the signature and seal they were issued with. The files must already have
    been checked as PNG or JPEG images (org.forms.SignatoryForm). Certificates issued after the commit
    use the new signer (org.selectors.certificate_issuer_for_unit).
    """
    signatory = UnitSignatory.objects.select_for_update().filter(unit=unit).first()
    before = _signatory_state(signatory)
    if signatory is None:
        signatory = UnitSignatory(unit=unit)
    for name, value in (("agency_name", agency_name), ("parent_agency", parent_agency), ("place", place),
                        ("signer_title", signer_title), ("signer_name", signer_name)):
        setattr(signatory, name, " ".join(value.split()))
    for name, upload, remove in (("signature", signature, remove_signature), ("seal", seal, remove_seal)):
        if upload is not None:
            getattr(signatory, name).save(upload.name, upload, save=False)
        elif remove:
            setattr(signatory, name, "")
    signatory.save()
    audit_change(action=AuditEvent.Action.SIGNATORY_CHANGED, target=unit.code, before=before or None,
                 after=_signatory_state(signatory), actor=by)
    return signatory


@transaction.atomic
def unit_signatory_delete(*, unit: Unit, by: User) -> bool:
    """Remove `unit`'s own signatory, so that the nearest unit above with one issues its certificates
    again; audited. Stored image files are kept (issued certificates print them). False if it had none."""
    signatory = UnitSignatory.objects.select_for_update().filter(unit=unit).first()
    if signatory is None:
        return False
    before = _signatory_state(signatory)
    signatory.delete()
    audit_change(action=AuditEvent.Action.SIGNATORY_CHANGED, target=unit.code, before=before, after=None, actor=by)
    return True
