"""Import of 100,000 case-step rows from .xlsx against bare reads of the same file: openpyxl's
read-only pass (what imports used before) and python-calamine's (what they use now, behind the guard).

Times (untraced) the bare openpyxl read, the bare calamine read, the guard alone (zip directory and
one streaming pass over the sheet XML) and the bare inflating of the sheet XML the guard cannot avoid
(zipfile reading the sheet member in 1 MB chunks, CRC-32 left off as the guard leaves it, nothing
else); these three CASES_BENCH_REPEAT times, alternating, medians kept. Then the bare openpyxl read
and the import (preview: guard + calamine read + checks, rows staged; apply: streams the staged rows)
alternate CASES_BENCH_IMPORT_ROUNDS times (default 2; medians kept, each round's ratio printed), and
the re-import of the same file (every row unchanged), and prints rows per second and the ratios (goal: import ≤ 1× the
bare openpyxl read). With CASES_BENCH_READS_ONLY=1 only the calamine, guard and inflating passes run
(no openpyxl read, no import, no memory part). Peak memory is measured separately on smaller files
(CASES_BENCH_MEM_ROWS, default 5,000 and 4× that): with tracemalloc (Python objects; it slows Python
code several times, and does not see calamine's own Rust-side grid) for the bare calamine read and
the import, and as the peak resident size of a child process doing only the bare calamine read. Runs on a temporary SQLite file, and on PostgreSQL too
when DATABASE_URL is set.
"""

from __future__ import annotations

import gc
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cases_common import TODAY, import_world, make_file, run_per_backend, setup_django  # noqa: E402

run_per_backend(__file__)
setup_django()

from django.db import connection  # noqa: E402
from openpyxl import load_workbook  # noqa: E402

from cases import services  # noqa: E402
from cases.models import CaseStep  # noqa: E402
from core.models import User  # noqa: E402

ROWS = int(os.environ.get("CASES_BENCH_ROWS", "100000"))
MEM_SMALL = int(os.environ.get("CASES_BENCH_MEM_ROWS", "5000"))
MEM_BIG = MEM_SMALL * 4
REPEAT = int(os.environ.get("CASES_BENCH_REPEAT", "3"))
IMPORT_ROUNDS = int(os.environ.get("CASES_BENCH_IMPORT_ROUNDS", "2"))
READS_ONLY = os.environ.get("CASES_BENCH_READS_ONLY", "") == "1"


def bare_read(path: Path) -> int:
    workbook = load_workbook(path, read_only=True, data_only=True)
    count = sum(1 for _ in workbook.worksheets[0].iter_rows(values_only=True))
    workbook.close()
    return count


def bare_calamine_read(path: Path) -> int:
    from python_calamine import CalamineWorkbook

    with path.open("rb") as handle:
        return sum(1 for _ in CalamineWorkbook.from_filelike(handle).get_sheet_by_index(0).iter_rows())


def guard_only(path: Path) -> None:
    from core.formats.limits import table_limits
    from core.formats.xlsx_guard import xlsx_inspect

    with path.open("rb") as handle:
        xlsx_inspect(handle, limits=table_limits("case_steps"))


def sheet_part(path: Path) -> str:
    from core.formats.limits import table_limits
    from core.formats.xlsx_guard import xlsx_inspect

    with path.open("rb") as handle:
        return xlsx_inspect(handle, limits=table_limits("case_steps")).part


def decompress_only(path: Path, part: str) -> int:
    """The sheet XML inflated in 1 MB chunks and thrown away: the floor of the guard's pass."""
    import zipfile

    size = 0
    with path.open("rb") as handle, zipfile.ZipFile(handle) as archive, archive.open(part) as member:
        member._expected_crc = None  # as the guard does: the CRC is left to the reader
        while block := member.read(1 << 20):
            size += len(block)
    return size


CHILD_PEAK = """
import sys
from python_calamine import CalamineWorkbook
with open(sys.argv[1], "rb") as handle:
    sum(1 for _ in CalamineWorkbook.from_filelike(handle).get_sheet_by_index(0).iter_rows())
for line in open("/proc/self/status"):
    if line.startswith("VmHWM:"):
        print(int(line.split()[1]) / 1024)
"""


def calamine_peak_rss(path: Path) -> float:
    """Peak resident MB of a fresh process doing only the bare calamine read (Rust allocations included)."""
    import subprocess

    done = subprocess.run([sys.executable, "-c", CHILD_PEAK, str(path)], capture_output=True, check=True)
    return float(done.stdout)


def run_import(path: Path, user: User, name: str) -> None:
    with path.open("rb") as handle:  # as the upload view does: streamed from the uploaded temporary file
        batch = services.step_import_preview(by=user, file_name=name, file=handle, today=TODAY)
    assert not batch.error_count, batch.errors[:3]
    services.step_import_apply(batch=batch, by=user, today=TODAY)


