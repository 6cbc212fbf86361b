"""Chốt số liệu keeps what was typed (issue 11), in a real browser: the focal officer types
figures and presses "Chốt số liệu" without "Lưu số liệu", goes through the confirmation and
finds the table frozen with what was typed; on another period she leaves rows blank and must
confirm each before the freeze.

Each journey freezes a period of its own (the live server's database is shared, and the Q1
2024 period belongs to test_appendix_journey.py); neither has a period before it, so no
cross-check against a previous period depends on the order the tests run in.
"""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tests.browser.actions import log_in_at, tick_all
from tests.browser.conftest import save_screenshot
from tracker.appendix.indicators import tree_for_year
from tracker.appendix.models import EnteredFigure, PeriodKind
from tracker.appendix.operations import create_period
from tracker.extensions import db
from tracker.people.models import Unit

pytestmark = pytest.mark.browser

FOCAL_EMAIL = "vanphong@vinhhoa.example"
TREE = tree_for_year(2024)
TYPED = {"1.5.1": "3", "1.5.2.a": "2", "1.5.2.b": "1", "3.2.1.a": "186", "3.2.1.b": "181"}




def make_period(live_server, kind: PeriodKind, label: str, start: date, end: date) -> int:
    with live_server.app.app_context():
        unit = db.session.scalars(select(Unit).where(Unit.code == "vinh-hoa")).one()
        period = create_period(db.session, unit, kind, label, start, end)
        db.session.commit()
        period_id = period.id
        db.session.remove()
    return period_id


def saved_figures(live_server, period_id: int) -> dict[str, EnteredFigure]:
    with live_server.app.app_context():
        figures = {
            f.key: f
            for f in db.session.scalars(
                select(EnteredFigure).where(EnteredFigure.period_id == period_id)
            )
        }
        db.session.expunge_all()
        db.session.remove()
    return figures


def value_cell(page: Page, key: str):
    return page.get_by_test_id(f"value-{key}")


def show_row(page: Page, key: str) -> None:
    """Scroll the row to the top of the screen at once (Bootstrap scrolls smoothly, and a
    screenshot would catch it half-way)."""
    page.locator(f'tr[data-key="{key}"]').evaluate(
        "row => window.scrollTo({top: row.getBoundingClientRect().top + window.scrollY - 8,"
        " behavior: 'instant'})"
    )


def acknowledge_warnings(page: Page) -> None:
    tick_all(page.locator('input[name="ack"]'))


def test_freeze_without_saving_keeps_the_typed_figures(new_page, live_server):
    period_id = make_period(
        live_server, PeriodKind.QUARTER, "Quý IV năm 2023", date(2023, 9, 15), date(2023, 12, 13)
    )
    page = new_page(width=1366, height=900)
    log_in_at(page, FOCAL_EMAIL, live_server.passwords[FOCAL_EMAIL], f"/appendix/{period_id}")

    # Every row answered: a few figures, "Không phát sinh" for the rest, one figure mistyped.
    for key, value in {**TYPED, "3.2.1.c": "một trăm"}.items():
        page.locator(f'input[name="v-{key}"]').fill(value)
    typed = {*TYPED, "3.2.1.c"}
    not_arising = [row.key for row in TREE.entered if row.key not in typed]
    tick_all(
        page.locator(", ".join(f'input[name="z-{key}"]' for key in not_arising)),
        len(not_arising),
    )
    page.get_by_test_id("submit").click()  # "Chốt số liệu", never "Lưu số liệu"

    # Refused: nothing saved nor frozen, the input kept, the error on its row.
    expect(page.get_by_test_id("errors")).to_contain_text("không phải là một số")
    cell = page.locator('input[name="v-3.2.1.c"]')
    expect(cell).to_have_class(re.compile("is-invalid"))
    expect(cell).to_have_value("một trăm")
    show_row(page, "3.2.1")
    expect(page.locator('input[name="v-1.5.1"]')).to_have_value("3")
    expect(page.locator('input[name="z-7.6.4.e"]')).to_be_checked()
    save_screenshot("appendix-freeze-refused-1366.png", page, full_page=False)
    assert saved_figures(live_server, period_id) == {}

    # Fixed; "Chốt số liệu" again: the confirmation sums it up, no row left blank.
    cell.fill("181")
    page.get_by_test_id("submit").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Xác nhận chốt số liệu")
    expect(page.get_by_test_id("count-typed")).to_contain_text(str(len(TYPED) + 1))
    expect(page.get_by_test_id("count-not-arising")).to_contain_text(
        str(len(TREE.entered) - len(TYPED) - 1)
    )
    expect(page.get_by_test_id("count-blank")).to_contain_text("0")
    expect(page.get_by_test_id("blank-rows")).to_have_count(0)
    save_screenshot("appendix-freeze-confirm-1366.png", page, full_page=True)
    assert saved_figures(live_server, period_id) == {}  # still nothing written
    acknowledge_warnings(page)
    page.get_by_test_id("confirm-freeze").click()

    # Frozen, with the figures typed.
    expect(page.get_by_role("alert").filter(has_text="Đã chốt số liệu")).to_be_visible()
    expect(page.locator('input[name^="v-"]')).to_have_count(0)
    for key, value in {**TYPED, "3.2.1.c": "181"}.items():
        expect(value_cell(page, key)).to_have_text(value)
    expect(value_cell(page, "1.5.2")).to_contain_text("50,0%")
    expect(value_cell(page, "7.6.4.e")).to_have_text("Không phát sinh")
    expect(value_cell(page, "6.1")).to_contain_text("Không phát sinh")  # 0 of 0
    figures = saved_figures(live_server, period_id)
    assert figures["1.5.1"].value == 3 and figures["1.5.2.a"].value == 2


