"""Hostile .xlsx files through the table reader: the guarded reader now, openpyxl's read-only pass before.

Each file is read in a fresh process limited to 4 GB of address space; the parent samples the
child's peak resident size (VmHWM) and stops it after CAP seconds (HOSTILE_BENCH_CAP, default 20).
"Now" is `core.formats.tabular.iter_raw_rows` with the default import limits (guard + python-calamine);
"before" is the reader imports used until now (openpyxl read-only, every row of the first sheet).
The baseline, measured in the same run, is a process that only imports the reader and reads a small
valid file: the ratios of peak memory are against it.

    .venv/bin/python bench/hostile_imports.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.tests import hostile_files  # noqa: E402

CAP = float(os.environ.get("HOSTILE_BENCH_CAP", "20"))
LIMIT = 4 << 30

NOW = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
sys.path.insert(0, {root!r})
import django
from django.conf import settings
settings.configure(LANGUAGE_CODE="vi", LOCALE_PATHS=[{root!r} + "/locale"])  # the messages' catalogue
django.setup()
from core.formats.limits import TableLimits
from core.formats.tabular import TableFileError, iter_raw_rows
try:
    with open(sys.argv[1], "rb") as handle:
        rows = sum(1 for _ in iter_raw_rows(handle, "tep.xlsx", limits=TableLimits()))
    print("read", rows, "rows")
except TableFileError as exc:
    print("refused:", exc.message[:70])
"""
BEFORE = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
from openpyxl import load_workbook
book = load_workbook(sys.argv[1], read_only=True, data_only=True)
sheet = book.worksheets[0]
sheet.reset_dimensions()
print("read", sum(1 for _ in sheet.iter_rows(values_only=True)), "rows")
"""


def peak_of(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def run(script: str, path: Path) -> tuple[float, float, str]:
    """(seconds, peak MB, outcome) of one child process reading `path`."""
    code = script.format(limit=LIMIT, root=str(ROOT))
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", code, str(path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak = 0.0
    while child.poll() is None:
        peak = max(peak, peak_of(child.pid))
        if time.perf_counter() - started > CAP:
            child.kill()
            child.wait()
            return time.perf_counter() - started, peak, f"still running after {CAP:.0f} s, stopped"
        time.sleep(0.02)
    seconds = time.perf_counter() - started
    out, err = child.communicate()
    if child.returncode:
        last = err.decode(errors="replace").strip().splitlines()[-1:] or [""]
        return seconds, peak, f"crashed (exit {child.returncode}): {last[0][:60]}"
    return seconds, peak, out.decode().strip()


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="thads-hostile-"))
    files = {
        "valid, 200 rows (baseline)": hostile_files.write(folder / "ok.xlsx", hostile_files.many_rows(200)),
        "far cell XFD1048576": hostile_files.write(folder / "far.xlsx", hostile_files.far_cell()),
        "2,000,000 near-empty rows": hostile_files.write(folder / "rows.xlsx",
                                                         hostile_files.many_rows(referenced=False)),
        "2 GB sheet in a small zip": hostile_files.write(folder / "huge.xlsx", hostile_files.huge_sheet()),
    }
    print(f"peak memory = the child's VmHWM sampled every 20 ms; each run capped at {CAP:.0f} s\n")
    print(f"{'file':30s} {'size':>9s} | {'now: s':>7s} {'MB':>6s}  outcome")
    base_now = None
    results = []
    for label, path in files.items():
        seconds, peak, outcome = run(NOW, path)
        base_now = base_now or peak
        results.append((label, path, seconds, peak))
        print(f"{label:30s} {path.stat().st_size / 1e6:7.2f}MB | {seconds:7.2f} {peak:6.1f}  {outcome}")
    print(f"\n{'file':30s} | {'before: s':>9s} {'MB':>7s}  outcome")
    base_before = None
    befores = {}
    for label, path in files.items():
        seconds, peak, outcome = run(BEFORE, path)
        base_before = base_before or peak
        befores[label] = (seconds, peak)
        print(f"{label:30s} | {seconds:9.2f} {peak:7.1f}  {outcome}")
    print("\nratios against the valid file read the same way in this run (peak memory):")
    for label, _, seconds, peak in results[1:]:
        before_seconds, before_peak = befores[label]
        print(f"  {label:30s} now ×{peak / base_now:.2f} ({seconds:.2f} s), "
              f"before ×{before_peak / base_before:.2f} ({before_seconds:.1f} s{'+' if before_seconds >= CAP else ''})")


main()
