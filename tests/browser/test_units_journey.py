"""The administrator keeps the units and names a unit administrator, who sets the unit's
settings and reads who logged in; at a phone's width and a desk's, with bad input first.

Screenshots: tests/artifacts/screenshots/units-*-<width>.png, for a person to look at.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.actions import log_in_at
from tests.browser.conftest import page_width, save_screenshot

pytestmark = pytest.mark.browser

ADMIN = "admin@nhatrang.example"  # the demo's administrator sits in Nha Trang city
FOCAL = ("vanphong@vinhhoa.example", "Kiều Thị Mỹ Duyên")
WIDTHS = [390, 1366]


def _no_sideways_scroll(page) -> None:
    overflow = page_width(page) - page.evaluate("window.innerWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"


@pytest.mark.parametrize("width", WIDTHS)
def test_units_journey(new_page, live_server, width):
    password = live_server.passwords[ADMIN]
    page = new_page(width=width, height=900)
    log_in_at(page, ADMIN, password, "/units")
    tree = page.get_by_test_id("unit-tree")
    expect(tree).to_contain_text("Thành phố Nha Trang")
    expect(tree).to_contain_text("Phường Vĩnh Hòa")
    _no_sideways_scroll(page)
    save_screenshot(f"units-tree-{width}.png", page, full_page=True)

    # bad input: a code taken, no name; the form comes back as typed, with the reasons
    code = f"vinh-hai-{width}"
    page.get_by_role("link", name="Thêm đơn vị", exact=True).click()
    page.locator("input[name=code]").fill("vinh-hoa")
    page.locator("input[name=short_name]").fill("Vĩnh Hải")
    page.locator("select[name=parent]").select_option("nha-trang")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("main")).to_contain_text("Mã “vinh-hoa” đã có đơn vị khác dùng.")
    expect(page.locator("main")).to_contain_text("Nhập tên đơn vị như ghi trên văn bản")
    expect(page.locator("input[name=short_name]")).to_have_value("Vĩnh Hải")
    _no_sideways_scroll(page)
    save_screenshot(f"units-new-refused-{width}.png", page, full_page=True)
    page.locator("input[name=code]").fill(code)
    page.locator("input[name=name]").fill("Phường Vĩnh Hải")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã tạo đơn vị Phường Vĩnh Hải.")

    # a unit cannot go under itself or below it
    page.goto("/units/nha-trang/edit")
    options = page.locator("select[name=parent] option").all_inner_texts()
    assert not any("Vĩnh Hòa" in option for option in options)  # not offered
    save_screenshot(f"units-edit-{width}.png", page, full_page=True)

    # close the new ward, then reopen it
    page.goto("/units")
    row = page.locator(f"li[data-unit='{code}']")
    row.get_by_role("button", name="Đóng").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã đóng đơn vị Phường Vĩnh Hải.")
    expect(page.locator(f"li[data-unit='{code}']")).to_contain_text("Đã đóng")
    save_screenshot(f"units-closed-{width}.png", page, full_page=True)
    page.locator(f"li[data-unit='{code}']").get_by_role("button", name="Mở lại").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã mở lại đơn vị Phường Vĩnh Hải.")

    # name the focal officer of Vĩnh Hòa a unit administrator (the demo has them as one)
    page.goto("/units/vinh-hoa/admins")
    item = page.locator("li", has_text=FOCAL[1])
    expect(item).to_contain_text("Quản trị đơn vị")
    _no_sideways_scroll(page)
    save_screenshot(f"units-admins-{width}.png", page, full_page=True)

    # the unit administrator: settings (bad input first), then the login history
    focal = new_page(width=width, height=900)
    log_in_at(focal, FOCAL[0], live_server.passwords[FOCAL[0]], "/units/vinh-hoa/settings")
    focal.locator("input[name=name]").fill("   ")
    focal.locator("select[name=late_extensions]").select_option("count")
    focal.get_by_role("button", name="Lưu cài đặt").click()
    expect(focal.locator("main")).to_contain_text("Nhập tên đơn vị như ghi trên văn bản")
    expect(focal.locator("select[name=late_extensions]")).to_have_value("count")
    _no_sideways_scroll(focal)
    save_screenshot(f"units-settings-refused-{width}.png", focal, full_page=True)
    focal.locator("input[name=name]").fill("Phường Vĩnh Hòa")
    focal.locator("select[name=late_extensions]").select_option("inherit")
    focal.get_by_role("button", name="Lưu cài đặt").click()
    expect(focal.locator(".alert-success")).to_contain_text("Đã lưu cài đặt của đơn vị.")
    focal.goto("/units/vinh-hoa/logins")
    expect(focal.locator("main table")).to_contain_text(FOCAL[1])
    expect(focal.locator("main table")).to_contain_text(re.compile(r"\d\d/\d\d/\d{4} \d\d:\d\d"))
    _no_sideways_scroll(focal)
    save_screenshot(f"units-logins-{width}.png", focal, full_page=True)
