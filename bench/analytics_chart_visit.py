"""A chart page opened on a slow line in a real browser: bytes transferred and load time, first and
repeat visit, against a page of the same site without charts.

Run:  .venv/bin/python bench/analytics_chart_visit.py [--rounds 3] [--down-kbit 2000] [--latency-ms 100]

In a temporary folder (SQLite) it:
1. migrates and loads the demo (`demo_seed`: Kiên Giang, about 300 officers with their adoption scores);
2. collects the static files (`collectstatic`: WhiteNoise's storage writes the .gz copies) and starts
   daphne (DEBUG off) serving them from STATIC_ROOT, with `bench/settings_gzip.py`: the site's settings
   plus Django's GZipMiddleware, standing in for the reverse proxy's `gzip on` (deploy/nginx), so
   pages travel compressed as they do in production;
3. signs in through the real form as `lanhdao` (provincial leader) and hands the session cookie to
   Debian's chromium (Playwright), whose line is throttled through the DevTools protocol
   (`Network.emulateNetworkConditions`: --down-kbit down, half that up, --latency-ms each way);
4. for each page — "/analytics/score/" (how the score is computed: the base layout, no chart: the
   baseline), "/analytics/province/" and "/analytics/" (each with plotly and its figures) — opens a
   fresh browser context (empty cache) and visits it twice: the first visit (nothing cached) and a
   repeat visit (the browser's cache as the first visit left it: the static files carry hashed
   names and are served as cacheable for a year). Per visit: bytes received as the browser counts them (compressed bodies plus headers,
   `Network.loadingFinished` encodedDataLength), requests, time to the `load` event, and, on chart
   pages, time until every chart is drawn (a plotly SVG in each `.chart`).
Medians over --rounds fresh contexts, taken in alternating order; ratios against the baseline page of
the same round. It reports; it asserts nothing.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHROMIUM = os.environ.get("THADS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
PAGES = {"baseline (no chart)": "/analytics/score/", "province overview": "/analytics/province/",
         "adoption dashboard": "/analytics/"}


def _foundation():  # noqa: ANN202
    spec = importlib.util.spec_from_file_location("foundation_pages", ROOT / "bench" / "foundation_pages.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def visit(context, path: str, *, down_kbit: int, latency_ms: int) -> dict:  # noqa: ANN001
    """One page load in `context` on the throttled line: bytes, requests, load and chart times."""
    page = context.new_page()
    page.set_default_timeout(120_000)
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": latency_ms, "downloadThroughput": down_kbit * 1000 / 8,
        "uploadThroughput": down_kbit * 1000 / 16})
    received, requests, cached, revalidated = [0], [0], [0], [0]
    cdp.on("Network.loadingFinished", lambda event: received.__setitem__(0, received[0] + event["encodedDataLength"]))
    cdp.on("Network.requestWillBeSent", lambda _event: requests.__setitem__(0, requests[0] + 1))
    cdp.on("Network.requestServedFromCache", lambda _event: cached.__setitem__(0, cached[0] + 1))

    def on_response(event: dict) -> None:
        answer = event["response"]
        if answer.get("fromDiskCache") or answer.get("fromPrefetchCache"):
            cached[0] += 1
        elif answer.get("status") == 304:
            revalidated[0] += 1

    cdp.on("Network.responseReceived", on_response)
    started = time.perf_counter()
    response = page.goto(path, wait_until="load")
    loaded = time.perf_counter() - started
    if response is None or response.status != 200:
        raise SystemExit(f"{path} answered {response.status if response else 'nothing'}")
    charts = page.locator(".chart[data-chart]").count()
    drawn = None
    if charts:
        page.wait_for_function("() => [...document.querySelectorAll('.chart[data-chart]')]"
                               ".every(el => el.querySelector('svg.main-svg'))")
        drawn = time.perf_counter() - started
    page.wait_for_timeout(200)  # the last loadingFinished events
    page.close()
    return {"bytes": received[0], "requests": requests[0], "from_cache": cached[0], "revalidated": revalidated[0],
            "load": loaded,
            "drawn": drawn, "charts": charts}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--down-kbit", type=int, default=2000)
    parser.add_argument("--latency-ms", type=int, default=100)
    args = parser.parse_args()
    foundation = _foundation()
    workdir = Path(tempfile.mkdtemp(prefix="thads-bench-chart-visit-"))
    env = foundation.configure_environment(workdir, WHITENOISE_USE_FINDERS="0", EMAIL_URL="locmem:",
                                           DJANGO_SETTINGS_MODULE="bench.settings_gzip")
    import django

    django.setup()
    from django.core.management import call_command

    foundation.prepare_database(org_only=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    server = foundation.Server(env, workdir)
    try:
        server.wait()
        cookies = foundation.signed_in_cookies(server.base, "lanhdao")
        from playwright.sync_api import sync_playwright

        samples: dict[str, dict[str, list[dict]]] = {label: {"first": [], "repeat": []} for label in PAGES}
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            for round_index in range(args.rounds):
                order = list(PAGES.items())
                if round_index % 2:
                    order.reverse()
                for label, path in order:
                    context = browser.new_context(base_url=server.base, viewport={"width": 1366, "height": 768},
                                                  locale="vi-VN")
                    context.add_cookies([{"name": name, "value": value, "url": server.base}
                                         for name, value in cookies.items()])
                    for kind in ("first", "repeat"):
                        samples[label][kind].append(visit(context, path, down_kbit=args.down_kbit,
                                                          latency_ms=args.latency_ms))
                    context.close()
            browser.close()
    finally:
        server.stop()
    print(f"line: {args.down_kbit} kbit/s down, {args.down_kbit // 2} kbit/s up, {args.latency_ms} ms latency; "
          f"median of {args.rounds} fresh browser contexts")
    base = {kind: statistics.median(sample["load"] for sample in samples["baseline (no chart)"][kind])
            for kind in ("first", "repeat")}
    base_bytes = {kind: statistics.median(sample["bytes"] for sample in samples["baseline (no chart)"][kind])
                  for kind in ("first", "repeat")}
    for label, by_kind in samples.items():
        for kind, runs in by_kind.items():
            load = statistics.median(run["load"] for run in runs)
            received = statistics.median(run["bytes"] for run in runs)
            drawn = [run["drawn"] for run in runs if run["drawn"] is not None]
            drawn_text = f" · charts drawn {statistics.median(drawn) * 1000:7.0f} ms" if drawn else ""
            print(f"  {label:20} {kind:6} visit: {received / 1024:8.1f} KiB in {runs[0]['requests']:2} requests "
                  f"({runs[0]['from_cache']} from the cache, {runs[0]['revalidated']} revalidated) · "
                  f"load {load * 1000:7.0f} ms{drawn_text}"
                  f" → {load / base[kind]:5.2f}× the baseline's load, {received / max(base_bytes[kind], 1):5.1f}× its bytes")


if __name__ == "__main__":
    main()
