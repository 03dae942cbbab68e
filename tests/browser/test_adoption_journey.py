"""A manager lands on the adoption dashboard, sees a laggard and drills down to the overdue steps."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import PASSWORD, build_world
from tests.browser.conftest import sign_in


@pytest.mark.browser
def test_manager_sees_a_laggard_and_drills_down_to_the_overdue_steps(transactional_db, page):
    from analytics.tests.factories import make_score, make_software, put_officer_counts, put_unit_counts
    from cases.tests.factories import ensure_reference_data, make_case

    ensure_reference_data()
    world = build_world()
    today = timezone.localdate()
    officer = world.officers["officer"]
    make_software("QLVB", "Quản lý văn bản", positions=[world.positions["enforcement_officer"]])
    put_officer_counts(world.officers["other_a1"], today, active__QLVB=1)
    put_unit_counts(world.units["A1"], today, active__QLVB=1, officers=1)
    make_score(officer, today, 18, "beginner")
    make_case(world, number="88/2026/QĐ-CCTHADS", intake=today - timedelta(days=30))

    sign_in(page, "manager", PASSWORD)
    assert page.url.endswith("/analytics/")                       # managers land on the dashboard
    laggard = page.locator(f"#laggard-table tr[data-officer='{officer.pk}']")
    assert "Nguyễn Văn Á" in laggard.inner_text()
    assert "QLVB" in laggard.inner_text()                         # expected software unused this week
    page.locator(".chart[data-chart='chart-stages'] .main-svg").first.wait_for()  # plotly.js drew the chart
    laggard.locator("td.num a.error").click()                     # the overdue-steps count
    page.wait_for_load_state("networkidle")
    assert f"/analytics/officers/{officer.pk}/" in page.url
    overdue = page.locator("#overdue-table")
    assert "88/2026/QĐ-CCTHADS" in overdue.inner_text()
    assert page.get_by_role("heading", name="Bước thi hành án quá hạn chưa nhập").is_visible()

    page.set_viewport_size({"width": 360, "height": 740})         # phone: tables, no sideways page scroll
    page.goto("/analytics/")
    assert page.locator("#stages").is_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360 + 1, width
