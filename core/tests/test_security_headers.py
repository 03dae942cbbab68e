"""Content-Security-Policy without inline scripts, no-store on signed-in pages, uploads refused by size."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory
from django.urls import reverse


ROOT = Path(settings.BASE_DIR)
INLINE = [
    # Data blocks (type="application/json", what json_script writes) are never run, so they may stay.
    (re.compile(r"<script(?![^>]*\b(?:src=|type=[\"']application/json))[^>]*>", re.I), "inline <script> block"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "on…= event handler"),
    (re.compile(r"javascript:", re.I), "javascript: address"),
    (re.compile(r"\bhx-on", re.I), "hx-on handler (evaluated script)"),
]


def template_files() -> list[Path]:
    folders = [ROOT / "templates", *ROOT.glob("*/templates")]
    return sorted(path for folder in folders for path in folder.rglob("*.html"))


def test_no_template_has_an_inline_script_or_handler():
    files = template_files()
    assert len(files) > 20
    found = [f"{path.relative_to(ROOT)}: {what}" for path in files for pattern, what in INLINE
             if pattern.search(path.read_text(encoding="utf-8"))]
    assert not found, found


def test_the_inline_check_finds_what_it_looks_for():
    samples = ['<script>alert(1)</script>', '<button onclick="x()">', '<a href="javascript:x()">',
               '<div hx-on::click="x()">']
    for sample, (pattern, _what) in zip(samples, INLINE):
        assert pattern.search(sample), sample
    assert not INLINE[0][0].search('<script src="/static/js/menu.js" defer></script>')
    assert not INLINE[0][0].search('<script type="application/json" id="chart">{}</script>')


@pytest.mark.parametrize("url", ["/accounts/login/", "/healthz"])
def test_content_security_policy_forbids_inline_scripts(db, url):
    policy = Client().get(url)["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"


def test_signed_in_pages_are_not_stored(world, client_for):
    for role, url in [("officer", reverse("core:home")), ("unit_manager", reverse("org:officer-list")),
                      ("admin", reverse("core:audit-log"))]:
        response = client_for(role).get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
        assert "Content-Security-Policy" in response, url
    assert "no-store" not in Client().get("/healthz").get("Cache-Control", "")


def test_an_upload_over_the_limit_is_refused_with_a_vietnamese_message(world, client_for, settings):
    from org.models import StaffImport

    settings.THADS_UPLOAD_MAX_MB = 1
    big = SimpleUploadedFile("danh_sach.csv", b"a,b\n" * (600 * 1024), content_type="text/csv")
    response = client_for("admin").post(reverse("org:import-start"), {"file": big})
    assert response.status_code == 413
    body = response.content.decode()
    assert "Tệp quá lớn" in body
    assert "trang này chỉ nhận tối đa 1 MB. Chưa có gì được lưu." in body
    assert StaffImport.objects.count() == 0


def test_the_size_is_checked_before_the_body_is_read(db):
    from core.middleware import upload_size_guard

    class Unreadable:
        def read(self, *args):  # noqa: ANN002, ANN202
            raise AssertionError("the body was read")

        readline = read

    request = RequestFactory().post("/org/import/", data=b"", content_type="multipart/form-data; boundary=x")
    request.META["CONTENT_LENGTH"] = str(2 * 1024 ** 3)
    request.META["wsgi.input"] = Unreadable()
    request._stream = Unreadable()
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    response = upload_size_guard(lambda request: pytest.fail("the view ran"))(request)
    assert response.status_code == 413


def test_an_app_can_set_a_smaller_limit_for_its_addresses(settings):
    from core import uploads

    settings.THADS_UPLOAD_MAX_MB = 310
    uploads.register_upload_limit("/zz-test-import/", 2 * uploads.MB)
    try:
        assert uploads.upload_limit_for("/zz-test-import/preview/") == 2 * uploads.MB
        assert uploads.upload_limit_for("/learning/") == 310 * uploads.MB
    finally:
        uploads._limits.pop("/zz-test-import/")
