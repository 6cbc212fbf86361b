"""The register of issued documents in a real browser (issue 15): the focal officer types one
document, imports two from a document-management system's .xlsx (a preview first), and sees
row 1.1 of Phụ lục 1 grow by the directing ones; on a phone and on a desktop screen.

The live server's database is shared by the journeys: row 1.1 is read before and after.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.actions import log_in
from tests.browser.conftest import page_width, save_screenshot
from tests.factories import gen_xlsx

pytestmark = pytest.mark.browser

FOCAL_EMAIL = "vanphong@vinhhoa.example"
PERIOD_LABEL = "Quý I năm 2024"


def row_1_1(page: Page) -> int:
    page.locator("nav.navbar").get_by_role("link", name="Báo cáo", exact=True).click()
    page.locator("main").get_by_role("link", name=PERIOD_LABEL).click()
    return int(page.get_by_test_id("value-1.1").inner_text().split()[0])


def open_register(page: Page) -> None:
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
    page.locator("nav.navbar").get_by_role("link", name="Sổ văn bản đi").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sổ văn bản đi")


def test_type_import_and_see_row_1_1(new_page, live_server, tmp_path):
    page = new_page(width=1366, height=900)
    log_in(page, FOCAL_EMAIL, live_server.passwords[FOCAL_EMAIL])
    before = row_1_1(page)

    # 1. One document typed, a bad date refused first with the form kept.
    open_register(page)
    page.get_by_role("link", name="Vào sổ văn bản").click()
    page.get_by_label("Số, ký hiệu").fill("61/QĐ-UBND")
    page.get_by_label("Ngày ban hành").fill("31/02/2024")
    page.get_by_label("Trích yếu").fill("Ban hành quy chế làm việc của Tổ CCHC")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("main")).to_contain_text("không hợp lệ")
    expect(page.get_by_label("Trích yếu")).to_have_value("Ban hành quy chế làm việc của Tổ CCHC")
    page.get_by_label("Ngày ban hành").fill("29/02/2024")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("main")).to_contain_text("Đã vào sổ văn bản 61/QĐ-UBND")

    # 2. A file of two: a plan (counted) and a report (not), previewed, then imported.
    path = tmp_path / "so-van-ban-di.xlsx"
    path.write_bytes(gen_xlsx([
        ["Số, ký hiệu", "Ngày ban hành", "Loại văn bản", "Trích yếu", "Người ký"],
        ["62/KH-UBND", "01/03/2024", "Kế hoạch", "Kế hoạch khảo sát sự hài lòng", "Lê Minh Tuấn"],
        ["63/BC-UBND", "02/03/2024", "Báo cáo", "Báo cáo tháng 2", "Lê Minh Tuấn"],
    ]))
    page.get_by_role("link", name="Sổ văn bản đi").first.click()
    page.get_by_role("link", name="Nhập từ tệp").click()
    page.locator("input[type=file]").set_input_files(str(path))
    page.get_by_role("button", name="Xem trước").click()
    expect(page.get_by_test_id("preview")).to_contain_text("62/KH-UBND")
    page.get_by_role("button", name="Nhập vào sổ").click()
    expect(page.locator("main")).to_contain_text("Đã nhập 2 văn bản vào sổ")
    save_screenshot("register.png", page, full_page=True)

    # 3. Row 1.1 counts the two directing documents, not the report.
    assert row_1_1(page) == before + 2
    expect(page.locator("main")).to_contain_text("62/KH-UBND")

    # 4. On a phone: the register through the collapsed menu.
    phone = new_page(width=390, height=844)
    log_in(phone, FOCAL_EMAIL, live_server.passwords[FOCAL_EMAIL])
    open_register(phone)
    phone.get_by_label("Từ ngày").fill("14/12/2023")
    phone.get_by_label("Đến ngày").fill("12/03/2024")
    phone.get_by_role("button", name="Lọc").click()
    expect(phone.get_by_test_id("register")).to_contain_text("63/BC-UBND")
    counted = phone.get_by_test_id("directing-count").inner_text()
    assert re.search(r"\d+ văn bản chỉ đạo CCHC", counted), counted
    width = page_width(phone)
    assert width <= 390, width  # no sideways scrolling of the page itself
    save_screenshot("register-phone.png", phone, full_page=True)
