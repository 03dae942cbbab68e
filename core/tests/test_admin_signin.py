"""The Django admin has no sign-in of its own, and two-step means "this session gave its code"."""

from __future__ import annotations

import time

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from core.models import AuditEvent, User

PASSWORD = "Test-password-123"
LOGIN = "/accounts/login/"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def superuser(world):  # noqa: ANN001, ANN201
    """The administrator account, made a Django superuser with an authenticator app."""
    user = world.user("admin")
    User.objects.filter(pk=user.pk).update(is_staff=True, is_superuser=True)
    user.refresh_from_db()
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    user.totp_secret = secret
    return user


def code_for(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


PROTECTED = ["/admin/", "/audit/", "/org/officers/"]


def test_admin_sign_in_page_sends_everyone_to_the_site_sign_in(superuser, settings):
    settings.THADS_REQUIRE_MFA = True
    client = Client()
    page = client.get("/admin/login/?next=/admin/core/user/")
    assert page.status_code == 302
    assert page.url == f"{LOGIN}?next=/admin/core/user/"
    # Posting the password to the admin's sign-in signs nobody in.
    response = client.post("/admin/login/", {"username": "admin", "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 302 and response.url.startswith(LOGIN)
    for url in PROTECTED:
        refused = client.get(url)
        assert refused.status_code == 302 and refused.url.startswith(LOGIN), (url, refused.status_code, refused.get("Location"))
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN).exists()


def test_a_session_without_the_two_step_code_is_signed_out(superuser, settings):
    """Having an authenticator is not enough: a password-only session (Django's own sign-in, as the
    admin's form did) is signed out and sent to the site's sign-in."""
    settings.THADS_REQUIRE_MFA = True
    for url in PROTECTED:
        client = Client()
        assert client.login(username="admin", password=PASSWORD)
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(LOGIN), url
        assert "_auth_user_id" not in client.session, url


def test_the_site_sign_in_with_the_code_opens_the_admin(superuser, settings):
    settings.THADS_REQUIRE_MFA = True
    client = Client()
    response = client.post(LOGIN, {"login": "admin", "password": PASSWORD, "next": "/admin/"})
    assert response.url == reverse("mfa_authenticate")
    assert client.get("/admin/").url.startswith(LOGIN)  # the password alone does not sign in
    done = client.post(reverse("mfa_authenticate"), {"code": code_for(superuser.totp_secret)})
    assert done.status_code == 302
    for url in PROTECTED:
        assert client.get(url).status_code == 200, url


def test_fifteen_wrong_passwords_at_the_admin_are_all_refused_and_lock_the_account(superuser):
    client = Client()
    for _attempt in range(15):
        response = client.post("/admin/login/", {"username": "admin", "password": "wrong-password"})
        assert response.status_code == 302 and response.url.startswith(LOGIN)
    for _attempt in range(5):
        client.post(LOGIN, {"login": "admin", "password": "wrong-password"})
    locked = client.post(LOGIN, {"login": "admin", "password": PASSWORD})
    assert locked.status_code == 200
    assert "Vui lòng đợi" in locked.content.decode()
    assert not locked.wsgi_request.user.is_authenticated


def test_a_signed_in_user_without_admin_access_gets_403_not_a_password_form(world, client_for):
    client = client_for("admin")  # the application's administrator role is not Django staff
    assert client.get("/admin/login/").status_code == 403
    assert client.get("/admin/").status_code == 403
    assert client.get("/admin/core/user/").status_code == 403


def test_staff_without_an_mfa_role_must_also_give_the_code(world, settings):
    settings.THADS_REQUIRE_MFA = True
    user = world.user("officer")
    User.objects.filter(pk=user.pk).update(is_staff=True)
    client = Client()
    client.post(LOGIN, {"login": "officer", "password": PASSWORD})
    assert client.get("/").url == reverse("mfa_activate_totp")
