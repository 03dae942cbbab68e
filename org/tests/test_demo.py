"""The demo organisation: deterministic, idempotent, one working account per role."""

from __future__ import annotations

import random

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from core.management.commands.demo_seed import DEMO_SEED
from core.roles import Role
from org import demo
from org.models import Officer, Position, Unit


def org_rng() -> random.Random:
    return random.Random(f"{DEMO_SEED}-org")  # what demo_seed hands to org.demo.seed


def snapshot() -> list[tuple]:
    return list(Officer.objects.order_by("email").values_list(
        "email", "full_name", "unit__code", "position__code", "it_level", "is_it_focal"))


@pytest.mark.django_db
def test_seed_is_deterministic_across_fresh_databases():
    with transaction.atomic():
        demo.seed(rng=org_rng())
        first = snapshot()
        first_users = sorted(Officer.objects.values_list("user__username", flat=True))
        transaction.set_rollback(True)  # back to an empty database
    assert not Officer.objects.exists() and not Unit.objects.exists()
    demo.seed(rng=org_rng())
    assert snapshot() == first
    assert sorted(Officer.objects.values_list("user__username", flat=True)) == first_users
    assert 280 <= len(first) <= 320


@pytest.mark.django_db
def test_demo_seed_command_is_idempotent_and_realistic():
    call_command("demo_seed", verbosity=0)
    first = snapshot()
    call_command("demo_seed", verbosity=0)
    assert snapshot() == first
    # The province as it was in 2021: the department and its 15 district branches.
    root = Unit.objects.get(code="KG")
    branches = Unit.objects.filter(parent=root, kind__code="district_branch")
    assert branches.count() == 15
    assert "Rạch Giá" in branches.get(code="KG-RG").name
    # Every position is staffed; names are Vietnamese and mostly distinct.
    assert set(Position.objects.filter(officers__isnull=False).values_list("code", flat=True)) == set(
        Position.objects.values_list("code", flat=True))
    names = [row[1] for row in first]
    assert len(set(names)) > 0.8 * len(names)
    assert sum(name.split()[0] == "Nguyễn" for name in names) > len(names) // 10
    # One head per unit at most.
    heads = Officer.objects.filter(position__code="head").values_list("unit__code", flat=True)
    assert len(heads) == len(set(heads))


ACCOUNT_ROLES = {
    "canbo": Role.OFFICER, "canbomoi": Role.OFFICER, "giangvien": Role.TRAINER, "quanly": Role.UNIT_MANAGER,
    "lanhdao": Role.PROVINCIAL_LEADER, "bantochuc": Role.CONTEST_ORGANISER, "giamkhao": Role.JUDGE,
    "quantri": Role.ADMIN,
}


@pytest.mark.django_db
def test_one_demo_account_per_role_can_sign_in():
    demo.seed(rng=org_rng())
    for username, role in ACCOUNT_ROLES.items():
        client = Client()
        assert client.login(username=username, password=demo.DEMO_PASSWORD), username
        officer = Officer.objects.select_related("user", "unit").get(user__username=username)
        assert role in set(officer.user.groups.values_list("name", flat=True)), username
        assert officer.user.must_change_password == (username == "canbomoi")
    assert set(ACCOUNT_ROLES.values()) == set(Role.values)
    assert Officer.objects.get(user__username="canbo").unit.code == "KG-RG"
    assert Officer.objects.get(user__username="quanly").unit.code == "KG-RG"
    assert Officer.objects.get(user__username="lanhdao").unit.code == "KG"
