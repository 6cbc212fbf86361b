"""An officer turns on two-step login from the account menu (the QR drawn by the server, the
secret typed into the test's authenticator), logs out, logs in with a code after the password,
then turns it off with their password; at a phone's width and a desk's, with bad input first.

Screenshots: tests/artifacts/screenshots/two-step-*-<width>.png, for a person to look at.
"""

from __future__ import annotations

import re
import time

import pyotp
import pytest
from playwright.sync_api import expect

from tests.browser.actions import log_in
from tests.browser.conftest import page_width, save_screenshot

pytestmark = pytest.mark.browser

# Officers no other journey logs in as: the second step is theirs only during this test.
OFFICERS = {390: "hotich@vinhhoa.example", 1366: "diachinh@vinhhoa.example"}


def _no_sideways_scroll(page) -> None:
    overflow = page_width(page) - page.evaluate("window.innerWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"


@pytest.mark.parametrize("width", sorted(OFFICERS))
def test_two_step_journey(new_page, live_server, width):
    email = OFFICERS[width]
    password = live_server.passwords[email]
    page = new_page(width=width, height=900)
    log_in(page, email, password)

    # the account menu leads to the enrolment page
    page.goto("/account/two-step")
    expect(page.locator("main svg")).to_be_visible()
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    totp = pyotp.TOTP(secret)
    _no_sideways_scroll(page)
    save_screenshot(f"two-step-enrol-{width}.png", page, full_page=True)

    # bad input: a code that is not the app's
    page.locator("input[name=code]").fill("123")
    page.get_by_role("button", name="Bật xác thực hai bước").click()
    expect(page.locator("main")).to_contain_text("Mã không đúng.")
    page.locator("input[name=code]").fill(totp.now())
    page.get_by_role("button", name="Bật xác thực hai bước").click()
    codes = page.locator("#recovery-codes li")
    expect(codes).to_have_count(10)
    _no_sideways_scroll(page)
    save_screenshot(f"two-step-recovery-codes-{width}.png", page, full_page=True)

    page.locator("nav form button", has_text="Đăng xuất").evaluate("b => b.form.submit()")
    expect(page).to_have_url(re.compile(r"/login$"))

    # the password alone is not enough now
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("main form").get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(re.compile(r"/login/code$"))
    page.goto("/my-tasks")
    expect(page).to_have_url(re.compile(r"/login"))
    page.goto("/login/code")
    page.locator("input[name=code]").fill("000000" if totp.now() != "000000" else "111111")
    page.get_by_role("button", name="Xác nhận").click()
    expect(page.locator("main")).to_contain_text("Mã không đúng hoặc đã được dùng.")
    _no_sideways_scroll(page)
    save_screenshot(f"two-step-code-refused-{width}.png", page, full_page=True)
    # the next time step's code (one step of drift): never the enrolment's
    page.locator("input[name=code]").fill(totp.at(time.time() + 30))
    page.get_by_role("button", name="Xác nhận").click()
    expect(page).not_to_have_url(re.compile(r"/login"))

    # off again, with the password (a wrong one first)
    page.goto("/account/two-step")
    expect(page.locator("main")).to_contain_text("Còn 10 mã dự phòng chưa dùng.")
    _no_sideways_scroll(page)
    save_screenshot(f"two-step-settings-{width}.png", page, full_page=True)
    page.locator("input[name='disable-password']").fill("not the password")
    page.get_by_role("button", name="Tắt", exact=True).click()
    expect(page.locator(".alert-danger")).to_contain_text("Mật khẩu không đúng.")
    page.locator("input[name='disable-password']").fill(password)
    page.get_by_role("button", name="Tắt", exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text("Đã tắt xác thực hai bước.")
