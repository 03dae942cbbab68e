"""Under the site's Content-Security-Policy the pages' scripts still run and nothing is refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import PASSWORD, build_world
from tests.browser.conftest import sign_in


@pytest.mark.browser
def test_no_page_breaks_the_content_security_policy(transactional_db, page):
    from analytics.tests.factories import make_score, make_software, put_unit_counts
    from cases.tests.factories import ensure_reference_data

    ensure_reference_data()
    world = build_world()
    today = timezone.localdate()
    make_software("QLVB", "Quản lý văn bản", positions=[world.positions["enforcement_officer"]])
    put_unit_counts(world.units["A1"], today - timedelta(days=1), active__QLVB=1, officers=1)
    make_score(world.officers["officer"], today, 18, "beginner")
    refused: list[str] = []
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.on("pageerror", lambda error: refused.append(str(error)))

    sign_in(page, "manager", PASSWORD)
    assert page.url.endswith("/analytics/")
    page.locator(".chart[data-chart='chart-stages'] .main-svg").first.wait_for()  # plotly.js ran
    page.locator("details.navgroup summary").first.click()                     # the menu script ran
    page.goto("/")
    page.goto("/org/officers/")
    page.wait_for_load_state("networkidle")
    assert not refused, refused
