"""Chart pages: ≤ 500 KB compressed on a first visit (plotly.js included), ≤ 60 KB on a repeat visit
(hashed assets come from the browser cache: only the page itself travels). Other pages: 100 KB."""

from __future__ import annotations

import gzip

import pytest
from django.urls import reverse

from tests.test_page_budget import BUDGET, compressed_weight

CHART_FIRST = 500 * 1024
CHART_REPEAT = 60 * 1024


@pytest.mark.parametrize(("role", "url_name"), [
    ("unit_manager", "analytics:dashboard"),
    ("provincial_leader", "analytics:province"),
    ("officer", "analytics:scorecard"),
])
def test_chart_pages_stay_within_their_budget(client_for, role, url_name):
    html = client_for(role).get(reverse(url_name)).content.decode()
    first, assets = compressed_weight(html)
    assert any("plotly" in asset for asset in assets)
    assert first <= CHART_FIRST, f"{url_name}: {first} bytes on a first visit with {assets}"
    repeat = len(gzip.compress(html.encode()))
    assert repeat <= CHART_REPEAT, f"{url_name}: {repeat} bytes on a repeat visit"


@pytest.mark.parametrize(("role", "url"), [
    ("unit_manager", lambda w: reverse("analytics:officer-detail", args=[w.officers["officer"].pk])),
    ("unit_manager", lambda w: reverse("analytics:report-list")),
    ("officer", lambda w: reverse("core:home")),
])
def test_pages_without_charts_load_no_plotting_library(world, client_for, role, url):
    html = client_for(role).get(url(world)).content.decode()
    weight, assets = compressed_weight(html)
    assert not any("plotly" in asset for asset in assets)
    assert weight <= BUDGET, f"{weight} bytes with {assets}"
