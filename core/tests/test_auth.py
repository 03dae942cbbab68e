"""Sign-in rules: who may sign in how, what they must do first, and what the audit log keeps."""

from __future__ import annotations

import re
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal import auth as totp_auth
from allauth.mfa.utils import decrypt
from django.contrib.auth.models import Group
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from core.models import AppendOnlyError, AuditEvent, User
from core.roles import Role

PASSWORD = "Test-password-123"
NEW_PASSWORD = "Thi-hanh-an-2026"
LOGIN = "/accounts/login/"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters and used TOTP codes live in the cache; each test starts clean."""
    cache.clear()
    yield
    cache.clear()


def sign_in(client: Client, login: str, password: str = PASSWORD, **extra):  # noqa: ANN003, ANN201
    return client.post(LOGIN, {"login": login, "password": password}, **extra)


def current_totp_code(secret: str) -> str:
    counter = int(time.time()) // 30
    return totp_auth.format_hotp_value(totp_auth.hotp_value(secret, counter))


def new_provisioned_officer(world, username: str = "canbomoi", password: str = PASSWORD):  # noqa: ANN001, ANN201
    from org import services

    return services.officer_create(
        full_name="Lê Văn Mới", email=f"{username}@moj.gov.vn", unit=world.units["A"],
        position=world.positions["clerk"], username=username, password=password,
    )


# --- Signing in ---------------------------------------------------------------------------------

def test_sign_in_by_username_lands_on_my_work(world):
    client = Client()
    response = sign_in(client, "officer")
    assert response.status_code == 302
    assert response.url == reverse("core:home")
    home = client.get(response.url)
    assert home.status_code == 200
    assert "Công việc của tôi" in home.content.decode()
    event = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN)
    assert event.actor == world.user("officer")
    assert event.ip == "127.0.0.1"


def test_sign_in_by_email_works_too(world):
    client = Client()
    response = sign_in(client, "OFFICER@moj.gov.vn")
    assert response.status_code == 302
    assert client.get(reverse("core:home")).wsgi_request.user == world.user("officer")


def test_manager_and_leader_land_on_adoption_dashboard(world):
    for username in ("manager", "leader"):
        response = sign_in(Client(), username)
        assert response.status_code == 302
        assert response.url == reverse("analytics:dashboard")


def test_wrong_password_is_refused_and_audited_with_ip(world):
    client = Client()
    response = sign_in(client, "officer", "wrong-password", REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated
    event = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN_FAILED)
    assert event.target == "officer"
    assert event.actor_label == "officer"
    assert event.ip == "203.0.113.7"
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN).exists()


def test_repeated_failures_lock_the_account_for_a_while(world, settings):
    settings.THADS_SIGNIN_ACCOUNT_LIMIT = "5/5m"
    client = Client()
    for _attempt in range(5):
        response = sign_in(client, "officer", "wrong-password")
        assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.content.decode()
    # The sixth try is refused before the password is even checked, right or wrong, and says how long to wait.
    response = sign_in(client, "officer", PASSWORD)
    assert response.status_code == 200
    assert "Bạn đã đăng nhập sai quá nhiều lần với tài khoản này. Vui lòng đợi 5 phút rồi thử lại." in (
        response.content.decode())
    assert not response.wsgi_request.user.is_authenticated
    # The e-mail names the same account: no fresh count by switching.
    by_email = sign_in(Client(), "OFFICER@moj.gov.vn", PASSWORD, REMOTE_ADDR="198.51.100.9")
    assert "Vui lòng đợi 5 phút" in by_email.content.decode()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN).exists()
    # Another account from the same place is not locked by these failures.
    assert sign_in(Client(), "trainer").status_code == 302


def test_nobody_can_sign_up(world):
    client = Client()
    users_before = User.objects.count()
    page = client.get(reverse("account_signup"))
    assert page.status_code == 200
    assert "Không mở đăng ký" in page.content.decode()
    response = client.post(reverse("account_signup"), {
        "username": "intruder", "email": "intruder@example.com",
        "password1": NEW_PASSWORD, "password2": NEW_PASSWORD,
    })
    assert response.status_code == 200
    assert "Không mở đăng ký" in response.content.decode()
    assert User.objects.count() == users_before
    assert not User.objects.filter(username="intruder").exists()
    login_page = Client().get(LOGIN).content.decode()
    assert reverse("account_signup") not in login_page
    assert reverse("account_reset_password") in login_page
    assert "Quên mật khẩu?" in login_page


# --- Password reset by e-mail -------------------------------------------------------------------

def test_password_reset_mail_link_sets_a_new_password(world):
    officer = new_provisioned_officer(world)
    client = Client()
    response = client.post(reverse("account_reset_password"), {"email": "canbomoi@moj.gov.vn"})
    assert response.status_code == 302
    assert response.url == reverse("account_reset_password_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["canbomoi@moj.gov.vn"]
    assert "Thư đặt lại mật khẩu" in message.subject
    assert "đặt lại mật khẩu" in message.body
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+)", message.body).group(1)

    landing = client.get(link)
    assert landing.status_code == 302  # the key moves into the session, off the address bar
    form_url = landing.url
    form_page = client.get(form_url)
    assert form_page.status_code == 200
    assert "Mật khẩu mới" in form_page.content.decode()
    done = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert done.url == reverse("account_reset_password_from_key_done")

    officer.user.refresh_from_db()
    assert officer.user.must_change_password is False
    assert AuditEvent.objects.filter(action=AuditEvent.Action.PASSWORD_CHANGED, target="canbomoi").exists()
    assert sign_in(Client(), "canbomoi", PASSWORD).status_code == 200  # the old one is gone
    signed_in = Client()
    response = sign_in(signed_in, "canbomoi", NEW_PASSWORD)
    assert response.status_code == 302
    assert signed_in.get(reverse("core:home")).status_code == 200  # no forced change any more


def test_used_reset_link_is_refused(world):
    new_provisioned_officer(world)
    client = Client()
    client.post(reverse("account_reset_password"), {"email": "canbomoi@moj.gov.vn"})
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+)", mail.outbox[0].body).group(1)
    form_url = client.get(link).url
    client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    again = Client().get(link, follow=True)
    assert "Đường dẫn không hợp lệ" in again.content.decode()


def test_reset_for_unknown_address_sends_no_sign_up_link(world):
    response = Client().post(reverse("account_reset_password"), {"email": "nobody@moj.gov.vn"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "không có tài khoản nào" in body
    assert "/accounts/signup/" not in body


# --- Forced change of the first password --------------------------------------------------------

def test_first_sign_in_forces_a_password_change(world):
    officer = new_provisioned_officer(world)
    assert officer.user.must_change_password is True
    client = Client()
    response = sign_in(client, "canbomoi")
    assert response.status_code == 302
    change_url = reverse("account_change_password")
    for url in (reverse("core:home"), reverse("org:officer-list"), reverse("core:audit-log"), "/learning/"):
        blocked = client.get(url)
        assert blocked.status_code == 302, url
        assert blocked.url == change_url, url
    page = client.get(change_url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Vui lòng đặt mật khẩu của riêng bạn trước khi tiếp tục." in body
    assert "Mật khẩu hiện tại" in body

    weak = client.post(change_url, {"oldpassword": PASSWORD, "password1": "12345678", "password2": "12345678"})
    assert weak.status_code == 200
    officer.user.refresh_from_db()
    assert officer.user.must_change_password is True

    changed = client.post(change_url, {"oldpassword": PASSWORD, "password1": NEW_PASSWORD,
                                       "password2": NEW_PASSWORD})
    assert changed.status_code == 302
    assert changed.url == reverse("core:home")
    officer.user.refresh_from_db()
    assert officer.user.must_change_password is False
    assert officer.user.check_password(NEW_PASSWORD)
    home = client.get(reverse("core:home"))
    assert home.status_code == 200
    assert "Công việc của tôi" in home.content.decode()
    event = AuditEvent.objects.get(action=AuditEvent.Action.PASSWORD_CHANGED)
    assert event.actor == officer.user
    assert event.target == "canbomoi"


def test_sign_out_stays_open_during_the_forced_change(world):
    new_provisioned_officer(world)
    client = Client()
    sign_in(client, "canbomoi")
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert not client.get(LOGIN).wsgi_request.user.is_authenticated
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LOGOUT, target="canbomoi").exists()


# --- Two-step sign-in ---------------------------------------------------------------------------

def test_with_mfa_off_a_manager_works_without_an_authenticator(world, client_for, settings):
    settings.THADS_REQUIRE_MFA = False
    client = client_for("unit_manager")
    assert client.get(reverse("org:officer-list")).status_code == 200
    assert client.get(reverse("core:home")).status_code == 200


@pytest.mark.parametrize("username", ["manager", "leader", "admin"])
def test_with_mfa_on_managers_leaders_and_admins_must_enrol(world, settings, username):
    settings.THADS_REQUIRE_MFA = True
    client = Client()
    assert sign_in(client, username).status_code == 302
    for url in (reverse("core:home"), reverse("org:officer-list"), "/learning/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url == reverse("mfa_activate_totp"), url
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Bật ứng dụng xác thực" in body
    assert "Vai trò của bạn bắt buộc đăng nhập hai bước." in body


@pytest.mark.parametrize("role", ["officer", "trainer"])
def test_with_mfa_on_other_roles_are_not_asked(world, client_for, settings, role):
    settings.THADS_REQUIRE_MFA = True
    assert client_for(role).get(reverse("core:home")).status_code == 200


def test_after_enrolling_sign_in_asks_for_the_code(world, settings):
    settings.THADS_REQUIRE_MFA = True
    manager = world.user("unit_manager")
    client = Client()
    assert sign_in(client, "manager").status_code == 302
    assert client.get(reverse("org:officer-list")).url == reverse("mfa_activate_totp")
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    secret = client.session[totp_auth.SECRET_SESSION_KEY]
    wrong = client.post(reverse("mfa_activate_totp"), {"code": "000000" if current_totp_code(secret) != "000000"
                                                        else "111111"})
    assert wrong.status_code == 200
    assert "Mã không đúng." in wrong.content.decode()
    activated = client.post(reverse("mfa_activate_totp"), {"code": current_totp_code(secret)})
    assert activated.status_code == 302
    assert Authenticator.objects.filter(user=manager, type=Authenticator.Type.TOTP).exists()
    assert client.get(reverse("org:officer-list")).status_code == 200
    client.post(reverse("account_logout"))

    client = Client()
    response = sign_in(client, "manager")
    assert response.status_code == 302
    assert response.url == reverse("mfa_authenticate")
    # The password alone does not sign in.
    assert client.get(reverse("org:officer-list")).url.startswith(LOGIN)
    page = client.get(reverse("mfa_authenticate"))
    assert "Tài khoản của bạn được bảo vệ bằng xác thực hai bước." in page.content.decode()
    refused = client.post(reverse("mfa_authenticate"), {"code": "12345"})
    assert refused.status_code == 200
    assert not refused.wsgi_request.user.is_authenticated
    stored_secret = decrypt(Authenticator.objects.get(user=manager, type=Authenticator.Type.TOTP).data["secret"])
    assert stored_secret == secret
    done = client.post(reverse("mfa_authenticate"), {"code": current_totp_code(stored_secret)})
    assert done.status_code == 302
    assert done.url == reverse("analytics:dashboard")
    assert client.get(reverse("org:officer-list")).status_code == 200


# --- Audit log ----------------------------------------------------------------------------------

def test_role_and_unit_changes_are_audited_with_the_acting_admin(world, client_for):
    admin = world.user("admin")
    officer = world.officers["officer"]
    client = client_for("admin")
    response = client.post(reverse("org:officer-edit", args=[officer.pk]), {
        "full_name": officer.full_name, "email": officer.email, "unit": world.units["B"].pk,
        "position": officer.position.pk, "it_level": officer.it_level, "is_active": "on",
        "roles": [Role.OFFICER, Role.TRAINER],
    }, REMOTE_ADDR="198.51.100.20")
    assert response.status_code == 302
    unit_event = AuditEvent.objects.get(action=AuditEvent.Action.UNIT_CHANGED, target=officer.email)
    assert unit_event.actor == admin
    assert unit_event.detail == {"from": "A", "to": "B"}
    assert unit_event.ip == "198.51.100.20"
    role_event = AuditEvent.objects.filter(action=AuditEvent.Action.ROLE_CHANGED, target="officer").latest("id")
    assert role_event.actor == admin
    assert role_event.actor_label == "admin"
    assert Role.TRAINER in role_event.detail["roles"]
    assert set(officer.user.groups.values_list("name", flat=True)) == {Role.OFFICER, Role.TRAINER}


def test_audit_log_page_is_for_admins_only_and_lists_entries(world, client_for):
    Client().post(LOGIN, {"login": "ghost-user", "password": "x"}, REMOTE_ADDR="192.0.2.55")
    page = client_for("admin").get(reverse("core:audit-log"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Nhật ký hệ thống" in body
    assert "ghost-user" in body
    assert "192.0.2.55" in body
    assert "Đăng nhập thất bại" in body
    for role in ("officer", "unit_manager", "provincial_leader", "trainer"):
        assert client_for(role).get(reverse("core:audit-log")).status_code == 403, role
    anonymous = Client().get(reverse("core:audit-log"))
    assert anonymous.status_code == 302
    assert anonymous.url.startswith(LOGIN)


def test_audit_events_cannot_be_changed_or_deleted(world):
    Client().post(LOGIN, {"login": "officer", "password": "wrong"})
    event = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN_FAILED)
    event.target = "someone else"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(target="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).target == "officer"


def test_group_changes_outside_a_request_are_still_audited(world):
    user = world.user("officer")
    user.groups.add(Group.objects.get_or_create(name=Role.JUDGE)[0])
    event = AuditEvent.objects.filter(action=AuditEvent.Action.ROLE_CHANGED, target="officer").latest("id")
    assert event.detail == {"change": "add", "roles": [Role.JUDGE]}
    assert event.actor is None


def test_sensitive_pages_ask_again_for_the_password_once_sign_in_is_old(world, settings):
    settings.THADS_REQUIRE_MFA = True
    client = Client()
    sign_in(client, "manager")
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    settings.ACCOUNT_REAUTHENTICATION_TIMEOUT = 0
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_reauthenticate"))
    page = client.get(response.url)
    assert "Xác nhận quyền truy cập" in page.content.decode()


def test_too_many_requests_get_a_vietnamese_page(world, settings):
    settings.ACCOUNT_RATE_LIMITS = {"reset_password": "2/m/ip", "login_failed": "10/m/ip,5/5m/key"}
    client = Client()
    for _attempt in range(2):
        assert client.post(reverse("account_reset_password"), {"email": "officer@moj.gov.vn"}).status_code == 302
    response = client.post(reverse("account_reset_password"), {"email": "officer@moj.gov.vn"})
    assert response.status_code == 429
    body = response.content.decode()
    assert "Thử quá nhiều lần" in body
    assert '<html lang="vi">' in body
    assert len(mail.outbox) == 2


@pytest.mark.parametrize("environment, override, required", [
    ({"THADS_ENV": "production"}, None, True),
    ({"THADS_ENV": "demo"}, None, False),
    ({"THADS_ENV": "production"}, "false", False),
    ({"THADS_ENV": "demo"}, "true", True),
])
def test_two_step_requirement_follows_the_environment(tmp_path, environment, override, required):
    import os
    import subprocess
    import sys

    from django.conf import settings

    env = {key: value for key, value in os.environ.items() if not key.startswith(("THADS_", "DJANGO_"))}
    env.update(environment, SECRET_KEY="x" * 50, THADS_VAR_DIR=str(tmp_path),
               THADS_SITE_URL="https://thads.example.vn")
    if override is not None:
        env["THADS_REQUIRE_MFA"] = override
    result = subprocess.run(
        [sys.executable, "-c", "import config.settings as s; print(s.THADS_REQUIRE_MFA)"],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, check=True,
    )
    assert result.stdout.strip() == str(required)


def test_official_email_cannot_be_changed_by_its_holder(client_for, world):
    client = client_for("officer")
    response = client.post("/accounts/email/", {"action_add": "", "email": "private@gmail.com"})
    assert response.status_code == 302 and response["Location"] == "/"
    from allauth.account.models import EmailAddress

    assert not EmailAddress.objects.filter(email="private@gmail.com").exists()
    world.officers["officer"].user.refresh_from_db()
    assert world.officers["officer"].user.email == "officer@moj.gov.vn"
