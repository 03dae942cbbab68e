"""Static files as the site serves them outside the tests (which use plain storage): collected with
hashed names, so a browser or the reverse proxy may keep them for a year and a new release is still
fetched (its files get new names)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CHECK = """
import re
from django.test import Client
page = Client().get("/accounts/login/").content.decode()
names = re.findall(r'/static/([^"?]+)', page)
print("\\n".join(names))
response = Client().get("/static/" + names[0])
print("cache:", response.status_code, response.headers.get("Cache-Control", ""))
"""


def test_collected_static_files_carry_hashed_names_and_are_cached_for_good(tmp_path):
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "REDIS_URL")}
    env.update(STATIC_ROOT=str(tmp_path / "static"), SQLITE_PATH=str(tmp_path / "db.sqlite3"),
               THADS_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="config.settings")
    env.pop("PYTEST_CURRENT_TEST", None)
    for command in (["collectstatic", "--noinput", "-v0"], ["migrate", "-v0"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True)
    output = subprocess.run([sys.executable, "manage.py", "shell", "-v0", "-c", CHECK], cwd=ROOT, env=env,
                            check=True, capture_output=True, text=True).stdout.splitlines()
    names = [line for line in output if not line.startswith("cache:")]
    assert names and all(re.search(r"\.[0-9a-f]{12}\.(css|js)$", name) for name in names), names
    assert all((tmp_path / "static" / name).is_file() for name in names)
    status, cache = output[-1].removeprefix("cache: ").split(" ", 1)
    assert status == "200" and "immutable" in cache and "max-age=315360000" in cache, output[-1]



def test_before_any_collectstatic_pages_name_the_files_as_they_are(tmp_path, settings):
    from django.templatetags.static import static

    from core.static_storage import HashedStaticFilesStorage

    settings.STATIC_ROOT = str(tmp_path / "nothing-collected")
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "core.static_storage.HashedStaticFilesStorage"}}
    assert HashedStaticFilesStorage().hashed_files == {}
    assert static("css/site.css") == "/static/css/site.css"
