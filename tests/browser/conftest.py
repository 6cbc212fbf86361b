"""Headless Chromium (Debian's /usr/bin/chromium, driven by Playwright) against a live server.

The live server has its own throwaway database with the demo ward loaded and committed: it
never touches the `app` fixture of tests/conftest.py, whose database is bound to a transaction
that is rolled back after each test.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import WSGIRequestHandler, make_server

from config import TestingConfig
from tests.support.databases import server_url
from tracker import create_app
from tracker.extensions import db

CHROMIUM = Path("/usr/bin/chromium")
# Every window of headless Chromium (one per browser context: several per journey) preloads the
# address bar's drop-down, a page of its own (chrome://omnibox-popup.top-chrome/), whose animated
# caret kept a renderer busy while any two windows were open: measured, with six windows open
# and nothing happening, 0.38 s of CPU a second, against 0.04 s with these off; a new context
# cost 194 ms, now 94 ms. No test has an address bar to type in.
TOP_CHROME_WEBUI = (
    "WebUIOmniboxPopup",
    "WebUIOmniboxFullPopup",
    "WebUIOmniboxAimPopup",
    "PreloadTopChromeWebUI",
)
# Chromium reads the last --disable-features it is given, so the list Playwright passes (its
# chromiumSwitches.ts, 1.65) is repeated here; tests/browser/test_chromium.py checks that the
# browser runs with all of it.
PLAYWRIGHT_DISABLED_FEATURES = (
    "AvoidUnnecessaryBeforeUnloadCheckSync",
    "DestroyProfileOnBrowserClose",
    "HttpsUpgrades",
    "HttpsFirstBalancedModeAutoEnable",
    "LensOverlay",
    "MediaRouter",
    "PaintHolding",
    "ThirdPartyStoragePartitioning",
    "AvoidCorsURLLoaderRestartOnRedirect",
    "TcpPortRandomizationWin",
    "OptimizationHints",
    "NetworkTimeServiceQuerying",
    "AimEnabled",
    "PreconnectToSearch",
    "msForceBrowserSignIn",
    "msEdgeUpdateLaunchServicesPreferredVersion",
)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-features=" + ",".join(PLAYWRIGHT_DISABLED_FEATURES + TOP_CHROME_WEBUI),
]
# Chromium takes its interface language (date inputs: dd/mm/yyyy) from the environment; the
# Vietnamese strings come with Debian's chromium-l10n, which `make test` installs.
CHROMIUM_ENV = {"LANG": "vi_VN.UTF-8", "LANGUAGE": "vi"}
TIMEOUT_MS = 15_000

# Tests never rewrite tracked files: screenshots go to tests/artifacts/ (ignored by git);
# `make screenshots` copies them over the README's pictures in docs/screenshots/.
# The SQLite and PostgreSQL runs of `make test` go side by side: each has its own folder.
TAKE_SCREENSHOTS = not server_url() or os.environ.get("TRACKER_TEST_SCREENSHOTS") == "1"
SCREENSHOT_DIR = (
    Path(__file__).resolve().parents[1]
    / "artifacts"
    / ("screenshots-postgresql" if server_url() else "screenshots")
)


class QuietHandler(WSGIRequestHandler):
    """No access log line per request; errors are still logged."""

    def log_request(self, code="-", size="-") -> None:
        pass


@dataclass(frozen=True)
class LiveServer:
    url: str
    app: Flask
    passwords: dict[str, str]  # the demo logins: email -> password


@pytest.fixture(scope="session")
def live_server(tmp_path_factory, migrated_database) -> Iterator[LiveServer]:
    from tracker.demo.loader import load_demo

    directory = tmp_path_factory.mktemp("live")
    with migrated_database(directory, label="browser") as url:
        app = create_app(
            TestingConfig,
            SQLALCHEMY_DATABASE_URI=url,
            TRACKER_UPLOAD_DIR=str(directory / "uploads"),
        )
        with app.app_context():
            result = load_demo(db.session)
            db.session.commit()
            passwords = {login.email: login.password for login in result.logins}
            db.session.remove()
        server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
        thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
        thread.start()
        try:
            yield LiveServer(
                url=f"http://127.0.0.1:{server.server_port}", app=app, passwords=passwords
            )
        finally:
            server.shutdown()
            thread.join(timeout=10)
            server.server_close()
            with app.app_context():
                db.engine.dispose()


@pytest.fixture(scope="session")
def chromium():
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        # Playwright gives each launch a fresh, empty user-data dir.
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            env={**os.environ, **CHROMIUM_ENV},
        )
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()


@pytest.fixture
def new_page(chromium, live_server):
    """`new_page(width=…, height=…)`: a page in a new browser context (no cookies)."""
    contexts = []

    def make(width: int = 1280, height: int = 800, **options):
        context = chromium.new_context(
            base_url=live_server.url,
            viewport={"width": width, "height": height},
            locale="vi-VN",
            timezone_id="Asia/Ho_Chi_Minh",
            **options,
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


def save_screenshot(name: str, page, **options) -> Path | None:
    """The page's picture in tests/artifacts/screenshots/<name>, for a person to look at (and
    for `make screenshots`). Taken by the SQLite run only: the PostgreSQL run walks the same
    pages with the same data, and a full page's picture costs Chromium a third of a second
    (a hundred of them a run). TRACKER_TEST_SCREENSHOTS=1 takes them on PostgreSQL too."""
    if not TAKE_SCREENSHOTS:
        return None
    from tests.browser.actions import screenshot

    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / name
    path.write_bytes(screenshot(page, **options))
    return path


def page_width(page) -> int:
    """How wide the page's content is, once its stylesheets and scripts have run: measured
    earlier (a loaded machine), the unstyled tables make any page look wider than a phone."""
    page.wait_for_load_state("load")
    return page.evaluate("document.documentElement.scrollWidth")


@dataclass(frozen=True)
class Demo:
    """What the browser tests need to know about the loaded demo ward."""

    unit_code: str
    officer_email: str
    officer_name: str
    officer_task_titles: tuple[str, ...]
    password: str
    annual_plan_title: str
    annual_plan_task_count: int


@pytest.fixture(scope="session")
def demo(live_server) -> Demo:
    """A plain officer of the demo ward who leads tasks, and the ward's annual reform plan."""
    from sqlalchemy import func, select

    from tracker.people.models import Officer, OfficerRole, Role, Unit
    from tracker.plans.models import Plan, PlanKind
    from tracker.tasks.models import Task

    with live_server.app.app_context():
        session = db.session
        unit = session.scalars(select(Unit).where(Unit.code == "vinh-hoa")).one()
        other_roles = select(OfficerRole.officer_id).where(OfficerRole.role != Role.OFFICER)
        leads = (
            select(Officer, func.count(Task.id).label("n"))
            .join(OfficerRole, OfficerRole.officer_id == Officer.id)
            .join(Task, Task.lead_officer_id == Officer.id)
            .where(
                Officer.unit_id == unit.id,
                Officer.active.is_(True),
                OfficerRole.role == Role.OFFICER,
                Officer.id.not_in(other_roles),
                Task.archived_at.is_(None),
            )
            .group_by(Officer.id)
            .order_by(func.count(Task.id).desc(), Officer.id)
        )
        row = session.execute(leads).first()
        assert row is not None, "the demo ward has no plain officer who leads a task"
        officer = row[0]
        titles = tuple(
            session.scalars(
                select(Task.title)
                .where(Task.lead_officer_id == officer.id, Task.archived_at.is_(None))
                .order_by(Task.id)
            )
        )
        plan = session.scalars(
            select(Plan)
            .where(Plan.unit_id == unit.id, Plan.kind == PlanKind.ANNUAL_REFORM)
            .order_by(Plan.start_year.desc(), Plan.id)
        ).first()
        assert plan is not None, "the demo ward has no annual reform plan"
        task_count = session.scalar(
            select(func.count(Task.id)).where(Task.plan_id == plan.id, Task.archived_at.is_(None))
        )
        result = Demo(
            unit_code=unit.code,
            officer_email=officer.email,
            officer_name=officer.full_name,
            officer_task_titles=titles,
            password=live_server.passwords[officer.email],
            annual_plan_title=plan.title,
            annual_plan_task_count=task_count,
        )
        session.remove()
    return result
