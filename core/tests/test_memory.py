"""`objects_frozen`: the objects that exist stay out of the collector's passes while a bulk job runs;
what the job makes is still collected; the freeze ends with the block, also on an error."""

from __future__ import annotations

import gc
import weakref

import pytest

from core.memory import objects_frozen


class _Node:
    def __init__(self) -> None:
        self.other: _Node | None = None


def test_the_freeze_lasts_the_block_and_cycles_made_inside_are_collected():
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    with objects_frozen():
        assert gc.get_freeze_count() > 0
        first, second = _Node(), _Node()
        first.other, second.other = second, first  # a cycle only the collector frees
        alive = weakref.ref(first)
        del first, second
        gc.collect()
        assert alive() is None
    assert gc.get_freeze_count() == 0


def test_the_freeze_ends_on_an_error_and_works_as_a_decorator():
    @objects_frozen()
    def failing() -> None:
        assert gc.get_freeze_count() > 0
        raise ValueError

    with pytest.raises(ValueError):
        failing()
    assert gc.get_freeze_count() == 0
