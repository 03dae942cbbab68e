"""A trainer finds a colleague of another unit by typing a name without accents (htmx, no inline script)
and adds them as co-trainer; the colleague then finds the course in "Courses I teach"."""

from __future__ import annotations

import re

import pytest

from conftest import PASSWORD, build_world
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_author_adds_a_co_trainer_of_another_unit(page, live_server):  # noqa: ANN001
    from core.roles import Role
    from learning.tests.factories import make_course
    from org import services as org_services

    world = build_world()
    course = make_course(code="CT", title="Khóa dạy chung", created_by=world.user("trainer"))
    colleague = org_services.officer_create(
        full_name="Đỗ Văn Khác", email="trainer_b@moj.gov.vn", unit=world.units["B"],
        position=world.positions["clerk"], username="trainer_b", password=PASSWORD,
        roles={Role.OFFICER, Role.TRAINER})
    type(colleague.user).objects.filter(pk=colleague.user_id).update(must_change_password=False)

    sign_in(page, "trainer", PASSWORD)
    page.goto(f"/learning/manage/{course.pk}/")
    page.get_by_role("link", name=re.compile("Chọn giảng viên cùng dạy")).click()
    row = page.locator("#candidates tr", has_text="Đỗ Văn Khác")
    page.fill("#id_q", "nguyen")  # htmx swaps the results in as one types
    page.get_by_text("Không có giảng viên nào phù hợp.").wait_for()
    assert row.count() == 0
    page.fill("#id_q", "do van kh")  # typed without accents
    row.wait_for()
    assert page.url.endswith("/co-trainers/")  # the list changed without leaving the page
    row.get_by_role("button", name="Thêm").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("Đỗ Văn Khác đã được thêm làm giảng viên cùng dạy").first.is_visible()
    assert course.co_trainers.filter(pk=colleague.user_id).exists()

    page.context.clear_cookies()
    sign_in(page, "trainer_b", PASSWORD)
    page.goto("/")
    panel = page.locator('section[aria-labelledby="panel-learning-trainer"]')
    assert panel.get_by_role("link", name="Khóa dạy chung").is_visible()
