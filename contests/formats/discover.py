"""Imports every format module of this package once, so that each registers its class."""

from __future__ import annotations

import importlib
import pkgutil

_done = False


def discover() -> None:
    global _done
    if _done:
        return
    import contests.formats as package

    for info in pkgutil.iter_modules(package.__path__):
        if info.name not in {"base", "discover"}:
            importlib.import_module(f"contests.formats.{info.name}")
    _done = True
