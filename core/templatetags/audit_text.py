"""An audit entry's detail said in words (`{% load audit_text %}{{ event.detail|audit_detail }}`), not raw data:
{'change': 'add', 'roles': ['officer']} → "Thay đổi: thêm · Vai trò: Cán bộ"."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

from core.roles import Role

register = template.Library()

KEY_LABELS = {
    "change": _("Change"), "roles": _("Roles"), "from": _("Before"), "to": _("After"), "moved_from": _("Moved from"),
    "moved_to": _("Moved to"), "kind": _("Kind"), "sha256": _("File fingerprint"), "new": _("New"),
    "create": _("Created"), "update": _("Updated"), "unchanged": _("Unchanged"), "corrected": _("Corrected"),
    "format": _("Format"), "regrade": _("Regrade"), "attempts": _("Attempts"), "changed": _("Changed"),
    "before": _("Before"), "after": _("After"), "reason": _("Reason"), "errors": _("Errors"),
}
# Completion marked by a trainer (learning).
KEY_LABELS.update({"lesson": _("Lesson"), "completed": _("Marked as done"), "progress_percent": _("Progress (%)"),
                   "lessons_marked": _("Lessons marked as done")})
# Certificate signatories (org) and co-trainers of a course (learning).
KEY_LABELS.update({"agency_name": _("Issuing agency (as printed)"), "parent_agency": _("Superior agency"),
                   "place": _("Place of issue"), "signer_title": _("Signer's title"), "signer_name": _("Signer's name"),
                   "signature": _("Signature image"), "seal": _("Seal image"), "co_trainers": _("Co-trainers")})
VALUE_LABELS = {
    "add": _("added"), "remove": _("removed"), "clear": _("all removed"), "staff": _("staff list"),
    "case_steps": _("case steps"), True: _("yes"), False: _("no"), None: "—",
}


def _value(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return str(VALUE_LABELS[value])
    if isinstance(value, (list, tuple)):
        return ", ".join(_value(item) for item in value) or "—"
    if isinstance(value, dict):
        return "; ".join(f"{_key(key)}: {_value(item)}" for key, item in _ordered(value))
    if isinstance(value, str):
        if not value:
            return "—"  # a field left empty (e.g. no seal image)
        if value in Role.values:
            return str(Role(value).label)
        if value in VALUE_LABELS:
            return str(VALUE_LABELS[value])
        if len(value) == 64 and all(char in "0123456789abcdef" for char in value):
            return value[:10] + "…"  # a file fingerprint: the start is enough to tell two files apart
    return str(value)


_KEY_ORDER = {key: index for index, key in enumerate(KEY_LABELS)}


def _ordered(detail: dict) -> list[tuple[str, Any]]:
    """Known keys in KEY_LABELS' order, then the others by name: the same text whatever order the
    database returns a JSON object's keys in (PostgreSQL's jsonb sorts them by length)."""
    return sorted(detail.items(), key=lambda item: (_KEY_ORDER.get(item[0], len(_KEY_ORDER)), str(item[0])))


def _key(key: str) -> str:
    return str(KEY_LABELS.get(key, key.replace("_", " ")))


@register.filter(name="audit_detail")
def audit_detail(detail: Any) -> str:
    """The detail of an audit entry as "Label: value · Label: value" in the active language."""
    if not detail:
        return ""
    if not isinstance(detail, dict):
        return _value(detail)
    return " · ".join(f"{_key(key)}: {_value(value)}" for key, value in _ordered(detail))