def reset_steps() -> None:
    """Take the imported steps out again, leaving the tables as the first round found them: on
    PostgreSQL the deleted rows stay in the tables and their indexes until a vacuum, and every later
    round's inserts and look-ups would wade through them (rounds got 10–30 % slower each)."""
    from cases.models import CaseDeadline, ImportBatch

    CaseDeadline.objects.all().delete()
    CaseStep.objects.filter(source="import").delete()
    ImportBatch.objects.all().delete()
    if connection.vendor == "postgresql":
        tables = ", ".join(model._meta.db_table for model in (CaseDeadline, CaseStep, ImportBatch))
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {tables}")


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
    root, admin, officers, cases = import_world()
    keys = [(case.unit.code, case.number) for case in cases]
    emails = [officer.email for officer in officers]
    print(f"backend {connection.vendor}; building the files…", flush=True)
    big = make_file(ROWS, keys, emails)
    print(f"file: {ROWS:,} rows, {big.stat().st_size / 1e6:.1f} MB", flush=True)

    part = sheet_part(big)
    # The quick passes are repeated, alternating, and their medians kept (a loaded machine moves one run a lot).
    quick: dict[str, list[float]] = {"calamine": [], "guard": [], "inflate": []}
    for _ in range(REPEAT):
        quick["calamine"].append(timed(bare_calamine_read, big))
        quick["guard"].append(timed(guard_only, big))
        quick["inflate"].append(timed(decompress_only, big, part))
    calamine_seconds, guard_seconds = statistics.median(quick["calamine"]), statistics.median(quick["guard"])
    inflate_seconds = statistics.median(quick["inflate"])
    rounds = list(zip(quick["guard"], quick["calamine"], quick["inflate"], strict=True))
    print(f"bare calamine read  : {calamine_seconds:6.2f} s  ({ROWS / calamine_seconds:8,.0f} rows/s)")
    print(f"guard alone         : {guard_seconds:6.2f} s  ratio {guard_seconds / calamine_seconds:.2f}× the calamine read"
          f" (medians of {REPEAT}; the ratio per round: " + ", ".join(f"{g / c:.2f}" for g, c, _ in rounds) + ")")
    print(f"inflating the XML   : {inflate_seconds:6.2f} s  ratio {inflate_seconds / calamine_seconds:.2f}× the calamine"
          f" read; the guard is {guard_seconds / inflate_seconds:.2f}× it (per round: "
          + ", ".join(f"{d / c:.2f}× calamine, guard {g / d:.2f}×" for g, c, d in rounds) + ")", flush=True)
    if READS_ONLY:
        return
    # The openpyxl read and the import alternate, IMPORT_ROUNDS times (each import into a table without
    # the file's steps): each round's ratio compares two runs minutes apart at most, and medians are kept.
    pairs = []
    for number in range(IMPORT_ROUNDS):
        if number:
            reset_steps()
        bare = timed(bare_read, big)
        pairs.append((bare, timed(run_import, big, admin, "big.xlsx")))
        assert CaseStep.objects.filter(source="import").count() == ROWS
    bare_seconds = statistics.median(bare for bare, _ in pairs)
    import_seconds = statistics.median(spent for _, spent in pairs)
    again_seconds = timed(run_import, big, admin, "big.xlsx")  # idempotent: every row unchanged
    assert CaseStep.objects.filter(source="import").count() == ROWS
    reset_steps()
    print(f"bare openpyxl read  : {bare_seconds:6.1f} s  ({ROWS / bare_seconds:8,.0f} rows/s)")
    print(f"bare calamine read  : {calamine_seconds:6.1f} s  ratio {calamine_seconds / bare_seconds:.3f}× the openpyxl"
          f" read ({bare_seconds / calamine_seconds:.1f}× faster)")
    print(f"import (check+save) : {import_seconds:6.1f} s  ({ROWS / import_seconds:8,.0f} rows/s)"
          f"  ratio {import_seconds / bare_seconds:.2f}× the bare openpyxl read (goal ≤ 1×),"
          f" {import_seconds / calamine_seconds:.1f}× the calamine read (medians of {IMPORT_ROUNDS} alternated rounds;"
          " per round: " + ", ".join(f"{spent / bare:.2f}×" for bare, spent in pairs) + ")")
    print(f"re-import, unchanged: {again_seconds:6.1f} s  ({ROWS / again_seconds:8,.0f} rows/s)"
          f"  ratio {again_seconds / bare_seconds:.2f}× the bare openpyxl read", flush=True)

    small, large = make_file(MEM_SMALL, keys, emails), make_file(MEM_BIG, keys, emails)
    bare_small = traced(bare_calamine_read, small)
    bare_big = traced(bare_calamine_read, large)
    import_small = traced(run_import, small, admin, "small.xlsx")
    reset_steps()
    import_big = traced(run_import, large, admin, "big.xlsx")
    reset_steps()
    rss_small, rss_big = calamine_peak_rss(small), calamine_peak_rss(large)
    print(f"peak memory ({MEM_SMALL:,} and {MEM_BIG:,} rows):")
    print(f"  bare calamine read, traced : {bare_small:6.1f} MB, {bare_big:6.1f} MB  (×{bare_big / bare_small:.2f})")
    print(f"  bare calamine read, RSS    : {rss_small:6.1f} MB, {rss_big:6.1f} MB  (whole process, grid included)")
    print(f"  import, traced             : {import_small:6.1f} MB, {import_big:6.1f} MB  (×{import_big / import_small:.2f} for ×4 rows)")
    print(f"  import above the bare read : {import_small - bare_small:6.1f} MB, {import_big - bare_big:6.1f} MB"
          f"  (×{(import_big - bare_big) / (import_small - bare_small):.2f})")

main()
