"""A whole exam room signs in from one address; the real client address comes from a trusted proxy."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.test import Client, RequestFactory

from core.models import AuditEvent, User

PASSWORD = "Test-password-123"
LOGIN = "/accounts/login/"
PROXY = "127.0.0.1"
ROOM = "203.0.113.10"


@pytest.fixture(autouse=True)
def _production_limits(settings):
    """The shipped limits, behind a trusted proxy; counters start empty."""
    settings.THADS_SIGNIN_ACCOUNT_LIMIT = "5/5m"
    settings.THADS_SIGNIN_ADDRESS_LIMIT = "100/5m"
    settings.TRUSTED_PROXIES = [PROXY]
    cache.clear()
    yield
    cache.clear()


def sign_in(login: str, password: str = PASSWORD, address: str = ROOM):  # noqa: ANN201
    return Client().post(LOGIN, {"login": login, "password": password},
                         REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=address)


@pytest.mark.parametrize("peer, forwarded, expected", [
    ("127.0.0.1", "198.51.100.4", "198.51.100.4"),                 # through the trusted proxy
    ("127.0.0.1", "6.6.6.6, 198.51.100.4", "198.51.100.4"),        # a forged first hop is ignored
    ("192.0.2.7", "198.51.100.4", "192.0.2.7"),                    # not a trusted proxy: header ignored
    ("127.0.0.1", "", "127.0.0.1"),                                # no header
    ("127.0.0.1", "not-an-address", "127.0.0.1"),                  # garbled header
    ("127.0.0.1", "198.51.100.4, 10.0.0.2", "198.51.100.4"),       # through two trusted proxies
])
def test_client_address_believes_x_forwarded_for_only_from_trusted_proxies(settings, peer, forwarded, expected):
    settings.TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/24"]
    from core.net import client_address

    request = RequestFactory().get("/", REMOTE_ADDR=peer, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


def test_without_trusted_proxies_the_peer_is_the_client(settings):
    settings.TRUSTED_PROXIES = []
    from core.net import client_address

    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.4")
    assert client_address(request) == "127.0.0.1"


def test_three_hundred_officers_from_one_address_all_sign_in(db):
    """An exam room: 300 officers behind one address, 30 of whom mistype their password first."""
    hashed = make_password(PASSWORD)
    User.objects.bulk_create([User(username=f"thisinh{n:03d}", email=f"thisinh{n:03d}@moj.gov.vn", password=hashed)
                              for n in range(300)])
    succeeded = 0
    for n in range(300):
        if n % 10 == 0:
            typo = sign_in(f"thisinh{n:03d}", "wrong-password")
            assert "Tên đăng nhập hoặc mật khẩu không đúng." in typo.content.decode()
        response = sign_in(f"thisinh{n:03d}")
        succeeded += response.status_code == 302 and not response.url.startswith(LOGIN)
        assert "X-Thads-Slow-Down" not in response.headers  # a correct password is answered at once
    print(f"{succeeded} of 300 succeeded")
    assert succeeded == 300
    assert set(AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN).values_list("ip", flat=True)) == {ROOM}


def test_one_persons_wrong_passwords_behind_the_proxy_lock_nobody_else(world):
    for _attempt in range(10):
        sign_in("officer", "wrong-password", address="198.51.100.66")
    assert sign_in("trainer", address="198.51.100.67").status_code == 302
    assert sign_in("manager", address="198.51.100.66").status_code == 302  # same address, own password
    failures = AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED)
    assert set(failures.values_list("ip", flat=True)) == {"198.51.100.66"}
    locked = sign_in("officer", address="198.51.100.99")
    assert "Vui lòng đợi 5 phút" in locked.content.decode()


def test_a_correct_password_is_never_refused_because_of_the_address(world, settings):
    settings.THADS_SIGNIN_ADDRESS_LIMIT = "10/5m"
    for n in range(12):
        response = sign_in(f"nobody{n}", "wrong-password")
    assert "Có quá nhiều lần đăng nhập sai từ mạng của bạn." in response.content.decode()
    assert "Số lần sai được xóa sau 5 phút." in response.content.decode()
    limited = AuditEvent.objects.filter(action=AuditEvent.Action.SIGNIN_ADDRESS_LIMITED)
    assert list(limited.values_list("target", flat=True)) == [ROOM]
    for login in ("officer", "trainer", "manager@moj.gov.vn"):
        assert sign_in(login).status_code == 302, login
