"""The quarterly report in a real browser (issue 15): the focal officer opens the report of
Q1 2024 from Phụ lục 1, reads each section as the draft will print it, types the report's
date wrongly (refused, everything kept as typed), fixes it, adds a text under a section, and
downloads the draft, which carries both. Screenshots at 1366 and 390 px."""

from __future__ import annotations

import io

import pytest
from docx import Document
from playwright.sync_api import expect

from tests.browser.actions import log_in
from tests.browser.conftest import page_width, save_screenshot

pytestmark = pytest.mark.browser

FOCAL_EMAIL = "vanphong@vinhhoa.example"
PERIOD_LABEL = "Quý I năm 2024"
OWN_TEXT = "Bộ phận Một cửa thường xuyên rà soát, cập nhật niêm yết thủ tục hành chính."


def test_focal_officer_writes_the_quarterly_report(new_page, live_server):
    page = new_page(width=1366, height=900)
    log_in(page, FOCAL_EMAIL, live_server.passwords[FOCAL_EMAIL])
    page.locator("nav.navbar").get_by_role("link", name="Báo cáo", exact=True).click()
    page.locator("main").get_by_role("link", name=PERIOD_LABEL).click()
    page.get_by_test_id("open-report").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Báo cáo cải cách hành chính")
    procedures = page.get_by_test_id("preview-II.2")
    expect(procedures).to_contain_text("Quyết định số 50/QĐ-UBND ngày 19/02/2024")
    expect(page.get_by_test_id("preview-I.1")).to_contain_text("văn bản chỉ đạo")

    page.fill("#number", "422/BC-UBND")
    page.fill("#report_date", "31/02/2024")
    page.fill("#signer_name", "Triệu Thị Thu Hằng")
    page.fill("#text-II\\.2", OWN_TEXT)
    page.get_by_test_id("save-report").click()
    expect(page.get_by_test_id("error-report_date")).to_contain_text("không hợp lệ")
    expect(page.locator("#text-II\\.2")).to_have_value(OWN_TEXT)
    expect(page.locator("#signer_name")).to_have_value("Triệu Thị Thu Hằng")
    save_screenshot("report-journey-refused-1366.png", page, full_page=False)

    page.fill("#report_date", "13/03/2024")
    page.get_by_test_id("save-report").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã lưu báo cáo")
    expect(procedures).to_contain_text(OWN_TEXT)
    save_screenshot("report-journey-1366.png", page, full_page=False)

    response = page.request.get(page.get_by_test_id("download-report").get_attribute("href"))
    assert response.ok
    document = Document(io.BytesIO(response.body()))
    header = "\n".join(c.text for c in document.tables[0].rows[0].cells)
    assert "Số: 422/BC-UBND" in header and "ngày 13 tháng 3 năm 2024" in header
    assert OWN_TEXT in "\n".join(p.text for p in document.paragraphs)

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect(page.get_by_test_id("preview-II.2")).to_be_visible()
    width = page_width(page)
    assert width <= 390, f"the page scrolls sideways on a phone: {width} px"
    save_screenshot("report-journey-390.png", page, full_page=False)
