"""Phụ lục 1 in a real browser (issue 6): the focal officer opens Q1 2024, sees rows 1.2 to
1.6 filled from the tasks, types the dossier figures, is stopped by an inconsistent one, fixes
it, submits, and downloads the Excel and Word files, which LibreOffice opens.

The live server's database is shared by the browser tests (another journey adds a task to the
annual plan), so the computed rows are compared with the table the server computes, not with
absolute figures (tests/appendix/test_table.py checks those on the demo ward alone).
"""

from __future__ import annotations

import io
import re

import pytest
from docx import Document
from openpyxl import load_workbook
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tests.browser.actions import log_in, log_in_at, tick_all
from tests.browser.conftest import save_screenshot
from tracker.appendix.models import ReportingPeriod
from tracker.appendix.service import period_table
from tracker.appendix.table import display_value
from tracker.core.office import convert_to_pdf, libreoffice
from tracker.extensions import db

pytestmark = pytest.mark.browser

FOCAL_EMAIL = "vanphong@vinhhoa.example"
PERIOD_LABEL = "Quý I năm 2024"
COMPUTED = ("1.2", "1.2.a", "1.2.b", "1.3", "1.3.a", "1.3.b", "1.4", "1.4.a", "1.4.b",
            "1.5.2", "1.6.a", "1.6.b", "1.6.c", "1.6.d")
DOSSIERS = {"3.2.1.a": "186", "3.2.1.b": "181", "3.2.1.c": "181", "7.6.3.a": "146",
            "7.6.3.b": "91", "7.6.4.d": "32", "7.6.4.e": "216.000"}




def server_table(live_server):
    with live_server.app.app_context():
        period = db.session.scalar(
            select(ReportingPeriod).where(ReportingPeriod.label == PERIOD_LABEL)
        )
        table = period_table(db.session, period)
        db.session.remove()
        return table


def attachment_name(page: Page, url: str) -> str:
    """The file name the server gives, read with the page's own cookies: Playwright reported
    these downloads' suggested name as "download" (not understood yet; the header is right)."""
    response = page.request.get(url)
    assert response.ok
    match = re.search(r'filename="([^"]+)"', response.headers["content-disposition"])
    assert match, response.headers["content-disposition"]
    return match.group(1)


def figure(page: Page, key: str):
    return page.get_by_test_id(f"value-{key}")


