"""First journeys in a real browser: a new officer's first sign-in, and a manager's view of their units."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.browser.conftest import sign_in

PASSWORD = "Test-password-123"
NEW_PASSWORD = "Thi-hanh-an-2026"
PHONE = {"width": 360, "height": 740}
OVERFLOW_TOLERANCE = 2  # px: sub-pixel rounding only

pytestmark = pytest.mark.browser


def assert_fits_phone_width(page, shots: Path, name: str) -> None:  # noqa: ANN001
    """At 360 px nothing may push the page sideways; the screenshot is kept for people to look at."""
    page.set_viewport_size(PHONE)
    page.wait_for_timeout(100)
    page.screenshot(path=str(shots / f"{name}-360.png"), full_page=True)
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= PHONE["width"] + OVERFLOW_TOLERANCE, f"{name}: page is {scroll_width}px wide at 360px"
    page.set_viewport_size({"width": 1366, "height": 768})


@pytest.fixture
def shots(tmp_path_factory) -> Path:  # noqa: ANN001
    return tmp_path_factory.mktemp("screens")


def test_new_officer_changes_first_password_and_sees_vietnamese_home(page, world, shots):  # noqa: ANN001
    from org import services

    officer = services.officer_create(
        full_name="Lê Văn Mới", email="canbomoi@moj.gov.vn", unit=world.units["A"],
        position=world.positions["enforcement_officer"], username="canbomoi", password=PASSWORD,
    )
    assert officer.user.must_change_password

    page.goto("/")
    assert "/accounts/login/" in page.url
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.get_by_role("heading", name="Đăng nhập").is_visible()
    assert page.get_by_role("link", name="Quên mật khẩu?").is_visible()
    assert_fits_phone_width(page, shots, "login")

    sign_in(page, "canbomoi", PASSWORD)
    assert page.url.endswith("/accounts/password/change/")
    assert page.get_by_role("heading", name="Đổi mật khẩu").is_visible()
    assert page.get_by_text("Vui lòng đặt mật khẩu của riêng bạn trước khi tiếp tục.").is_visible()

    # Any other page still leads back to the password change.
    page.goto("/org/officers/")
    assert page.url.endswith("/accounts/password/change/")

    page.get_by_label("Mật khẩu hiện tại").fill(PASSWORD)
    page.get_by_label(re.compile(r"^Mật khẩu mới:?$")).fill(NEW_PASSWORD)
    page.get_by_label("Mật khẩu mới (nhập lại)").fill(NEW_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("networkidle")

    assert urlparse(page.url).path == "/"
    assert page.get_by_role("heading", name="Công việc của tôi", level=1).is_visible()
    assert page.get_by_text("Đổi mật khẩu thành công.").is_visible()
    assert page.locator("p.hint").inner_text().strip() != ""
    officer.user.refresh_from_db()
    assert officer.user.must_change_password is False
    assert_fits_phone_width(page, shots, "home")

    # The English switch, and back.
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", name="My work", level=1).is_visible()
    page.get_by_role("button", name="Tiếng Việt").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", name="Công việc của tôi", level=1).is_visible()


def test_manager_lands_on_own_units_officers_only(page, world, shots):  # noqa: ANN001
    sign_in(page, "manager", PASSWORD)
    assert page.url.endswith("/analytics/")  # managers land on the adoption dashboard
    page.goto("/org/officers/")
    assert page.get_by_role("heading", name="Cán bộ các đơn vị của tôi").is_visible()
    table = page.locator("#officer-table")
    for name in ("Nguyễn Văn Á", "Phạm Quản Lý", "Trần Thị OTHER_A1"):  # units A and A1
        assert table.get_by_role("link", name=name).is_visible(), name
    for name in ("Trần Thị OTHER_B", "Huỳnh Lãnh Đạo", "Lê Thị Giảng"):  # branch B and the province
        assert table.get_by_role("link", name=name).count() == 0, name
    assert_fits_phone_width(page, shots, "officer-list")


def test_provincial_leader_sees_every_unit(page, world):  # noqa: ANN001
    sign_in(page, "leader", PASSWORD)
    assert page.url.endswith("/analytics/")  # leaders land on the adoption dashboard
    page.goto("/org/officers/")
    table = page.locator("#officer-table")
    for name in ("Nguyễn Văn Á", "Trần Thị OTHER_A1", "Trần Thị OTHER_B", "Huỳnh Lãnh Đạo"):
        assert table.get_by_role("link", name=name).is_visible(), name
