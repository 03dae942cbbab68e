"""Password rules, the demo password outside the demo, and production's refusal to start without a key."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from core.models import User

PASSWORD = "Test-password-123"
LOGIN = "/accounts/login/"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def provisioned(world, username: str, password: str = PASSWORD):  # noqa: ANN001, ANN201
    from org import services

    return services.officer_create(
        full_name="Lê Văn Thương", email=f"{username}@moj.gov.vn", unit=world.units["A"],
        position=world.positions["clerk"], username=username, password=password,
    ).user


def change(client: Client, old: str, new: str):  # noqa: ANN201
    return client.post(reverse("account_change_password"), {"oldpassword": old, "password1": new, "password2": new})


@pytest.mark.parametrize("weak, why", [
    ("canbo12345", "Mật khẩu này quá dễ đoán vì dựa trên tên hệ thống."),  # "cán bộ" is also a site word
    ("CanBo-2026x", "Mật khẩu không được chứa tên đăng nhập, e-mail hoặc họ tên của bạn."),
    ("Thuong@2026", "Mật khẩu không được chứa tên đăng nhập, e-mail hoặc họ tên của bạn."),  # "Thương" in the name
    ("Thads@2026", "Mật khẩu này quá dễ đoán vì dựa trên tên hệ thống."),
    ("Thads@2026demo", "Mật khẩu này quá dễ đoán vì dựa trên tên hệ thống."),
    ("Ab1!", "Mật khẩu này quá ngắn"),
    ("12345678901", "Mật khẩu này chỉ chứa toàn số"),
])
def test_weak_passwords_are_refused(world, weak, why):
    user = provisioned(world, "canbo")
    client = Client()
    client.force_login(user)
    response = change(client, PASSWORD, weak)
    assert response.status_code == 200
    assert why in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD) and user.must_change_password


def test_first_password_change_refuses_the_old_password(world):
    user = provisioned(world, "canbomoi", password="Giao-cho-2026-xyz")
    client = Client()
    client.force_login(user)
    response = change(client, "Giao-cho-2026-xyz", "Giao-cho-2026-xyz")
    assert response.status_code == 200
    assert "Mật khẩu mới phải khác mật khẩu hiện tại." in response.content.decode()
    user.refresh_from_db()
    assert user.must_change_password
    assert change(client, "Giao-cho-2026-xyz", "Song-Hau-ven-bien-7").status_code == 302
    user.refresh_from_db()
    assert not user.must_change_password


def test_the_demo_password_signs_in_only_in_the_demo(world, settings):
    user = world.user("officer")
    user.set_password(settings.THADS_DEMO_PASSWORD)
    user.save()
    settings.THADS_ENV = "production"
    refused = Client().post(LOGIN, {"login": "officer", "password": settings.THADS_DEMO_PASSWORD})
    assert refused.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in refused.content.decode()
    settings.THADS_ENV = "demo"
    assert Client().post(LOGIN, {"login": "officer", "password": settings.THADS_DEMO_PASSWORD}).status_code == 302


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("THADS_", "DJANGO_")) and key != "SECRET_KEY"}
    env.update(THADS_ENV="production", THADS_VAR_DIR=str(tmp_path), THADS_SITE_URL="https://thads-it.example.vn",
               ALLOWED_HOSTS="thads-it.example.vn")
    result = subprocess.run([sys.executable, "-c", "import config.settings"], cwd=django_settings.BASE_DIR,
                            env=env, capture_output=True, text=True)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
    assert not (tmp_path / "secret_key").exists()
    env["SECRET_KEY"] = "k" * 60
    assert subprocess.run([sys.executable, "-c", "import config.settings"], cwd=django_settings.BASE_DIR,
                          env=env, capture_output=True, text=True).returncode == 0
    assert not (tmp_path / "secret_key").exists()
