"""Text helpers shared by every app.

Vietnamese typed with combining accents (Unikey's "Unicode tổ hợp", macOS, cp1258 files) looks
the same as precomposed text but compares differently. Every entry point turns it into NFC with
:func:`nfc` / :func:`nfc_deep`: forms (``core.forms.NormalizedFormMixin``), the tabular reader,
GIFT/Aiken import, answer saving and grading; ``nfc_repair`` fixes rows stored before.
"""

from __future__ import annotations

import unicodedata
from typing import Any, TypeVar

T = TypeVar("T")


def nfc(text: str) -> str:
    """``text`` in Unicode NFC (precomposed) form; empty or non-text values come back unchanged."""
    if not text or not isinstance(text, str):
        return text
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def nfc_deep(value: T) -> T:
    """``value`` with every string inside it (lists, tuples, dict keys and values) in NFC form."""
    if isinstance(value, str):
        return nfc(value)  # type: ignore[return-value]
    if isinstance(value, dict):
        return {nfc_deep(key): nfc_deep(item) for key, item in value.items()}  # type: ignore[return-value]
    if isinstance(value, list):
        return [nfc_deep(item) for item in value]  # type: ignore[return-value]
    if isinstance(value, tuple):
        return tuple(nfc_deep(item) for item in value)  # type: ignore[return-value]
    return value


def fold(text: str) -> str:
    """Lower-case and strip Vietnamese diacritics, so "Nguyễn Văn Ả" matches "nguyen van a"."""
    text = (text or "").replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower().split())


def nfc_repair(model: Any, fields: list[str], *, batch_size: int = 500) -> int:  # noqa: ANN401
    """Rewrite rows of ``model`` whose ``fields`` (text or JSON) are not in NFC; returns rows changed.

    Meant for data migrations (pass the historical model). Only changed rows are written, in
    batches, with ``bulk_update`` (no ``save()`` signals).
    """
    changed: list[Any] = []
    count = 0
    for row in model._default_manager.only("pk", *fields).iterator(chunk_size=batch_size):
        dirty = False
        for field in fields:
            value = getattr(row, field)
            fixed = nfc_deep(value)
            if fixed != value:
                setattr(row, field, fixed)
                dirty = True
        if dirty:
            changed.append(row)
        if len(changed) >= batch_size:
            model._default_manager.bulk_update(changed, fields)
            count += len(changed)
            changed = []
    if changed:
        model._default_manager.bulk_update(changed, fields)
        count += len(changed)
    return count


def nfc_repair_models(apps: Any, schema_editor: Any, *, app_label: str, fields: dict[str, list[str]]) -> int:  # noqa: ANN401
    """For a data migration's ``RunPython`` (through ``functools.partial``): :func:`nfc_repair` on each
    ``fields`` entry (model name → field names) of ``app_label``'s historical models; returns rows changed."""
    return sum(nfc_repair(apps.get_model(app_label, model), names) for model, names in fields.items())
