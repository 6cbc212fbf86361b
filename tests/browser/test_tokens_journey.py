"""The token page (issue 12) in Chromium, at a phone's width and a desk's: bad input refused in
place and kept as typed; a token made, its secret shown once and accepted by the API; revoked.

Screenshots: tests/artifacts/screenshots/tokens-bad-<width>.png, tokens-created-<width>.png and
tokens-admin-<width>.png, for a person to look at.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.actions import log_in, log_in_at
from tests.browser.conftest import save_screenshot
from tracker.extensions import db
from tracker.people.models import Officer, OfficerRole, Role

pytestmark = pytest.mark.browser

WIDTHS = [390, 1366]
LEAD = "tuphap@vinhhoa.example"


@pytest.mark.parametrize("width", WIDTHS)
def test_token_page_journey(new_page, live_server, width):
    page = new_page(width=width, height=900)
    log_in(page, LEAD, live_server.passwords[LEAD])
    if width < 992:
        page.locator(".navbar-toggler").click()
        # the menu slides open: the account menu is clicked once it has (a busy machine)
        expect(page.locator(".navbar-collapse.show")).to_be_visible()
    page.locator(".navbar .dropdown-toggle").last.click()
    expect(page.locator(".dropdown-menu.show")).to_be_visible()
    page.get_by_role("link", name="Mã truy cập API").click()
    expect(page.get_by_role("heading", name="Mã truy cập API")).to_be_visible()

    page.get_by_label("Tên mã").fill("   ")
    page.get_by_label("Thời hạn (số ngày)").fill("999")
    page.get_by_label("Đọc và ghi").check()
    page.get_by_role("button", name="Tạo mã").click()
    expect(page.get_by_text("Đặt tên cho mã")).to_be_visible()
    expect(page.get_by_text("Thời hạn của mã từ 1 đến 365 ngày.")).to_be_visible()
    expect(page.get_by_label("Thời hạn (số ngày)")).to_have_value("999")
    expect(page.get_by_label("Đọc và ghi")).to_be_checked()
    save_screenshot(f"tokens-bad-{width}.png", page, full_page=True)

    name = f"Hệ thống văn bản {width}"
    page.get_by_label("Tên mã").fill(name)
    page.get_by_label("Thời hạn (số ngày)").fill("30")
    page.get_by_role("button", name="Tạo mã").click()
    secret = page.locator("#secret").input_value()
    assert len(secret) >= 40
    save_screenshot(f"tokens-created-{width}.png", page, full_page=True)
    me = page.request.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.status == 200 and me.json()["email"] == LEAD

    page.goto("/account/tokens")
    expect(page.locator("#secret")).to_have_count(0)  # shown once
    row = page.locator(".token-row", has_text=name)
    expect(row).to_contain_text("dùng lần cuối")
    row.get_by_role("button", name="Thu hồi").click()
    expect(page.get_by_text(f"Đã thu hồi mã “{name}”.")).to_be_visible()
    refused = page.request.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert refused.status == 401


@pytest.mark.parametrize("width", WIDTHS)
def test_the_administrator_sees_the_units_tokens(new_page, live_server, width):
    with live_server.app.app_context():
        admin = db.session.scalar(
            select(Officer.email)
            .join(OfficerRole, OfficerRole.officer_id == Officer.id)
            .where(OfficerRole.role == Role.ADMIN)
        )
        db.session.remove()
    if admin is None or admin not in live_server.passwords:
        pytest.skip("the demo ward has no administrator login")
    lead = new_page(width=width)
    log_in_at(lead, LEAD, live_server.passwords[LEAD], "/account/tokens")
    lead.get_by_label("Tên mã").fill(f"Công cụ của tỉnh {width}")
    lead.get_by_role("button", name="Tạo mã").click()
    page = new_page(width=width, height=900)
    log_in_at(page, admin, live_server.passwords[admin], "/account/tokens")
    expect(page.get_by_text("Mã của cán bộ khác trong đơn vị")).to_be_visible()
    expect(page.locator(".token-row", has_text=f"Công cụ của tỉnh {width}")).to_contain_text(LEAD)
    save_screenshot(f"tokens-admin-{width}.png", page, full_page=True)
