"""Shared set-up for the cases benches: a throw-away database (SQLite file, or a fresh PostgreSQL
database when DATABASE_URL is set), Django configured against it, and a unit tree with officers."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_per_backend(script: str) -> None:
    """Run `script` once on a temporary SQLite file and, when DATABASE_URL is set, once on PostgreSQL."""
    if os.environ.get("CASES_BENCH_CHILD"):
        return
    backends = [("SQLite", None)]
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        backends.append(("PostgreSQL", os.environ["DATABASE_URL"]))
    for label, url in backends:
        with tempfile.TemporaryDirectory(prefix="thads-bench-") as tmp:
            env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
            env.update(CASES_BENCH_CHILD="1", THADS_VAR_DIR=tmp, SQLITE_PATH=str(Path(tmp) / "bench.sqlite3"),
                       MEDIA_ROOT=str(Path(tmp) / "media"), PYTHONPATH=str(ROOT))
            if url:
                env["DATABASE_URL"] = fresh_postgres(url)
            print(f"\n=== {label} ===", flush=True)
            subprocess.run([sys.executable, script], env=env, check=True, cwd=ROOT)
    sys.exit(0)


def fresh_postgres(url: str) -> str:
    import psycopg

    base, _, own = url.rpartition("/")
    name = f"{own or 'thads'}_bench_cases"  # beside the database named in DATABASE_URL, never shared
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    return f"{base}/{name}"


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build_units(branches: int, officers_per_branch: int):  # noqa: ANN201
    """A province with `branches` branches and their officers; returns (root unit, {unit: [officers]})."""
    from org import services
    from org.models import Position, UnitKind

    province = UnitKind.objects.create(code="province", name="Cục")
    branch_kind = UnitKind.objects.create(code="branch", name="Chi cục")
    position = Position.objects.create(code="enforcement_officer", name="Chấp hành viên")
    root = services.unit_create(code="P", name="Cục P", kind=province)
    staff = {}
    for b in range(branches):
        unit = services.unit_create(code=f"B{b:02d}", name=f"Chi cục {b}", kind=branch_kind, parent=root)
        staff[unit] = [
            services.officer_create(full_name=f"Cán bộ {b}-{o}", email=f"cb{b}x{o}@moj.gov.vn", unit=unit,
                                    position=position)
            for o in range(officers_per_branch)
        ]
    return root, staff
