"""The cached principal (user, officer, roles) never outlives a change to what it copies."""

from __future__ import annotations

from django.urls import reverse

from core.roles import Role
from org import services as org_services


def _warm(client) -> None:  # noqa: ANN001
    assert client.get(reverse("core:home")).status_code == 200


def test_a_deactivated_officer_is_signed_out_at_the_next_request(world, client_for):
    client = client_for("officer")
    _warm(client)
    org_services.officer_update(officer=world.officers["officer"], is_active=False)
    response = client.get(reverse("core:home"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_new_role_shows_at_the_next_request(world, client_for):
    client = client_for("officer")
    _warm(client)
    assert client.get(reverse("org:officer-list")).status_code == 403
    org_services.roles_set(user=world.user("officer"), roles={Role.OFFICER, Role.UNIT_MANAGER})
    assert client.get(reverse("org:officer-list")).status_code == 200


def test_a_unit_move_changes_the_scope_at_the_next_request(world, client_for):
    client = client_for("unit_manager")
    _warm(client)
    other_b = world.officers["other_b"]
    assert client.get(reverse("org:officer-detail", args=[other_b.pk])).status_code == 404
    manager = world.officers["unit_manager"]
    org_services.officer_update(officer=manager, unit=world.units["P"])
    assert client.get(reverse("org:officer-detail", args=[other_b.pk])).status_code == 200


def test_a_password_change_elsewhere_ends_this_session(world, client_for):
    client = client_for("officer")
    _warm(client)
    user = world.user("officer")
    user.set_password("Another-password-456")
    user.save()
    response = client.get(reverse("core:home"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
