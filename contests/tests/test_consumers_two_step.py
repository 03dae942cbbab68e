"""Sockets follow the two-step sign-in rule of every page: a session that has not given its two-step
code (the account has an authenticator, or the role requires one) is not signed in for a WebSocket,
so the live final's sockets refuse it."""

from __future__ import annotations

import pytest
from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator
from asgiref.sync import async_to_sync
from django.test import Client, RequestFactory

from contests.tests.test_consumers_live import TIMEOUT, _socket, final, host_path, play_path  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


def _cookie(user, *, two_step: bool = False) -> str:  # noqa: ANN001
    """A signed-in session; with `two_step`, the session also gave its two-step code (as allauth's
    sign-in records it)."""
    client = Client()
    client.force_login(user)
    if two_step:
        request = RequestFactory().get("/")
        request.session = client.session
        record_authentication(request, user, "mfa", type="totp")
        request.session.save()
    return client.cookies["sessionid"].value


def _with_authenticator(user) -> None:  # noqa: ANN001
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "unused"})


def _connects(path: str, cookie: str) -> tuple[bool, object]:
    async def scenario() -> tuple[bool, object]:
        socket = _socket(path, cookie)
        connected, code = await socket.connect(timeout=TIMEOUT)
        await socket.disconnect()
        return connected, code

    return async_to_sync(scenario)()


def test_a_host_with_an_authenticator_needs_the_code_in_this_session(final, world):  # noqa: ANN001, F811
    host = world.user("contest_organiser")
    _with_authenticator(host)
    assert _connects(host_path(final), _cookie(host)) == (False, 4403)
    assert _connects(host_path(final), _cookie(host, two_step=True))[0] is True


def test_a_contestant_with_an_authenticator_needs_the_code_in_this_session(final, world):  # noqa: ANN001, F811
    player = world.user("officer")
    _with_authenticator(player)
    assert _connects(play_path(final), _cookie(player)) == (False, 4403)
    assert _connects(play_path(final), _cookie(player, two_step=True))[0] is True


def test_a_role_that_requires_two_step_is_refused_before_enrolling(final, world, settings):  # noqa: ANN001, F811
    settings.THADS_REQUIRE_MFA = True
    host = world.user("contest_organiser")
    assert _connects(host_path(final), _cookie(host)) == (False, 4403)
    player = world.user("officer")  # an officer's role does not require it
    assert _connects(play_path(final), _cookie(player))[0] is True
