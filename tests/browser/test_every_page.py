"""Every page each role may open, on a phone (390 px) and a desktop (1366 px): no sideways
scroll, no console error, no English word in the Vietnamese interface, and every visible text
at WCAG AA contrast against its background (tests/browser/page_checks.js measures them).

The pages come from the app's URL map (GET routes), their ids from the demo ward; a route this
walk cannot fill in is listed in NOT_WALKED with the reason, and a new route must be added
there or get its ids below. A 2,000-character word is put in a task for the walk (a pasted
link, a file name): it must wrap, not widen the page.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from tests.browser.actions import log_in, screenshot
from tests.browser.conftest import SCREENSHOT_DIR
from tests.support.english import english_words
from tracker.extensions import db

pytestmark = pytest.mark.browser

CHECKS = (Path(__file__).parent / "page_checks.js").read_text(encoding="utf-8")
WIDTHS = (1366, 390)
# Pictures of the pages found wrong, beside (not among) the README's screenshots.
SHOTS = SCREENSHOT_DIR.parent / "every-page"
LONG_WORD = "Tailieu" + "x" * 1993  # 2,000 characters without a break

# The demo's logins, one per role (the focal officer is also the unit's administrator).
ROLES = {
    "chairperson": "chutich@vinhhoa.example",
    "vice_chairperson": "pct.vanhoa@vinhhoa.example",
    "focal_officer": "vanphong@vinhhoa.example",
    "officer": "motcua@vinhhoa.example",
    "inspector": "noivu@nhatrang.example",
    "admin": "admin@nhatrang.example",
}
ANONYMOUS_PAGES = ("/login", "/password/forgot")

# GET routes that are not pages, or that this walk cannot reach, and why.
NOT_WALKED = {
    "static": "files",
    "main.favicon": "an icon",
    "main.healthz": "a probe for the load balancer, plain text",
    "appendix.export": "a download (.xlsx, .docx, .pdf)",
    "appendix.report_draft": "a download (.docx)",
    "meetings.agenda_export": "a download (.xlsx)",
    "appendix.province_summary_export": "a download (.xlsx, .docx)",
    "meetings.minutes": "a download (.docx)",
    "meetings.minutes_pdf": "a download (.pdf)",
    "meetings.table_export": "a download (.xlsx)",
    "plans.export_xlsx": "a download (.xlsx)",
    "tasks_list.export": "a download (.xlsx)",
    "province.export": "a download (.xlsx)",
    "documents.export": "a download (.xlsx)",
    "documents.file": "a download (the document's file)",
    "tasks.evidence_file": "a download (the evidence file)",
    "auth.invitation": "needs a one-time token sent by email",
    "auth.reset_password": "needs a one-time token sent by email",
    "auth.second_step": "only between the password and the code of a two-step login",
    "auth.enrol": "only between the password and enrolment, for a role that must use two steps",
    "auth.login": "walked logged out (ANONYMOUS_PAGES)",
    "auth.forgot_password": "walked logged out (ANONYMOUS_PAGES)",
}
# Words of the English catalogue that a Vietnamese page shows on purpose.
ALLOWED_WORDS = {
    "english",  # the language switch at the foot of every page
}
# What the pages hold that is not interface text: e-mail and web addresses, file names, the
# demo's own words that Vietnamese offices use as they are (the E-Office document software,
# bảng LED, mã QR code), and the random key of a two-step login being set up (32 characters
# of base32, people/two_step.py, shown in groups of four: one run's key held "WEEK", another's
# "ASK2", and the walk failed on them).
NOT_TEXT = re.compile(
    r"\S+@\S+|https?://\S+|\b[\w.-]+\.(?:xlsx|docx|pdf|csv)\b|\bE-Office\b|\bLED\b|\bQR code\b"
    r"|\b[A-Z2-7]{32}\b|\b(?:[A-Z2-7]{4} ){7}[A-Z2-7]{4}\b"
)


@dataclass(frozen=True)
class Ids:
    values: dict[str, str]  # argument name -> value, for the routes' arguments
    units: dict[str, str]  # login -> the unit the officer belongs to


def _ids(app) -> Ids:
    from tracker.appendix.models import ReportingPeriod
    from tracker.documents.models import IssuedDocument
    from tracker.meetings.models import Meeting
    from tracker.people.models import Officer, Unit
    from tracker.plans.models import Plan
    from tracker.reminders.models import ReminderEmail
    from tracker.tasks.models import Task

    with app.app_context():
        session = db.session
        ward = session.scalars(select(Unit).where(Unit.code == "vinh-hoa")).one()
        officer = session.scalars(select(Officer).where(Officer.email == ROLES["officer"])).one()
        task = session.scalars(
            select(Task).where(Task.lead_officer_id == officer.id).order_by(Task.id)
        ).first()
        values = {
            "plan_id": session.scalar(select(Plan.id).where(Plan.unit_id == ward.id)),
            "task_id": task.id,
            "officer_id": officer.id,
            "meeting_id": session.scalar(select(Meeting.id).where(Meeting.unit_id == ward.id)),
            "period_id": session.scalar(
                select(ReportingPeriod.id).where(ReportingPeriod.unit_id == ward.id)
            ),
            "email_id": session.scalar(select(ReminderEmail.id).order_by(ReminderEmail.id)),
            "entry_id": session.scalar(
                select(IssuedDocument.id).where(IssuedDocument.unit_id == ward.id)
                .order_by(IssuedDocument.id)
            ),
        }
        units = {
            email: session.scalars(
                select(Unit.code).join(Officer, Officer.unit_id == Unit.id)
                .where(Officer.email == email)
            ).one()
            for email in ROLES.values()
        }
        session.remove()
    return Ids({k: str(v) for k, v in values.items() if v is not None}, units)


def _pages(app, ids: Ids, email: str) -> tuple[list[str], list[str]]:
    """The paths to walk for one login, and the routes left out for want of an id."""
    units = [ids.units[email]] + ([] if ids.units[email] == "vinh-hoa" else ["vinh-hoa"])
    paths, unfilled = [], []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in rule.methods or rule.endpoint in NOT_WALKED:
            continue
        if rule.rule.startswith("/api/"):
            continue  # JSON, not pages (tests/api validates them against the OpenAPI document)
        arguments = sorted(rule.arguments)
        if "unit_code" in arguments:
            for code in units:
                values = {"unit_code": code}
                if all(a in ids.values or a == "unit_code" for a in arguments):
                    values.update({a: ids.values[a] for a in arguments if a != "unit_code"})
                    paths.append(_build(rule, values))
            continue
        if not all(a in ids.values for a in arguments):
            unfilled.append(rule.endpoint)
            continue
        paths.append(_build(rule, {a: ids.values[a] for a in arguments}))
    return paths, unfilled


def _build(rule, values: dict[str, str]) -> str:
    path = rule.rule
    for name, value in values.items():
        path = re.sub(rf"<(?:\w+:)?{name}>", value, path)
    return path


@pytest.fixture
def long_word(live_server, demo):
    """A task of the demo's officer with a 2,000-character word in its title and deliverable,
    put back as it was afterwards (the other journeys read the demo's titles)."""
    from tracker.tasks.models import Task

    app = live_server.app
    with app.app_context():
        task = db.session.scalars(
            select(Task).where(Task.title == demo.officer_task_titles[0])
        ).first()
        kept = (task.id, task.title, task.deliverable)
        task.title = f"{task.title} {LONG_WORD}"
        task.deliverable = LONG_WORD
        db.session.commit()
        db.session.remove()
    yield
    with app.app_context():
        task = db.session.get(Task, kept[0])
        task.title, task.deliverable = kept[1], kept[2]
        db.session.commit()
        db.session.remove()


@functools.lru_cache(maxsize=2)
def _english(text: str) -> tuple[str, ...]:
    """The English words of a page's text (the same text at both widths is read once)."""
    text = NOT_TEXT.sub(" ", text)
    return tuple(sorted({w for w in english_words(text) if w.lower() not in ALLOWED_WORDS}))


def _check(page, path: str, label: str, errors: list[str], problems: list[str]) -> None:
    """Measure the page now loaded at each width, the width it was loaded at first (the one the
    page before was left at: one resize a page, not two); add what is wrong to `problems`."""
    loaded = page.viewport_size["width"]
    for width in sorted(WIDTHS, key=lambda w: w != loaded):
        if width != page.viewport_size["width"]:
            page.set_viewport_size({"width": width, "height": 900})
        found = page.evaluate(CHECKS)
        where = f"{label} {path} @{width}px"
        wrong = []
        if found["scrollWidth"] > found["innerWidth"]:
            wrong.append(f"scrolls sideways ({found['scrollWidth']} px wide)")
        english = _english(found["text"])
        if english:
            wrong.append(f"English words {list(english[:12])}")
        for low in found["lowContrast"][:5]:
            wrong.append(f"contrast {low['ratio']}:1 for “{low['text']}” ({low['tag']})")
        if errors:
            wrong.append(f"console errors {errors[:3]}")
        if wrong:
            problems.append(f"{where}: " + "; ".join(wrong))
            name = re.sub(r"[^\w]+", "-", f"{label}{path}-{width}").strip("-")
            SHOTS.mkdir(parents=True, exist_ok=True)
            (SHOTS / f"{name}.png").write_bytes(screenshot(page, full_page=False))
    errors.clear()


def test_every_page_of_every_role_on_a_phone_and_a_desktop(
    live_server, new_page, demo, clock, long_word
):
    clock(datetime(2024, 3, 12, 10, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")))
    app = live_server.app
    ids = _ids(app)
    problems: list[str] = []
    walked: list[str] = []
    not_theirs: list[str] = []
    unfilled_routes: set[str] = set()

    page = new_page(width=WIDTHS[0], height=900)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    for path in ANONYMOUS_PAGES:
        response = page.goto(path)
        assert response.status == 200, path
        _check(page, path, "anonymous", errors, problems)
        walked.append(f"anonymous {path}")

    for label, email in ROLES.items():
        page.context.clear_cookies()
        log_in(page, email, live_server.passwords[email])
        paths, unfilled = _pages(app, ids, email)
        unfilled_routes.update(unfilled)
        for path in paths:
            response = page.goto(path)
            status = response.status if response else 0
            if status in (403, 404):  # not this role's page, or nothing of theirs there
                not_theirs.append(f"{label} {path} {status}")
                errors.clear()
                continue
            if status >= 400 or status == 0:
                problems.append(f"{label} {path}: answered {status}")
                continue
            walked.append(f"{label} {path}")
            _check(page, path, label, errors, problems)

    print(f"\n{len(walked)} pages walked at {WIDTHS} px; refused to a role: {len(not_theirs)}")
    print("not walked, for want of an id in the demo:", sorted(unfilled_routes) or "none")
    assert len(walked) > 100
    assert not problems, "\n".join(problems)
    assert not unfilled_routes - {"reminders.email"}, "routes this walk cannot fill in"
