"""404, 403 and 500 are Vietnamese site pages with the menu, a sentence saying what happened and a way back."""

from __future__ import annotations

from django.test import RequestFactory
from django.urls import reverse

from core.views import FALLBACK_500, server_error


def test_404_is_a_vietnamese_site_page_with_the_menu(client_for):
    response = client_for("officer").get("/khong-co-trang-nay/")
    body = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="vi">' in body and 'class="mainnav"' in body
    assert "Không tìm thấy trang" in body and f'href="{reverse("core:home")}"' in body


def test_403_is_a_vietnamese_site_page_with_the_menu(client_for):
    response = client_for("officer").get(reverse("core:audit-log"))
    body = response.content.decode()
    assert response.status_code == 403
    assert '<html lang="vi">' in body and 'class="mainnav"' in body and "Không có quyền truy cập" in body


def test_500_is_a_site_page_and_falls_back_to_a_bare_vietnamese_page(world, settings):
    request = RequestFactory().get("/")
    request.user = world.user("officer")
    response = server_error(request)
    body = response.content.decode()
    assert response.status_code == 500 and "Đã có lỗi" in body and 'class="mainnav"' in body
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [], "APP_DIRS": False,
                           "OPTIONS": {**settings.TEMPLATES[0]["OPTIONS"], "loaders": []}}]
    fallback = server_error(request)
    assert fallback.status_code == 500 and fallback.content.decode() == FALLBACK_500