def test_blank_rows_must_be_confirmed_before_the_freeze(new_page, live_server):
    period_id = make_period(
        live_server, PeriodKind.YEAR, "Năm 2023", date(2022, 12, 15), date(2023, 12, 14)
    )
    page = new_page(width=390, height=844)  # a phone
    log_in_at(page, FOCAL_EMAIL, live_server.passwords[FOCAL_EMAIL], f"/appendix/{period_id}")
    page.locator('input[name="v-1.5.1"]').fill("3")
    page.locator('input[name="v-1.5.2.a"]').fill("2")
    show_row(page, "1.5")
    save_screenshot("appendix-freeze-typed-390.png", page, full_page=False)
    page.get_by_test_id("submit").click()

    # The confirmation names every blank row; confirming without ticking them is refused.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Xác nhận chốt số liệu")
    blank_count = len(TREE.entered) - 2
    expect(page.get_by_test_id("count-typed")).to_contain_text("2")
    expect(page.get_by_test_id("count-blank")).to_contain_text(str(blank_count))
    rows = page.get_by_test_id("blank-rows")
    expect(rows).to_contain_text("Số vấn đề phát hiện đã xử lý xong")
    expect(rows.locator('input[name="blank"]')).to_have_count(blank_count)
    save_screenshot("appendix-freeze-confirm-390.png", page, full_page=False)
    page.get_by_test_id("confirm-freeze").click()
    expect(page.get_by_test_id("errors")).to_contain_text(
        f"Còn {blank_count} dòng chưa nhập số liệu chưa được xác nhận để trống"
    )
    save_screenshot("appendix-freeze-unconfirmed-390.png", page, full_page=False)
    assert saved_figures(live_server, period_id) == {}

    # Each confirmed: saved, confirmed, frozen.
    tick_all(page.get_by_test_id("blank-rows").locator('input[name="blank"]'), blank_count)
    acknowledge_warnings(page)
    page.get_by_test_id("confirm-freeze").click()
    expect(page.get_by_role("alert").filter(has_text="Đã chốt số liệu")).to_be_visible()
    expect(value_cell(page, "1.5.1")).to_have_text("3")
    expect(value_cell(page, "1.5.2.a")).to_have_text("2")
    expect(value_cell(page, "1.5.2.b")).to_have_text("Không có số liệu")
    expect(value_cell(page, "1.5.2")).to_contain_text("Không có số liệu")
    show_row(page, "1.5")
    save_screenshot("appendix-freeze-frozen-390.png", page, full_page=False)

    # The Excel file: what was typed, "Không có số liệu" for the confirmed blanks, and never
    # "Không phát sinh" for a row nobody answered.
    response = page.request.get(f"/appendix/{period_id}/export.xlsx")
    assert response.ok
    sheet = load_workbook(io.BytesIO(response.body())).active
    cells = {row.key: sheet.cell(7 + i, 4).value for i, row in enumerate(TREE.rows)}
    assert (cells["1.5.1"], cells["1.5.2.a"], cells["1.5.2.b"]) == (3, 2, "Không có số liệu")
    assert "Chưa nhập" not in cells.values()
    for row in TREE.entered:  # 1.2 to 1.4 may say "Không phát sinh": no task in 2023's plans
        assert cells[row.key] in (3, 2, "Không có số liệu"), row.key
