"""Shared set-up for the cases benches: a throw-away database (SQLite file, or a fresh PostgreSQL
database when DATABASE_URL is set), Django configured against it, and a unit tree with officers."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from datetime import date, timedelta
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


# The case-step file both import benches build: CASES cases, steps of these names, dates before TODAY.
CASES = 20_000
TODAY = date(2026, 3, 31)
STEPS = ["Ra quyết định thi hành án", "Gửi quyết định cho Viện kiểm sát", "Thông báo cho đương sự",
         "Xác minh điều kiện thi hành án", "Thu tiền"]


def make_file(rows: int, cases: list[tuple[str, str]], emails: list[str]) -> Path:
    """An .xlsx of `rows` case steps as the national software exports them, written by openpyxl."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(["Mã bước", "Mã đơn vị", "Số hồ sơ", "Bước", "Ngày văn bản", "Thời điểm cập nhật",
                  "Email người cập nhật", "Ghi chú"])
    start = date(2025, 1, 2)
    for i in range(rows):
        unit_code, number = cases[i % len(cases)]
        legal = start + timedelta(days=(i * 7) % 440)
        recorded = legal + timedelta(days=i % 5)
        sheet.append([f"QLTHA-{i:07d}", unit_code, number, STEPS[i % len(STEPS)], legal.strftime("%d/%m/%Y"),
                      recorded.strftime("%d/%m/%Y") + f" {8 + i % 9:02d}:{i % 60:02d}", emails[i % len(emails)],
                      "" if i % 3 else "nhập từ QLTHA"])
    path = Path(os.environ.get("THADS_VAR_DIR", "/tmp")) / f"steps-{rows}.xlsx"
    workbook.save(path)
    return path


def import_world():  # noqa: ANN201
    """What both case-import benches import into: 10 branches of 10 officers, an administrator and
    CASES cases spread over them; returns (root unit, administrator, officers, cases)."""
    from cases.models import EnforcementCase
    from core.models import User
    from core.text import fold

    root, staff = build_units(10, 10)
    admin = User.objects.create(username="bench-admin", is_superuser=True)
    officers = [officer for group in staff.values() for officer in group]
    units = list(staff)
    cases = [EnforcementCase(unit=units[i % len(units)], number=f"{i}/QĐ", search_number=fold(f"{i}/QĐ"),
                             officer=officers[i % len(officers)], intake_date=date(2025, 1, 1)) for i in range(CASES)]
    EnforcementCase.objects.bulk_create(cases, batch_size=2000)
    return root, admin, officers, cases