def test_focal_officer_fills_checks_submits_and_downloads(new_page, live_server):
    if libreoffice() is None:
        pytest.fail("LibreOffice is missing: `make test` installs it")
    page = new_page(width=1280, height=900)
    log_in(page, FOCAL_EMAIL, live_server.passwords[FOCAL_EMAIL])

    # 1. Báo cáo → Quý I năm 2024.
    page.locator("nav.navbar").get_by_role("link", name="Báo cáo", exact=True).click()
    page.locator("main").get_by_role("link", name=PERIOD_LABEL).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(PERIOD_LABEL)
    expect(page.locator("main")).to_contain_text("từ ngày 14/12/2023 đến ngày 12/03/2024")

    # 2. Rows 1.2 to 1.6 are filled from the tasks, as the server computes them; none is typed.
    table = server_table(live_server)
    for key in COMPUTED:
        expect(figure(page, key)).to_contain_text(display_value(table[key]))
        expect(figure(page, key).locator("input")).to_have_count(0)
    expect(figure(page, "1.2")).to_contain_text(
        f"{int(table['1.2'].numerator)}/{int(table['1.2'].denominator)}"
    )
    # 1.5.2's parts are typed, and nobody typed them yet: "Chưa nhập", never "Không phát sinh".
    expect(figure(page, "1.5.2").locator(".computed")).to_have_text("Chưa nhập")
    expect(figure(page, "1.6.a").locator(".computed")).to_have_text("1")
    expect(page.get_by_test_id("link-1.2.b")).to_have_attribute(
        "href", re.compile(r"as_of=2024-03-12.*status=done|status=done.*as_of=2024-03-12")
    )

    # 3. The dossier figures, one inconsistent: more resolved than received.
    for key, value in {**DOSSIERS, "3.2.1.b": "190"}.items():
        page.locator(f'input[name="v-{key}"]').fill(value)
    page.get_by_test_id("save").click()
    errors = page.get_by_test_id("errors")
    expect(errors).to_contain_text("Số liệu chưa được lưu")
    expect(errors).to_contain_text("vượt quá")
    expect(page.locator('input[name="v-3.2.1.b"]')).to_have_class(re.compile("is-invalid"))
    expect(page.locator('input[name="v-3.2.1.b"]')).to_have_value("190")  # kept as typed
    expect(page.locator('input[name="v-7.6.4.e"]')).to_have_value("216.000")

    # 4. Fixed, saved: the rates follow their parts.
    page.locator('input[name="v-3.2.1.b"]').fill("181")
    page.get_by_test_id("save").click()
    expect(page.get_by_role("alert").filter(has_text="Đã lưu số liệu.")).to_be_visible()
    expect(figure(page, "3.2.1")).to_contain_text("100,0%")
    expect(figure(page, "7.6.3")).to_contain_text("62,3%")
    expect(page.locator('input[name="v-7.6.4.e"]')).to_have_value("216.000")

    # The page as saved, before the freeze (its bytes do not change from run to run: the
    # frozen page shows the time of the freeze).
    page.set_viewport_size({"width": 1280, "height": 900})
    save_screenshot("appendix.png", page, full_page=False, animations="disabled")

    # 5. Chốt số liệu: a confirmation naming the rows left blank, each confirmed; then the
    # table is frozen, who and when shown.
    page.get_by_test_id("submit").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Xác nhận chốt số liệu")
    tick_all(page.get_by_test_id("blank-rows").locator('input[name="blank"]'))
    page.get_by_test_id("confirm-freeze").click()
    expect(page.get_by_role("alert").filter(has_text="Đã chốt số liệu")).to_be_visible()
    expect(page.get_by_test_id("submitted")).to_contain_text("Kiều Thị Mỹ Duyên")
    expect(page.locator('input[name^="v-"]')).to_have_count(0)

    # 6. The Excel and Word files: the figures in them, and LibreOffice opens both.
    with page.expect_download() as info:
        page.get_by_test_id("download-xlsx").click()
    xlsx = info.value.path().read_bytes()
    name = attachment_name(page, info.value.url)
    assert name == "Phu luc 1 - Phuong Vinh Hoa - Quy I nam 2024.xlsx"
    sheet = load_workbook(io.BytesIO(xlsx)).active
    values = {sheet.cell(r, 1).value: sheet.cell(r, 4).value for r in range(7, sheet.max_row + 1)}
    assert values["1.2."] == float(table["1.2"].value)
    assert values["3.2.1."] == 100
    with page.expect_download() as info:
        page.get_by_test_id("download-docx").click()
    docx = info.value.path().read_bytes()
    assert attachment_name(page, info.value.url).endswith(".docx")
    rows = Document(io.BytesIO(docx)).tables[-1].rows
    cells = {row.cells[0].text: row.cells[3].text for row in rows}
    assert cells["1.2."] == display_value(table["1.2"])
    for content, suffix in ((xlsx, ".xlsx"), (docx, ".docx")):
        assert convert_to_pdf(content, suffix).startswith(b"%PDF")

    # 7. The chairperson reopens the table with a reason (only they may): it takes figures again,
    # and the demo ward's Q1 2024 is left open for the journeys that follow.
    chair = new_page(width=1366, height=900)
    chair_email = "chutich@vinhhoa.example"
    log_in_at(chair, chair_email, live_server.passwords[chair_email], page.url)
    chair.get_by_label("Lý do mở lại").fill("Bổ sung số liệu văn bản chỉ đạo")
    chair.get_by_role("button", name="Mở lại số liệu").click()
    expect(chair.get_by_test_id("submitted")).to_have_count(0)
    expect(chair.locator('input[name^="v-"]').first).to_be_visible()
