"""An officer records an overdue step from the home page; the manager's timeliness figure changes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import PASSWORD, build_world
from tests.browser.conftest import sign_in


@pytest.mark.browser
def test_officer_records_an_overdue_step_and_the_manager_sees_it(transactional_db, page, browser, live_server):
    from cases.models import CaseStep
    from cases.tests.factories import ensure_reference_data, make_case

    ensure_reference_data()
    world = build_world()
    officer = world.officers["officer"]
    case = make_case(world, number="45/2026/QĐ-CCTHADS", intake=timezone.localdate() - timedelta(days=30))
    deadline = case.deadlines.get(is_open=True)

    manager_context = browser.new_context(base_url=live_server.url, viewport={"width": 1366, "height": 768},
                                          locale="vi-VN")
    manager = manager_context.new_page()
    sign_in(manager, "manager", PASSWORD)
    manager.goto("/cases/timeliness/?period=year")
    cell = manager.locator(f"tr[data-officer='{officer.pk}'] td.steps")
    before = int(cell.inner_text())

    sign_in(page, "officer", PASSWORD)
    page.goto("/")
    row = page.locator(f"#due-{deadline.pk}")
    assert "45/2026/QĐ-CCTHADS" in row.inner_text()
    row.locator("[data-record]").click()                                     # click 1: "Ghi nhận"
    form = row.locator("form.step-form")
    form.wait_for()
    assert form.locator("select[name=step_type]").input_value() == str(deadline.expected_id)
    # The step is overdue: the form asks for the day it happened instead of assuming today.
    assert form.locator("input[name=legal_date]").input_value() == ""
    form.locator("input[name=legal_date]").fill(timezone.localdate().isoformat())
    form.locator("button[type=submit]").click()                              # click 2: save
    row.locator("p.ok").wait_for()
    assert CaseStep.objects.filter(case=case, step_type=deadline.expected, recorded_by=officer).exists()

    manager.reload()
    after = int(manager.locator(f"tr[data-officer='{officer.pk}'] td.steps").inner_text())
    assert after == before + 1
    manager_context.close()


@pytest.mark.browser
def test_case_found_by_a_party_name_without_accents(transactional_db, page):
    from cases.tests.factories import ensure_reference_data, make_case

    ensure_reference_data()
    world = build_world()
    make_case(world, number="46/2026/QĐ-CCTHADS")
    sign_in(page, "officer", PASSWORD)
    page.goto("/")
    page.fill("#panel-q", "nguyen van a")
    page.locator("#panel-q").press("Enter")
    page.get_by_role("link", name="46/2026/QĐ-CCTHADS").click()
    assert "12 Trần Phú" in page.content()
