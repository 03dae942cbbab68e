"""Password spraying from one address is slowed, never a correct password: over the address limit
each further wrong password is answered one second later than the one before (served by the ASGI
layer without holding a thread), while officers typing their own password from that same address
sign in at once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from asgiref.sync import async_to_sync
from django.core.cache import cache

from core import slow_down
from core.tests.test_signin_one_address import LOGIN, PASSWORD, PROXY, sign_in


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.THADS_SIGNIN_ACCOUNT_LIMIT = "5/5m"
    settings.THADS_SIGNIN_ADDRESS_LIMIT = "4/5m"
    settings.THADS_SIGNIN_SLOW_DOWN_MAX_SECONDS = 3
    settings.TRUSTED_PROXIES = [PROXY]
    cache.clear()
    yield
    cache.clear()


def test_wrong_passwords_over_the_address_limit_wait_longer_and_longer(world):  # noqa: ANN001
    waits = [sign_in(f"nobody{n}", "wrong-password").headers.get(slow_down.HEADER) for n in range(8)]
    assert waits == [None, None, None, None, "1", "2", "3", "3"]  # limit 4, then +1 s each, at most 3
    # Another address is not slowed by this one's failures.
    assert sign_in("nobody9", "wrong-password", address="198.51.100.5").headers.get(slow_down.HEADER) is None


def test_a_correct_password_from_a_spraying_address_is_answered_at_once(world):  # noqa: ANN001
    for n in range(10):
        sign_in(f"nobody{n}", "wrong-password")
    assert sign_in("nobody10", "wrong-password").headers.get(slow_down.HEADER) == "3"
    for login in ("officer", "trainer", "manager@moj.gov.vn", "leader"):
        response = sign_in(login)
        assert response.status_code == 302 and not response.url.startswith(LOGIN), login
        assert slow_down.HEADER not in response.headers, login


def test_an_exam_room_behind_a_spraying_address_all_signs_in_without_waiting(db):  # noqa: ANN001
    from django.contrib.auth.hashers import make_password

    from core.models import User

    hashed = make_password(PASSWORD)
    User.objects.bulk_create([User(username=f"thisinh{n:03d}", email=f"thisinh{n:03d}@moj.gov.vn", password=hashed)
                              for n in range(60)])
    for n in range(10):
        sign_in(f"nobody{n}", "wrong-password")
    answers = [sign_in(f"thisinh{n:03d}") for n in range(60)]
    assert all(a.status_code == 302 and not a.url.startswith(LOGIN) for a in answers)
    assert not any(slow_down.HEADER in a.headers for a in answers)


def _serve(headers: list[tuple[bytes, bytes]], monkeypatch) -> tuple[list[float], list[dict]]:  # noqa: ANN001
    """Run SlowDownAnswers around an app answering with `headers`; what it slept and sent."""
    slept: list[float] = []
    sent: list[dict] = []

    async def fake_sleep(seconds: float) -> None:
        slept.append(seconds)

    monkeypatch.setattr(slow_down.asyncio, "sleep", fake_sleep)

    async def app(scope, receive, send) -> None:  # noqa: ANN001
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"ok"})

    async def send(message: dict) -> None:
        sent.append(message)

    async def receive() -> dict:
        return {"type": "http.request"}

    # In a thread of its own: an event loop left running in the test thread (Playwright's, after the
    # browser tests) makes async_to_sync refuse to run there.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(async_to_sync(slow_down.SlowDownAnswers(app)), {"type": "http"}, receive, send).result()
    return slept, sent


def test_the_asgi_layer_waits_and_drops_the_header(monkeypatch):  # noqa: ANN001
    slept, sent = _serve([(b"content-type", b"text/html"), (b"x-thads-slow-down", b"2")], monkeypatch)
    assert slept == [2.0]
    assert sent[0]["headers"] == [(b"content-type", b"text/html")]
    assert sent[1]["body"] == b"ok"


def test_the_asgi_layer_passes_other_answers_at_once(monkeypatch):  # noqa: ANN001
    slept, sent = _serve([(b"content-type", b"text/html")], monkeypatch)
    assert slept == [] and sent[0]["headers"] == [(b"content-type", b"text/html")]
