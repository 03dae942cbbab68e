"""How much one import may read: upload size, rows, columns, cell area, decompressed size, errors kept.

The limits are settings: `THADS_IMPORT_LIMITS = {"default": {...}, "<kind>": {...}}` overrides the
defaults below field by field, per kind of import ("case_steps", "staff", "usage_log", ...). A kind
without built-in limits starts from "default" (with its overrides); "staff" has its own.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace


@dataclass(frozen=True)
class TableLimits:
    upload_bytes: int = 25 * 1024 * 1024  # the uploaded file itself, counted while it streams in
    rows: int = 200_000  # the highest row that holds a cell, from the cell references
    columns: int = 200  # the highest column that holds a cell
    cells: int = 4_000_000  # rows × columns: what a reader holding the sheet's grid would allocate
    xml_bytes: int = 200 * 1024 * 1024  # decompressed size of the parts a reader parses
    errors: int = 200  # row errors kept and shown; the rest are counted ("and N more")


DEFAULTS = {
    "default": TableLimits(),
    # A staff list: a province has a few thousand officers.
    "staff": TableLimits(upload_bytes=10 * 1024 * 1024, rows=20_000, columns=100, cells=1_000_000,
                         xml_bytes=64 * 1024 * 1024),
}


def table_limits(kind: str = "default") -> TableLimits:
    """The limits of one kind of import: the built-in defaults, overridden by `THADS_IMPORT_LIMITS`."""
    from django.conf import settings

    configured = getattr(settings, "THADS_IMPORT_LIMITS", {}) or {}
    known = {field.name for field in fields(TableLimits)}

    def overridden(limits: TableLimits, name: str) -> TableLimits:
        values = {key: int(value) for key, value in (configured.get(name) or {}).items() if key in known}
        return replace(limits, **values)

    base = overridden(DEFAULTS["default"], "default")
    if kind in DEFAULTS and kind != "default":
        base = DEFAULTS[kind]  # a kind with its own built-in limits does not inherit "default" overrides
    return overridden(base, kind) if kind != "default" else base
