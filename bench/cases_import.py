"""Import of 100,000 case-step rows from .xlsx against a bare read-only openpyxl pass over the same file.

Prints rows per second and peak traced memory of the import (preview + apply, each one streaming pass)
and of the bare read, their ratio (goal: import ≤ 3× the bare read's time), and the peak memory at
25,000 and 100,000 rows (goal: flat as rows grow). Runs on a temporary SQLite file, and on PostgreSQL
too when DATABASE_URL is set.
"""

from __future__ import annotations

import gc
import os
import io
import sys
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cases_common import build_units, run_per_backend, setup_django  # noqa: E402

run_per_backend(__file__)
setup_django()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402
from openpyxl import Workbook, load_workbook  # noqa: E402

from cases import services  # noqa: E402
from cases.models import CaseStep, EnforcementCase  # noqa: E402
from core.models import User  # noqa: E402
from core.text import fold  # noqa: E402

ROWS = int(os.environ.get("CASES_BENCH_ROWS", "100000"))
SMALL = ROWS // 4
CASES = 20_000
TODAY = date(2026, 3, 31)
STEPS = ["Ra quyết định thi hành án", "Gửi quyết định cho Viện kiểm sát", "Thông báo cho đương sự", "Xác minh điều kiện thi hành án", "Thu tiền"]


def make_file(rows: int, cases: list[tuple[str, str]], emails: list[str]) -> bytes:
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
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def bare_read(content: bytes) -> int:
    workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    count = sum(1 for _ in workbook.worksheets[0].iter_rows(values_only=True))
    workbook.close()
    return count


def run_import(content: bytes, user: User, name: str) -> None:
    batch = services.step_import_preview(uploaded_by=user, file_name=name, content=content, today=TODAY)
    assert not batch.error_count, batch.errors[:3]
    services.step_import_apply(batch=batch, by=user, today=TODAY)


def reset_steps() -> None:
    from cases.models import CaseDeadline, ImportBatch

    CaseDeadline.objects.all().delete()
    CaseStep.objects.filter(source="import").delete()
    ImportBatch.objects.all().delete()


def timed(fn, *args):  # noqa: ANN001, ANN002, ANN202
    gc.collect()
    started = time.perf_counter()
    fn(*args)
    return time.perf_counter() - started


def traced(fn, *args) -> float:  # noqa: ANN001, ANN002
    gc.collect()
    tracemalloc.start()
    fn(*args)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 1e6


def main() -> None:
    root, staff = build_units(10, 10)
    admin = User.objects.create(username="bench-admin", is_superuser=True)
    officers = [officer for group in staff.values() for officer in group]
    units = list(staff)
    cases = [EnforcementCase(unit=units[i % len(units)], number=f"{i}/QĐ", search_number=fold(f"{i}/QĐ"),
                             officer=officers[i % len(officers)], intake_date=date(2025, 1, 1)) for i in range(CASES)]
    EnforcementCase.objects.bulk_create(cases, batch_size=2000)
    keys = [(case.unit.code, case.number) for case in cases]
    emails = [officer.email for officer in officers]
    print(f"backend {connection.vendor}; building the files…", flush=True)
    big = make_file(ROWS, keys, emails)
    small = make_file(SMALL, keys, emails)
    print(f"file: {ROWS:,} rows, {len(big) / 1e6:.1f} MB", flush=True)

    bare_seconds = timed(bare_read, big)
    import_seconds = timed(run_import, big, admin, "big.xlsx")
    assert CaseStep.objects.filter(source="import").count() == ROWS
    again_seconds = timed(run_import, big, admin, "big.xlsx")  # idempotent: every row unchanged
    assert CaseStep.objects.filter(source="import").count() == ROWS
    reset_steps()
    print(f"bare openpyxl read : {bare_seconds:6.1f} s  ({ROWS / bare_seconds:8,.0f} rows/s)")
    print(f"import (check+save): {import_seconds:6.1f} s  ({ROWS / import_seconds:8,.0f} rows/s)"
          f"  ratio {import_seconds / bare_seconds:.2f}× the bare read (goal ≤ 3×)")
    print(f"re-import, unchanged: {again_seconds:5.1f} s  ratio {again_seconds / bare_seconds:.2f}×")

    bare_small = traced(bare_read, small)
    bare_big = traced(bare_read, big)
    import_small = traced(run_import, small, admin, "small.xlsx")
    reset_steps()
    import_big = traced(run_import, big, admin, "big.xlsx")
    print(f"peak traced memory, bare read : {bare_small:6.1f} MB at {SMALL:,} rows, {bare_big:6.1f} MB at {ROWS:,}")
    print(f"peak traced memory, import    : {import_small:6.1f} MB at {SMALL:,} rows, {import_big:6.1f} MB at {ROWS:,}"
          f"  (growth ×{import_big / import_small:.2f} for ×{ROWS // SMALL} rows)")
    _ = timezone


main()
