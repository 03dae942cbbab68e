"""Memory and the garbage collector around long bulk work (imports)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def objects_frozen() -> Iterator[None]:
    """Leave the objects that exist when the block starts out of the cyclic garbage collector's passes
    until it ends (`gc.freeze`). A bulk import allocates millions of short-lived objects, so the
    collector runs hundreds of times, and each pass over its oldest generation walked every object the
    process already held (Django, the apps, caches) again: about a tenth of an import's time. Objects
    made inside the block are still collected as usual, so memory stays bounded. Usable as a decorator.
    Several threads may nest it: whichever ends first lets the frozen objects back, which only costs the
    others the saving."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
