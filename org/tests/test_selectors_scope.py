"""The one scope rule, role by role, over the world fixture (P ⊃ A ⊃ A1, P ⊃ B)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from core.roles import Role
from org import selectors, services
from org.models import Officer, Unit


def unit_codes(user) -> set[str]:  # noqa: ANN001
    return set(selectors.unit_list_visible(user=user).values_list("code", flat=True))


def officer_emails(user) -> set[str]:  # noqa: ANN001
    return set(selectors.officer_list_visible(user=user).values_list("email", flat=True))


def emails_in(*codes: str) -> set[str]:
    return set(Officer.objects.filter(unit__code__in=codes).values_list("email", flat=True))


def test_manager_sees_a_and_a1_not_b(world):  # noqa: ANN001
    manager = world.user(Role.UNIT_MANAGER)
    assert unit_codes(manager) == {"A", "A1"}
    emails = officer_emails(manager)
    assert emails == emails_in("A", "A1")
    assert "other_a1@moj.gov.vn" in emails and "other_b@moj.gov.vn" not in emails
    assert "leader@moj.gov.vn" not in emails


def test_leader_sees_the_whole_province(world):  # noqa: ANN001
    leader = world.user(Role.PROVINCIAL_LEADER)
    assert unit_codes(leader) == {"P", "A", "A1", "B"}
    assert officer_emails(leader) == set(Officer.objects.values_list("email", flat=True))


def test_leader_of_a_branch_still_sees_the_province_but_not_another(world):  # noqa: ANN001
    from org.models import UnitKind

    other = services.unit_create(code="Q", name="Cục tỉnh Q", kind=UnitKind.objects.first())
    outsider = services.officer_create(full_name="Người Tỉnh Khác", email="q@moj.gov.vn", unit=other,
                                       position=world.positions["clerk"])
    leader = world.officers[Role.PROVINCIAL_LEADER]
    services.officer_update(officer=leader, unit=world.units["B"])
    user = type(leader.user).objects.get(pk=leader.user_id)
    assert unit_codes(user) == {"P", "A", "A1", "B"}
    assert outsider.email not in officer_emails(user)


def test_officer_sees_only_self(world):  # noqa: ANN001
    officer = world.officers[Role.OFFICER]
    assert officer_emails(officer.user) == {officer.email}
    assert unit_codes(officer.user) == {"A"}
    scope = selectors.scope_for(officer.user)
    assert scope.officer_id == officer.pk and scope.unit_path is None and not scope.everything


def test_judge_without_subtree_role_sees_only_self(world):  # noqa: ANN001
    judge = world.officers[Role.JUDGE]
    assert officer_emails(judge.user) == {judge.email}


def test_admin_sees_everything(world):  # noqa: ANN001
    admin = world.user(Role.ADMIN)
    assert selectors.scope_for(admin).everything
    assert unit_codes(admin) == set(Unit.objects.values_list("code", flat=True))
    assert officer_emails(admin) == set(Officer.objects.values_list("email", flat=True))


@pytest.mark.parametrize("role", [Role.TRAINER, Role.CONTEST_ORGANISER])
def test_trainer_and_organiser_see_their_subtree(world, role):  # noqa: ANN001
    # Both sit in P in the world: moving them to A narrows their view to A's subtree.
    assert unit_codes(world.user(role)) == {"P", "A", "A1", "B"}
    services.officer_update(officer=world.officers[role], unit=world.units["A"])
    user = type(world.user(role)).objects.get(pk=world.user(role).pk)
    assert unit_codes(user) == {"A", "A1"}
    assert officer_emails(user) == emails_in("A", "A1")


def test_anonymous_and_account_without_officer_see_nothing(world):  # noqa: ANN001
    from core.models import User

    assert selectors.scope_for(AnonymousUser()).is_empty
    assert not selectors.officer_list_visible(user=AnonymousUser()).exists()
    bare = User.objects.create_user(username="bare", password="x-123456789")
    assert selectors.scope_for(bare).is_empty
    assert not selectors.unit_list_visible(user=bare).exists()


def test_scope_filter_matches_officer_list(world):  # noqa: ANN001
    for role in (Role.UNIT_MANAGER, Role.PROVINCIAL_LEADER, Role.OFFICER, Role.ADMIN):
        user = world.user(role)
        filtered = set(Officer.objects.filter(selectors.scope_filter(user=user, unit_field="unit",
                                                                    officer_field="")).values_list("email", flat=True))
        by_officer = set(Officer.objects.filter(
            selectors.scope_filter(user=user, unit_field="unit", officer_field="user__officer")
        ).values_list("email", flat=True))
        assert by_officer == officer_emails(user), role
        if role != Role.OFFICER:
            assert filtered == officer_emails(user), role


def test_officer_search_folds_accents(world):  # noqa: ANN001
    admin = world.user(Role.ADMIN)
    found = selectors.officer_search(user=admin, query="nguyen van a")
    assert [officer.email for officer in found] == [world.officers[Role.OFFICER].email]
    assert selectors.officer_search(user=admin, query="NGUYỄN VĂN Á").count() == 1
    manager = world.user(Role.UNIT_MANAGER)
    assert not selectors.officer_search(user=manager, query="tran thi other_b").exists()


def test_officer_search_unit_filter_is_a_subtree(world):  # noqa: ANN001
    admin = world.user(Role.ADMIN)
    in_a = set(selectors.officer_search(user=admin, unit_id=world.units["A"].pk).values_list("email", flat=True))
    assert in_a == emails_in("A", "A1")


def test_inactive_officers_are_hidden_by_default(world):  # noqa: ANN001
    admin = world.user(Role.ADMIN)
    services.officer_update(officer=world.officers["other_b"], is_active=False)
    assert "other_b@moj.gov.vn" not in set(selectors.officer_search(user=admin).values_list("email", flat=True))
    assert set(selectors.officer_search(user=admin, active=False).values_list("email", flat=True)) == {
        "other_b@moj.gov.vn"}
