"""Every message has a Vietnamese translation, and pages speak Vietnamese unless English is chosen."""

from __future__ import annotations

import ast
import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

ROOT = Path(settings.BASE_DIR)
SKIPPED_DIRS = {".venv", "node_modules", "var", ".git"}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")


def po_files() -> list[Path]:
    found = []
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = [name for name in dirs if name not in SKIPPED_DIRS]
        found.extend(Path(folder) / name for name in files if name.endswith(".po"))
    return sorted(found)


def po_entries(path: Path) -> list[dict]:
    """Entries of a .po file as dicts: flags, msgctxt, msgid, msgid_plural, msgstr (list), line."""
    entries: list[dict] = []
    entry: dict | None = None
    key = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            if entry is not None and "msgid" in entry:
                entries.append(entry)
            entry, key = None, None
            continue
        if entry is None:
            entry = {"flags": set(), "msgstr": {}, "line": number, "obsolete": False}
        if line.startswith("#~"):
            entry["obsolete"] = True
            continue
        if line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith("#"):
            continue
        match = re.match(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*\")$", line)
        if match:
            key = match.group(1)
            value = ast.literal_eval(match.group(3))
            if key.startswith("msgstr"):
                key = ("msgstr", int(match.group(2) or 0))
                entry["msgstr"][key[1]] = value
            else:
                entry[key] = value
        elif line.startswith('"') and key is not None:
            value = ast.literal_eval(line)
            if isinstance(key, tuple):
                entry["msgstr"][key[1]] += value
            else:
                entry[key] += value
    if entry is not None and "msgid" in entry:
        entries.append(entry)
    return entries


def test_project_has_the_expected_translation_files():
    names = {path.relative_to(ROOT).as_posix() for path in po_files()}
    assert "locale/vi/LC_MESSAGES/django.po" in names
    assert "core/allauth_locale/vi/LC_MESSAGES/django.po" in names


@pytest.mark.parametrize("path", po_files(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_message_is_translated_and_none_is_fuzzy(path):
    problems = []
    for entry in po_entries(path):
        if entry["obsolete"]:
            continue
        where = f"{path.relative_to(ROOT)}:{entry['line']}"
        if "fuzzy" in entry["flags"]:
            problems.append(f"{where} fuzzy: {entry['msgid'][:60]!r}")
        if entry["msgid"] == "":
            continue  # the header
        if not entry["msgstr"] or any(not text.strip() for text in entry["msgstr"].values()):
            problems.append(f"{where} untranslated: {entry['msgid'][:60]!r}")
            continue
        wanted = sorted(PLACEHOLDER.findall(entry["msgid"]))
        for text in entry["msgstr"].values():
            if "python-format" in entry["flags"] or "python-brace-format" in entry["flags"]:
                if sorted(PLACEHOLDER.findall(text)) != wanted:
                    problems.append(f"{where} placeholders differ: {entry['msgid'][:60]!r}")
    assert not problems, "\n".join(problems)


def test_po_reader_sees_untranslated_and_fuzzy_entries(tmp_path):
    sample = tmp_path / "django.po"
    sample.write_text(
        'msgid ""\nmsgstr ""\n"Language: vi\\n"\n\n'
        '#, fuzzy\nmsgid "Unit"\nmsgstr "Đơn vị"\n\n'
        'msgid "Officers"\nmsgstr ""\n\n'
        'msgid "My work"\nmsgstr ""\n"Công việc "\n"của tôi"\n',
        encoding="utf-8",
    )
    entries = {entry["msgid"]: entry for entry in po_entries(sample)}
    assert "fuzzy" in entries["Unit"]["flags"]
    assert entries["Officers"]["msgstr"] == {0: ""}
    assert entries["My work"]["msgstr"] == {0: "Công việc của tôi"}


# --- Pages --------------------------------------------------------------------------------------

def switch_language(client: Client, language: str, next_url: str = "/") -> None:
    response = client.post("/i18n/setlang/", {"language": language, "next": next_url})
    assert response.status_code == 302


def test_home_page_is_vietnamese_by_default_and_english_after_the_switch(world, client_for):
    client = client_for("officer")
    body = client.get(reverse("core:home")).content.decode()
    assert '<html lang="vi">' in body
    assert "Công việc của tôi" in body
    assert "Đăng xuất" in body
    assert "My work" not in body

    switch_language(client, "en")
    body = client.get(reverse("core:home")).content.decode()
    assert '<html lang="en">' in body
    assert "My work" in body
    assert "Sign out" in body
    assert "Công việc của tôi" not in body

    switch_language(client, "vi")
    assert "Công việc của tôi" in client.get(reverse("core:home")).content.decode()


def test_sign_in_page_is_vietnamese_by_default_and_english_after_the_switch(db):
    client = Client()
    body = client.get(reverse("account_login")).content.decode()
    assert '<html lang="vi">' in body
    assert "Đăng nhập" in body
    assert "Tên đăng nhập hoặc thư điện tử" in body  # allauth's own field label, from its separate catalogue
    assert "Quên mật khẩu?" in body
    assert "Sign In" not in body

    switch_language(client, "en", reverse("account_login"))
    body = client.get(reverse("account_login")).content.decode()
    assert '<html lang="en">' in body
    assert "Sign In" in body
    assert "Forgot your password?" in body
    assert "Quên mật khẩu?" not in body


@pytest.mark.parametrize("url_name, vietnamese", [
    ("account_reset_password", "Đặt lại mật khẩu"),
    ("account_reset_password_done", "Chúng tôi đã gửi thư cho bạn."),
    ("account_reset_password_from_key_done", "Mật khẩu của bạn đã được thay đổi."),
    ("account_signup", "Không mở đăng ký"),
])
def test_public_account_pages_are_vietnamese(db, url_name, vietnamese):
    body = Client().get(reverse(url_name)).content.decode()
    assert vietnamese in body
    assert 'class="hint"' in body


@pytest.mark.parametrize("url_name, vietnamese", [
    ("account_change_password", "Mật khẩu hiện tại"),
    ("account_logout", "Bạn có chắc muốn đăng xuất?"),
    ("mfa_index", "Xác thực hai bước"),
])
def test_signed_in_account_pages_are_vietnamese(world, client_for, url_name, vietnamese):
    body = client_for("officer").get(reverse(url_name)).content.decode()
    assert vietnamese in body
    for english in ("Current Password", "Sign Out", "Two-Factor Authentication"):
        assert english not in body


def test_browser_asking_for_english_still_gets_vietnamese(client):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert 'lang="vi"' in response.content.decode()


def test_one_text_has_one_translation_across_the_project():
    """Django merges every catalogue into one: a msgid translated differently in two apps would
    show the wrong words in one of them. Texts whose meaning differs take a context (pgettext)."""
    import gettext

    seen: dict[tuple[str, str], tuple[str, str]] = {}
    clashes = []
    for po_path in po_files():
        mo_path = po_path.with_suffix(".mo")
        if not mo_path.exists():
            continue
        with open(mo_path, "rb") as handle:
            catalog = gettext.GNUTranslations(handle)._catalog
        for key, text in catalog.items():
            if not key or isinstance(key, tuple):
                continue
            if key in seen and seen[key][1] != text:
                clashes.append(f"{key!r}: {seen[key][0]} «{seen[key][1]}» ≠ {po_path} «{text}»")
            seen.setdefault(key, (str(po_path), text))
    assert not clashes, "\n".join(clashes)
