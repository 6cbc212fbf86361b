"""A form the server could not take keeps what was typed: sent after the session ended, the
login leads back to the form's page (never to the POST-only URL: no 405) with its fields once;
a body over the size limit comes back to its page with its other fields and the limit said."""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import Client, csrf_token
from tests.factories import PASSWORD, gen_officer, gen_plan, gen_task, gen_unit
from tracker.auth.drafts import MAX_BYTES, FormDraft
from tracker.extensions import db
from tracker.people.models import Role

START = datetime(2024, 3, 12, 1, 0, tzinfo=UTC)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def world():
    unit = gen_unit()
    chair = gen_officer(unit, Role.CHAIRPERSON)
    lead = gen_officer(unit)
    task = gen_task(gen_plan(unit), lead=lead)
    db.session.commit()
    return {"unit": unit, "chair": chair, "lead": lead, "task": task}


def _browser(app) -> Client:
    app.test_client_class = Client
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = "Mozilla/5.0 (X11; Linux) Chrome/120.0"
    return client


def _log_in(client, officer, follow: bool = False, next_url: str | None = None):
    path = "/login" + (f"?next={next_url}" if next_url else "")
    data = {"csrf_token": csrf_token(client, path), "email": officer.email, "password": PASSWORD}
    return client.post(path, data=data, follow_redirects=follow)


def _draft(html: str) -> dict | None:
    match = re.search(r'<script type="application/json" id="form-draft">(.*?)</script>', html, re.S)
    return json.loads(match.group(1)) if match else None


def _expired_progress_post(app, clock, world):
    """The lead opens the task, leaves for longer than the idle limit, then saves progress."""
    clock(START)
    browser = _browser(app)
    _log_in(browser, world["lead"])
    page = f"/tasks/{world['task'].id}"
    token = csrf_token(browser, page)
    clock(START + timedelta(hours=9))  # past TRACKER_SESSION_IDLE_HOURS (8)
    response = browser.post(
        f"/tasks/{world['task'].id}/progress",
        data={"csrf_token": token, "percent": "60", "note": "Đã rà soát 6/10 thủ tục"},
        headers={"Referer": f"http://localhost{page}"},
    )
    return browser, page, response


def test_a_form_sent_after_the_session_ended_returns_to_its_page_after_login(app, clock, world):
    browser, page, response = _expired_progress_post(app, clock, world)
    assert response.status_code == 302
    assert response.location.startswith("/login?next=")
    assert f"next=%2Ftasks%2F{world['task'].id}" in response.location  # the page, not /progress

    after = _log_in(browser, world["lead"], next_url=f"/tasks/{world['task'].id}")
    assert after.status_code == 302 and after.location == page
    shown = browser.get(page)
    assert shown.status_code == 200  # no "405 Phương thức không được hỗ trợ"
    html = shown.get_data(as_text=True)
    draft = _draft(html)
    assert draft["action"] == f"/tasks/{world['task'].id}/progress"
    assert ["percent", "60"] in draft["fields"]
    assert ["note", "Đã rà soát 6/10 thủ tục"] in draft["fields"]
    assert not any(name == "csrf_token" for name, _ in draft["fields"])
    assert 'id="form-draft-restored"' in html

    # Once: the next visit of the page is the page as it is.
    assert _draft(browser.get(page).get_data(as_text=True)) is None
    assert db.session.scalar(select(func.count()).select_from(FormDraft)) == 0


def test_without_a_referring_page_the_login_leads_to_the_home_page_not_the_post_url(
    app, clock, world
):
    clock(START)
    browser = _browser(app)
    _log_in(browser, world["lead"])
    token = csrf_token(browser, f"/tasks/{world['task'].id}")
    clock(START + timedelta(hours=9))
    response = browser.post(
        f"/tasks/{world['task'].id}/progress", data={"csrf_token": token, "percent": "5"}
    )
    assert "progress" not in response.location
    landed = _log_in(browser, world["lead"], follow=True, next_url="/")
    assert landed.status_code == 200


def test_a_draft_is_never_shown_to_another_officer(app, clock, world):
    browser, page, _response = _expired_progress_post(app, clock, world)
    # Someone else logs in on the same browser: nothing of the lead's typing reaches them.
    _log_in(browser, world["chair"])
    assert _draft(browser.get(page).get_data(as_text=True)) is None


