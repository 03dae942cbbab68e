"""DESIGN.md budget: a page other than a chart page weighs at most 100 KB compressed, assets included."""

from __future__ import annotations

import gzip
import re

import pytest
from django.contrib.staticfiles import finders

BUDGET = 100 * 1024
ASSET_RE = re.compile(r'(?:src|href)="/static/([^"?#]+)"')


def compressed_weight(html: str) -> tuple[int, list[str]]:
    total = len(gzip.compress(html.encode()))
    assets = sorted(set(ASSET_RE.findall(html)))
    for asset in assets:
        path = finders.find(asset)
        assert path, f"static file {asset} is referenced but missing"
        with open(path, "rb") as handle:
            total += len(gzip.compress(handle.read()))
    return total, assets


@pytest.mark.parametrize(("role", "url"), [
    ("officer", "/"),
    ("unit_manager", "/org/officers/"),
    ("admin", "/org/units/"),
])
def test_page_with_its_assets_stays_under_100_kb_compressed(client_for, role, url):
    response = client_for(role).get(url)
    assert response.status_code == 200
    weight, assets = compressed_weight(response.content.decode())
    assert assets, "the page should load the site's own CSS and JS"
    assert weight <= BUDGET, f"{url} weighs {weight} bytes compressed with {assets}"


def test_no_asset_comes_from_another_host(client_for):
    html = client_for("officer").get("/").content.decode()
    assert not re.search(r'(?:src|href)="(?:https?:)?//', html), "intranet site: no CDN or external asset"
