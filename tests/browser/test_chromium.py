"""The browser the journeys drive runs with the switches tests/browser/conftest.py means it to."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import TOP_CHROME_WEBUI

pytestmark = pytest.mark.browser


def _disabled_features(command_line: str) -> list[set[str]]:
    """Each --disable-features switch of a command line, in order, as a set of names."""
    return [
        set(filter(None, value.split(",")))
        for value in re.findall(r"--disable-features=(\S*)", command_line)
    ]


def test_the_last_disable_features_keeps_what_playwright_disables(new_page):
    """Chromium reads only its last --disable-features: ours must hold every feature that
    Playwright's own switch (given before it) disables, or a Playwright upgrade that disables
    one more would find it back on."""
    page = new_page()
    page.goto("chrome://version")
    command_line = page.locator("#command_line").inner_text()
    switches = _disabled_features(command_line)
    assert len(switches) >= 2, command_line  # Playwright's, then ours
    last = switches[-1]
    for earlier in switches[:-1]:
        assert earlier <= last, f"disabled by Playwright, not by us: {sorted(earlier - last)}"
    assert set(TOP_CHROME_WEBUI) <= last


def test_no_window_preloads_the_address_bar_drop_down(chromium, new_page, live_server):
    """With two windows open, nothing but their pages: no chrome://…top-chrome/ page runs."""
    for _ in range(2):
        new_page().goto("/login")
    session = chromium.new_browser_cdp_session()
    try:
        targets = session.send("Target.getTargets")["targetInfos"]
    finally:
        session.detach()
    assert [t["url"] for t in targets if t["type"] == "page"]
    assert not [t["url"] for t in targets if "top-chrome" in t["url"]]
