"""What every journey does the same way."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect


def log_in(page: Page, email: str, password: str) -> None:
    page.goto("/login")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("main form").get_by_role("button", name="Đăng nhập").click()
    expect(page).not_to_have_url(re.compile(r"/login"))
    page.wait_for_load_state()


def screenshot(page: Page, **options) -> bytes:
    """The page's picture; Chromium under load now and then answers "Unable to capture
    screenshot" once: one more try after a moment, then the error stands."""
    from playwright.sync_api import Error

    try:
        return page.screenshot(**options)
    except Error:
        page.wait_for_timeout(500)
        return page.screenshot(**options)
