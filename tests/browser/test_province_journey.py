"""A province's inspector opens the page of its communes (their home), sorts them by overdue
tasks, and opens the worst commune's dashboard, read-only; at a phone's width and a desk's.

Screenshots: tests/artifacts/screenshots/province-*-<width>.png, for a person to look at.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.actions import log_in
from tests.browser.conftest import save_screenshot
from tracker.extensions import db

pytestmark = pytest.mark.browser

COMMUNES = 6
INSPECTOR = "noivu@bench-province.example"
WIDTHS = [390, 1366]


@pytest.fixture(scope="module")
def province(live_server) -> str:
    """A generated province of six communes in the live server's database (once)."""
    from tracker.demo.dataset import load_dataset
    from tracker.demo.generate import generate_city

    with live_server.app.app_context():
        generate_city(db.session, COMMUNES)
        db.session.commit()
        db.session.remove()
    return load_dataset().password


def _overdue(row) -> int:
    return int(row.get_by_test_id("overdue").inner_text().replace(".", ""))


@pytest.mark.parametrize("width", WIDTHS)
def test_province_journey(new_page, live_server, province, width):
    page = new_page(width=width, height=900)
    log_in(page, INSPECTOR, province)
    table = page.get_by_test_id("communes")
    expect(table).to_be_visible()  # the inspector's home is the province page
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(COMMUNES)
    expect(page.get_by_test_id("total")).to_contain_text(f"{COMMUNES} trên {COMMUNES} xã, phường")
    save_screenshot(f"province-page-{width}.png", page, full_page=True)

    # bad input is said, not fatal: the page is still there
    page.goto("/units/bench-province/communes?sort=drop&page=abc&band=x")
    expect(page.locator(".alert-warning").first).to_be_visible()
    expect(rows).to_have_count(COMMUNES)

    # sorted by overdue tasks: the most first
    page.goto("/units/bench-province/communes")
    page.locator("a[data-sort=overdue]").click()
    expect(page).to_have_url(re.compile(r"sort=overdue"))
    counts = [_overdue(rows.nth(i)) for i in range(COMMUNES)]
    assert counts == sorted(counts, reverse=True) and counts[0] > 0
    worst = rows.first
    name = worst.locator("th a").first.inner_text()
    save_screenshot(f"province-sorted-{width}.png", page, full_page=True)

    # the worst commune's dashboard: its figures, and no action of any kind
    worst.locator("th a").first.click()
    expect(page).to_have_url(re.compile(r"/units/bench-ward-\d+/dashboard"))
    expect(page.locator("main")).to_contain_text(name)
    expect(page.get_by_test_id("summary")).to_be_visible()
    expect(page.locator("main form[method=post]")).to_have_count(0)
    expect(page.locator("main").get_by_role("button", name=re.compile("Xác nhận|Giao|Lưu"))) \
        .to_have_count(0)
    save_screenshot(f"province-commune-{width}.png", page, full_page=True)
