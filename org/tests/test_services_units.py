"""The unit tree: materialised paths, subtree queries and moves."""

from __future__ import annotations

import pytest

from core.models import AuditEvent
from org import services
from org.models import Unit, UnitKind


@pytest.fixture
def kind(db) -> UnitKind:  # noqa: ANN001
    return UnitKind.objects.create(code="level", name="Cấp")


def _chain(kind: UnitKind, depth: int, prefix: str = "U") -> list[Unit]:
    """A root and `depth` nested units below it: [root, child, grandchild, …]."""
    units = [services.unit_create(code=f"{prefix}0", name=f"{prefix} 0", kind=kind)]
    for level in range(1, depth + 1):
        units.append(services.unit_create(code=f"{prefix}{level}", name=f"{prefix} {level}", kind=kind,
                                          parent=units[-1]))
    return units


def test_created_unit_path_and_depth_follow_the_parent(kind):  # noqa: ANN001
    root = services.unit_create(code="R", name="Gốc", kind=kind)
    child = services.unit_create(code="C", name="Con", kind=kind, parent=root)
    assert root.path == f"{root.pk:06d}/" and root.depth == 0
    assert child.path == f"{root.pk:06d}/{child.pk:06d}/" and child.depth == 1


def test_subtree_at_depth_six_is_one_query(kind, django_assert_num_queries):  # noqa: ANN001
    chain = _chain(kind, 6)
    _chain(kind, 2, prefix="Other")  # a second tree that must stay out
    side = services.unit_create(code="SIDE", name="Nhánh", kind=kind, parent=chain[2])
    with django_assert_num_queries(1):
        codes = {unit.code for unit in Unit.objects.subtree_of(chain[0])}
    assert codes == {unit.code for unit in chain} | {"SIDE"}
    with django_assert_num_queries(1):
        below_two = [unit.code for unit in Unit.objects.subtree_of(chain[2])]
    assert set(below_two) == {"U2", "U3", "U4", "U5", "U6", side.code}
    assert chain[6].depth == 6


def test_moving_a_subtree_rewrites_every_descendant_path(kind):  # noqa: ANN001
    chain = _chain(kind, 4)
    other_root = services.unit_create(code="NEW", name="Gốc mới", kind=kind)
    moved = chain[2]
    services.unit_update(unit=moved, code=moved.code, name=moved.name, kind=kind, parent=other_root,
                         is_active=True)
    for unit in Unit.objects.all():
        expected_path = (unit.parent.path if unit.parent else "") + f"{unit.pk:06d}/"
        assert unit.path == expected_path, unit.code
        assert unit.depth == (unit.parent.depth + 1 if unit.parent else 0), unit.code
    assert {unit.code for unit in Unit.objects.subtree_of(other_root)} == {"NEW", "U2", "U3", "U4"}
    assert {unit.code for unit in Unit.objects.subtree_of(Unit.objects.get(code="U0"))} == {"U0", "U1"}
    assert AuditEvent.objects.filter(action=AuditEvent.Action.UNIT_CHANGED, target="U2").exists()


def test_moving_to_the_top_level_makes_a_root(kind):  # noqa: ANN001
    chain = _chain(kind, 3)
    services.unit_update(unit=chain[1], code="U1", name="U 1", kind=kind, parent=None, is_active=True)
    u1, u3 = Unit.objects.get(code="U1"), Unit.objects.get(code="U3")
    assert u1.path == f"{u1.pk:06d}/" and u1.depth == 0
    assert u3.path == f"{u1.pk:06d}/{chain[2].pk:06d}/{u3.pk:06d}/" and u3.depth == 2


@pytest.mark.parametrize("target", [0, 2, 3])
def test_moving_under_itself_or_a_descendant_is_refused(kind, target):  # noqa: ANN001
    chain = _chain(kind, 3)
    unit = chain[0] if target == 0 else chain[1]
    new_parent = chain[target] if target else chain[0]
    paths_before = dict(Unit.objects.values_list("code", "path"))
    with pytest.raises(services.OrgError):
        services.unit_update(unit=unit, code=unit.code, name="Đổi tên", kind=kind, parent=new_parent,
                             is_active=True)
    assert dict(Unit.objects.values_list("code", "path")) == paths_before
    assert Unit.objects.get(pk=unit.pk).name == unit.name


def test_rename_without_move_keeps_paths(kind):  # noqa: ANN001
    chain = _chain(kind, 2)
    paths_before = dict(Unit.objects.values_list("code", "path"))
    services.unit_update(unit=chain[1], code="U1X", name="Tên mới", kind=kind, parent=chain[0], is_active=False)
    unit = Unit.objects.get(pk=chain[1].pk)
    assert (unit.code, unit.name, unit.is_active) == ("U1X", "Tên mới", False)
    paths_before["U1X"] = paths_before.pop("U1")
    assert dict(Unit.objects.values_list("code", "path")) == paths_before
