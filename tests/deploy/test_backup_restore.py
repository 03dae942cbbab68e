"""deploy/bin/thads-backup: a backup, its restore drill (which must notice a difference) and a restore."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from tests.deploy.conftest import EXPECT_SCALE, ROOT

SCRIPT = ROOT / "deploy" / "bin" / "thads-backup"


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), *args], cwd=ROOT, env={**os.environ, **env},
                          capture_output=True, text=True, timeout=300)


def _only_backup(folder: Path) -> Path:
    (backup,) = [path for path in folder.iterdir() if (path / "DONE").exists()]
    return backup


def _sqlite_site(tmp_path: Path) -> dict[str, str]:
    database = tmp_path / "site.sqlite3"
    with sqlite3.connect(database) as db:
        db.execute("CREATE TABLE org_officer (id INTEGER PRIMARY KEY, full_name TEXT)")
        db.executemany("INSERT INTO org_officer (full_name) VALUES (?)", [("Nguyễn Văn An",), ("Trần Thị Bình",)])
        db.execute("CREATE TABLE core_auditevent (id INTEGER PRIMARY KEY)")
    media = tmp_path / "media" / "lessons"
    media.mkdir(parents=True)
    (media / "bai-1.pdf").write_bytes(b"%PDF-1.4 lesson")
    return {"DATABASE_URL": "", "SQLITE_PATH": str(database), "MEDIA_ROOT": str(tmp_path / "media"),
            "THADS_BACKUP_DIR": str(tmp_path / "backups")}


def test_sqlite_backup_passes_its_drill_and_restores(tmp_path):  # noqa: ANN001
    env = _sqlite_site(tmp_path)
    created = run("create", env=env)
    assert created.returncode == 0, created.stderr
    backup = _only_backup(tmp_path / "backups")
    manifest = json.loads((backup / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["counts"] == {"core_auditevent": 0, "org_officer": 2}
    assert list(manifest["media"]) == ["lessons/bai-1.pdf"]

    drill = run("drill", env=env)
    assert drill.returncode == 0 and "OK (2 tables, 2 rows, 1 media files)" in drill.stdout, drill.stdout + drill.stderr

    # The live site then loses a row and a file; a restore brings both back.
    with sqlite3.connect(env["SQLITE_PATH"]) as db:
        db.execute("DELETE FROM org_officer")
    (tmp_path / "media" / "lessons" / "bai-1.pdf").unlink()
    refused = run("restore", str(backup), env=env)
    assert refused.returncode != 0 and "--yes" in refused.stderr
    restored = run("restore", str(backup), "--yes", env=env)
    assert restored.returncode == 0, restored.stderr
    with sqlite3.connect(env["SQLITE_PATH"]) as db:
        assert [row[0] for row in db.execute("SELECT full_name FROM org_officer ORDER BY id")] == [
            "Nguyễn Văn An", "Trần Thị Bình"]
    assert (tmp_path / "media" / "lessons" / "bai-1.pdf").read_bytes() == b"%PDF-1.4 lesson"


def test_drill_reports_a_backup_that_does_not_match_its_manifest(tmp_path):  # noqa: ANN001
    env = _sqlite_site(tmp_path)
    assert run("create", env=env).returncode == 0
    backup = _only_backup(tmp_path / "backups")
    manifest_path = backup / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["counts"]["org_officer"] = 3
    manifest["media"]["lessons/bai-2.pdf"] = "0" * 64
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    drill = run("drill", str(backup), env=env)
    assert drill.returncode == 1
    assert "FAILED" in drill.stdout
    assert "org_officer: 2 rows restored, 3 counted at backup" in drill.stdout
    assert "media file lessons/bai-2.pdf: missing" in drill.stdout


@pytest.mark.scale
@pytest.mark.skipif(not EXPECT_SCALE, reason="only in the PostgreSQL + Redis pass (THADS_EXPECT_SCALE=1)")
def test_postgresql_backup_passes_its_drill(transactional_db, world, tmp_path):  # noqa: ANN001
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    env = {"DATABASE_URL": f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
           "MEDIA_ROOT": str(tmp_path / "media"), "THADS_BACKUP_DIR": str(tmp_path / "backups")}
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "seal.png").write_bytes(b"\x89PNG seal")
    created = run("create", env=env)
    assert created.returncode == 0, created.stderr
    backup = _only_backup(tmp_path / "backups")
    manifest = json.loads((backup / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["engine"] == "postgresql"
    assert manifest["counts"]["org_officer"] == len(world.officers)
    drill = run("drill", env=env)
    assert drill.returncode == 0 and "restore drill" in drill.stdout and ": OK (" in drill.stdout, \
        drill.stdout + drill.stderr
