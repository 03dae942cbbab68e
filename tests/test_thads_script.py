"""`./thads demo --reset` never touches a database it does not own."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_reset_refuses_a_configured_database_and_deletes_nothing(tmp_path):  # noqa: ANN001
    keep = tmp_path / "db.sqlite3"
    keep.write_text("data")
    env = {**os.environ, "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/thads_nowhere",
           "THADS_VAR_DIR": str(tmp_path), "SQLITE_PATH": str(keep)}
    result = subprocess.run([str(ROOT / "thads"), "demo", "--reset"], env=env, capture_output=True, text=True,
                            timeout=30)
    assert result.returncode == 2 and "DATABASE_URL" in result.stderr
    assert keep.read_text() == "data"
