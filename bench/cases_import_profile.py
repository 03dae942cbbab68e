"""Where the case-step import spends its time: cProfile of the preview and of the apply of
CASES_BENCH_ROWS rows (20,000 by default), built as bench/cases_import.py builds its file.

Prints the top functions by own time and by cumulative time for each phase, and the statements the
phase sent grouped by their first words (count, total seconds). Runs on a temporary
SQLite file, and on PostgreSQL too when DATABASE_URL is set.
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cases_common import TODAY, import_world, make_file, run_per_backend, setup_django  # noqa: E402

run_per_backend(__file__)
setup_django()

from django.db import connection  # noqa: E402

from cases import services  # noqa: E402

ROWS = int(os.environ.get("CASES_BENCH_ROWS", "20000"))
TOP = int(os.environ.get("CASES_BENCH_TOP", "25"))
SQL_WIDTH = 150


def profiled(label: str, fn):  # noqa: ANN001, ANN201
    statements: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])

    def timing(execute, sql, params, many, context):  # noqa: ANN001, ANN202
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            entry = statements[" ".join(sql.split())[:SQL_WIDTH]]
            entry[0] += 1
            entry[1] += time.perf_counter() - started

    profile = cProfile.Profile()
    started = time.perf_counter()
    with connection.execute_wrapper(timing):
        result = profile.runcall(fn)
    elapsed = time.perf_counter() - started
    print(f"\n--- {label}: statements by total time (count, seconds) ---")
    for sql, (count, seconds) in sorted(statements.items(), key=lambda item: -item[1][1])[:10]:
        print(f"{count:5d} {seconds:7.3f}  {sql}")
    for order in ("tottime", "cumulative"):
        out = io.StringIO()
        pstats.Stats(profile, stream=out).strip_dirs().sort_stats(order).print_stats(TOP)
        text = out.getvalue()
        print(f"\n--- {label}: {elapsed:.2f} s under the profiler, by {order} ---")
        print(text[text.find("   ncalls"):], flush=True)
    return result


def main() -> None:
    _root, admin, officers, cases = import_world()
    path = make_file(ROWS, [(case.unit.code, case.number) for case in cases], [o.email for o in officers])
    print(f"backend {connection.vendor}; {ROWS:,} rows, {path.stat().st_size / 1e6:.1f} MB", flush=True)

    def preview():  # noqa: ANN202
        with path.open("rb") as handle:
            return services.step_import_preview(by=admin, file_name="steps.xlsx", file=handle, today=TODAY)

    batch = profiled("preview", preview)
    assert not batch.error_count, batch.errors[:3]
    profiled("apply", lambda: services.step_import_apply(batch=batch, by=admin, today=TODAY))


main()
