"""What every journey does the same way."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

from tests.conftest import token_in


def log_in(page: Page, email: str, password: str) -> None:
    page.goto("/login")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("main form").get_by_role("button", name="Đăng nhập").click()
    expect(page).not_to_have_url(re.compile(r"/login"))
    page.wait_for_load_state()


def log_in_at(page: Page, email: str, password: str, path: str) -> None:
    """Logged in, on `path`: the login form posted through the page's own requests (its
    cookies, its User-Agent), not typed, for the journeys about what comes after the login.
    Typed, as `log_in` does, the login shows Chromium two pages (the form, then the home page
    it leads to) that the journey leaves at once. The form itself is walked by the journeys
    that log in with `log_in`."""
    token = token_in(page.request.get("/login").text(), "/login")
    response = page.request.post(
        "/login",
        form={"email": email, "password": password, "csrf_token": token},
        max_redirects=0,
    )
    assert response.status == 302, (email, response.status)
    assert "/login" not in response.headers["location"], (email, response.headers["location"])
    page.goto(path)


def log_out(page: Page, full_name: str) -> None:
    """Through the account menu, on a phone behind the menu button. Each menu is clicked once
    the one before has finished opening: on a busy machine Bootstrap's slide is still running
    when the next click comes, and that click is lost."""
    page.wait_for_load_state()
    nav = page.locator("nav.navbar")
    toggler = nav.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
        expect(nav.locator(".navbar-collapse.show")).to_be_visible()
        expect(nav.locator(".navbar-collapse.collapsing")).to_have_count(0)
    nav.get_by_role("button", name=full_name, exact=True).click()
    expect(nav.locator(".dropdown-menu.show")).to_be_visible()
    nav.get_by_role("button", name="Đăng xuất").click()
    expect(page).to_have_url(re.compile(r"/login"))
    expect(nav).not_to_contain_text(full_name)


def screenshot(page: Page, **options) -> bytes:
    """The page's picture; Chromium under load now and then answers "Unable to capture
    screenshot" once: one more try after a moment, then the error stands."""
    from playwright.sync_api import Error

    try:
        return page.screenshot(**options)
    except Error:
        page.wait_for_timeout(500)
        return page.screenshot(**options)


def tick_all(boxes: Locator, count: int | None = None) -> None:
    """Tick every box `boxes` matches (`count` of them, when given), in one round trip: each
    box must be visible and is clicked in the page, the click and change events a person's
    click sends. The journeys tick whole columns of a table (every "Không phát sinh", every
    blank row confirmed): Playwright's check() first waits, box by box, for each to be
    visible, still and unobscured, which took 54 ms a box, 296 boxes a run."""
    states = boxes.evaluate_all(
        """boxes => boxes.map(box => {
            if (!box.checkVisibility()) return `hidden: ${box.name}`;
            if (!box.checked) box.click();
            return box.checked ? "ticked" : `not ticked: ${box.name}`;
        })"""
    )
    assert all(state == "ticked" for state in states), [s for s in states if s != "ticked"]
    if count is not None:
        assert len(states) == count, f"{len(states)} boxes, not {count}"
