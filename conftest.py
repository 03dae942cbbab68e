"""Fixtures shared by every app's tests: a small unit tree and one signed-in client per role."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import pytest

from core.roles import Role

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# around it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROLE_USERNAMES = {
    Role.OFFICER: "officer",
    Role.TRAINER: "trainer",
    Role.UNIT_MANAGER: "manager",
    Role.PROVINCIAL_LEADER: "leader",
    Role.CONTEST_ORGANISER: "organiser",
    Role.JUDGE: "judge",
    Role.ADMIN: "admin",
}
PASSWORD = "Test-password-123"


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.THADS_REQUIRE_MFA = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Database ids repeat from test to test: start each test with empty caches (no home-page
    panel, principal or attempt cached under an id that now names something else)."""
    from django.conf import settings
    from django.core.cache import caches

    for alias in settings.CACHES:
        caches[alias].clear()


@dataclass
class World:
    """Province P with branches A and B (A has a division A1); an officer per role, plus others."""

    units: dict = field(default_factory=dict)
    positions: dict = field(default_factory=dict)
    officers: dict = field(default_factory=dict)  # by role code, plus "other_a", "other_b"

    def user(self, role: str):  # noqa: ANN201
        return self.officers[role].user


def build_world() -> World:
    from org import services
    from org.models import Position, UnitKind

    world = World()
    province = UnitKind.objects.create(code="province", name="Cục")
    branch = UnitKind.objects.create(code="branch", name="Chi cục")
    division = UnitKind.objects.create(code="division", name="Phòng")
    for code, name in [("head", "Thủ trưởng"), ("enforcement_officer", "Chấp hành viên"), ("clerk", "Thư ký")]:
        world.positions[code] = Position.objects.create(code=code, name=name)
    world.units["P"] = services.unit_create(code="P", name="Cục THADS tỉnh P", kind=province)
    world.units["A"] = services.unit_create(code="A", name="Chi cục A", kind=branch, parent=world.units["P"])
    world.units["A1"] = services.unit_create(code="A1", name="Tổ A1", kind=division, parent=world.units["A"])
    world.units["B"] = services.unit_create(code="B", name="Chi cục B", kind=branch, parent=world.units["P"])
    placement = {
        Role.OFFICER: ("A", "enforcement_officer"),
        Role.TRAINER: ("P", "clerk"),
        Role.UNIT_MANAGER: ("A", "head"),
        Role.PROVINCIAL_LEADER: ("P", "head"),
        Role.CONTEST_ORGANISER: ("P", "clerk"),
        Role.JUDGE: ("P", "clerk"),
        Role.ADMIN: ("P", "clerk"),
    }
    names = {
        Role.OFFICER: "Nguyễn Văn Á", Role.TRAINER: "Lê Thị Giảng", Role.UNIT_MANAGER: "Phạm Quản Lý",
        Role.PROVINCIAL_LEADER: "Huỳnh Lãnh Đạo", Role.CONTEST_ORGANISER: "Võ Tổ Chức",
        Role.JUDGE: "Đặng Giám Khảo", Role.ADMIN: "Trương Quản Trị",
    }
    for role, (unit, position) in placement.items():
        officer = services.officer_create(
            full_name=names[role], email=f"{ROLE_USERNAMES[role]}@moj.gov.vn", unit=world.units[unit],
            position=world.positions[position], username=ROLE_USERNAMES[role], password=PASSWORD,
            roles={Role.OFFICER, role},
        )
        type(officer.user).objects.filter(pk=officer.user_id).update(must_change_password=False)
        officer.user.refresh_from_db()
        world.officers[role] = officer
    for key, unit in [("other_a1", "A1"), ("other_b", "B")]:
        world.officers[key] = services.officer_create(
            full_name=f"Trần Thị {key.upper()}", email=f"{key}@moj.gov.vn", unit=world.units[unit],
            position=world.positions["clerk"], password=PASSWORD,
        )
    return world


@pytest.fixture
def world(db) -> World:  # noqa: ANN001
    return build_world()


@pytest.fixture
def branch_trainer(world):  # noqa: ANN001, ANN201
    """A trainer who is NOT at province level: in division A1 of branch A (their unit subtree holds no
    learner of the world). Kept out of `world` itself so that the world's head counts stay as they are."""
    from org import services

    officer = services.officer_create(
        full_name="Mai Giảng Viên", email="trainer_a1@moj.gov.vn", unit=world.units["A1"],
        position=world.positions["clerk"], username="trainer_a1", password=PASSWORD,
        roles={Role.OFFICER, Role.TRAINER},
    )
    type(officer.user).objects.filter(pk=officer.user_id).update(must_change_password=False)
    officer.user.refresh_from_db()
    world.officers["trainer_a1"] = officer
    return officer


@pytest.fixture
def client_for(world, client):  # noqa: ANN001, ANN201
    """client_for("unit_manager") -> a Django test client signed in as that role's officer."""
    from django.test import Client

    def make(role: str) -> Client:
        new_client = Client()
        new_client.force_login(world.user(role))
        return new_client

    return make