def test_passwords_and_oversized_drafts_are_not_kept(app, clock, world):
    clock(START)
    browser = _browser(app)
    _log_in(browser, world["lead"])
    token = csrf_token(browser, "/password")
    clock(START + timedelta(hours=9))
    browser.post(
        "/password",
        data={"csrf_token": token, "current_password": PASSWORD, "new_password": "x" * 12},
        headers={"Referer": "http://localhost/password"},
    )
    assert db.session.scalar(select(func.count()).select_from(FormDraft)) == 0

    page = f"/tasks/{world['task'].id}"
    browser.post(
        f"/tasks/{world['task'].id}/notes",
        data={"csrf_token": token, "body": "x" * (MAX_BYTES + 1)},
        headers={"Referer": f"http://localhost{page}"},
    )
    assert db.session.scalar(select(func.count()).select_from(FormDraft)) == 0


def test_a_form_never_logged_in_keeps_nothing(app, world):
    browser = _browser(app)
    token = csrf_token(browser, "/login")
    response = browser.post(
        f"/tasks/{world['task'].id}/progress", data={"csrf_token": token, "percent": "5"}
    )
    assert response.status_code == 302 and "/login" in response.location
    assert db.session.scalar(select(func.count()).select_from(FormDraft)) == 0


# ----------------------------------------------------------------------------- too large


def test_the_upload_limit_is_stated_on_the_form(app, client, auth, world):
    auth.login(world["lead"])
    html = client.get(f"/tasks/{world['task'].id}/complete").get_data(as_text=True)
    assert 'data-max-bytes="10485760"' in html
    assert "Dung lượng tối đa 10 MB." in html


def test_an_oversized_upload_returns_to_its_form_with_the_fields_kept(app, client, auth, world):
    app.config["MAX_CONTENT_LENGTH"] = 2 * 1024 * 1024
    try:
        auth.login(world["lead"])
        page = f"/tasks/{world['task'].id}/complete"
        response = client.post(
            page,
            data={
                "csrf_token": csrf_token(client, page),
                "document_number": "333/KH-UBND",
                "document_date": "08/03/2024",
                "summary": "Kế hoạch tuyên truyền",
                "file": (io.BytesIO(PDF + b"0" * (3 * 1024 * 1024)), "ke-hoach.pdf"),
            },
            content_type="multipart/form-data",
            headers={"Referer": f"http://localhost{page}"},
        )
        assert response.status_code == 303 and response.location == page
        shown = client.get(page).get_data(as_text=True)
        assert "Tệp tải lên quá lớn: tối đa 2 MB." in shown
        draft = _draft(shown)
        assert ["document_number", "333/KH-UBND"] in draft["fields"]
        assert ["summary", "Kế hoạch tuyên truyền"] in draft["fields"]
        assert not any(name == "file" for name, _ in draft["fields"])
        assert "Dung lượng tối đa 2 MB." in shown
    finally:
        app.config["MAX_CONTENT_LENGTH"] = 10 * 1024 * 1024


def test_an_oversized_body_without_this_sites_token_keeps_nothing(app, client, auth, world):
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    try:
        auth.login(world["lead"])
        response = client.post(
            f"/tasks/{world['task'].id}/complete",
            data={
                "csrf_token": "forged",
                "summary": "x",
                "file": (io.BytesIO(b"0" * 2_000_000), "a.pdf"),
            },
            content_type="multipart/form-data",
        )
        assert response.status_code == 303
        assert db.session.scalar(select(func.count()).select_from(FormDraft)) == 0
    finally:
        app.config["MAX_CONTENT_LENGTH"] = 10 * 1024 * 1024


def test_the_api_still_answers_413_in_json(app, client, world):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    try:
        response = client.post(
            f"/api/v1/tasks/{world['task'].id}/progress",
            data=b"{" + b" " * 4096 + b"}",
            content_type="application/json",
        )
        assert response.status_code == 413
        assert response.json["error"]["status"] == 413
    finally:
        app.config["MAX_CONTENT_LENGTH"] = 10 * 1024 * 1024
