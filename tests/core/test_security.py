"""What every response and request gets on a server facing the internet (core/security.py):
headers, one safe redirect for every `next`, NUL characters refused before any view, dates
beyond reckoning refused, error responses that keep their headers."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from config import ProductionConfig
from tests.conftest import csrf_token
from tests.factories import gen_officer, gen_plan, gen_task, gen_unit
from tracker import create_app
from tracker.core.security import safe_next
from tracker.extensions import db
from tracker.people.models import Role
from tracker.tasks.models import Task


@pytest.fixture
def ward():
    unit = gen_unit()
    chair = gen_officer(unit, Role.CHAIRPERSON)
    plan = gen_plan(unit)
    task = gen_task(plan, gen_officer(unit), deadline=date(2024, 6, 28))
    db.session.commit()
    return {"unit": unit, "chair": chair, "plan": plan, "task": task}


def test_html_pages_forbid_inline_scripts_and_framing(client, auth, ward):
    auth.login(ward["chair"].email)
    for path in ("/login", f"/tasks/{ward['task'].id}", f"/plans/{ward['plan'].id}", "/nowhere"):
        response = client.get(path)
        policy = response.headers["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
        assert directives["script-src"] == "'self'", path  # no 'unsafe-inline', no eval
        assert directives["frame-ancestors"] == "'none'", path
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in response.headers  # testing runs on http
        html = response.get_data(as_text=True)
        assert "<script>" not in html and " onclick=" not in html, path


def test_production_tells_browsers_to_stay_on_https(tmp_path):
    app = create_app(
        ProductionConfig,
        SECRET_KEY="k" * 40,
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'p.sqlite3'}",
        TRACKER_UPLOAD_DIR=str(tmp_path / "up"),
    )
    response = app.test_client().get("/healthz")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "/\\evil.example",
        "/\\\\evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        "evil.example",
        "",
        None,
    ],
)
def test_a_next_off_the_site_goes_home(app, target):
    with app.test_request_context():
        assert safe_next(target) == "/"


def test_a_next_on_the_site_is_followed(app):
    with app.test_request_context():
        target = "/tasks/3?as_of=2024-03-12#evidence"
        assert safe_next(target) == target


@pytest.mark.parametrize("target", ["/\\evil.example", "//evil.example", "/\t/evil.example"])
def test_the_language_switch_and_the_login_stay_on_the_site(client, ward, target):
    token = csrf_token(client)
    response = client.post("/language/en", data={"csrf_token": token, "next": target})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    response = client.post(
        "/login",
        query_string={"next": target},
        data={"csrf_token": token, "email": ward["chair"].email, "password": "mat-khau-123"},
    )
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_a_nul_character_is_refused_with_a_message_and_nothing_saved(client, auth, ward):
    auth.login(ward["chair"].email)
    page = f"/tasks/{ward['task'].id}"
    before = db.session.scalar(select(func.count()).select_from(Task))
    for path, data in (
        (f"/plans/{ward['plan'].id}/tasks/new", {"title": "Việc\x00mới", "deliverable": "x"}),
        (f"{page}/notes", {"body": "ghi\x00chú"}),
        ("/login", {"email": "a\x00@x.example", "password": "x"}),
    ):
        response = client.post(path, data={"csrf_token": csrf_token(client, page), **data})
        assert response.status_code == 400, path
        assert "ký tự không hợp lệ (NUL)" in response.get_data(as_text=True)
    assert client.get(f"/units/{ward['unit'].code}/tasks?q=a%00b").status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Task)) == before


@pytest.mark.parametrize("value", ["31/12/9999", "01/01/0001", "9999-12-31"])
def test_a_date_beyond_reckoning_is_said_not_fatal(client, auth, ward, value):
    auth.login(ward["chair"].email)
    for path in (
        f"/units/{ward['unit'].code}/dashboard",
        f"/units/{ward['unit'].code}/plans",
        f"/plans/{ward['plan'].id}",
        f"/units/{ward['unit'].code}/tasks",
    ):
        response = client.get(path, query_string={"as_of": value})
        assert response.status_code == 200, path


def test_a_405_keeps_its_allow_header(client):
    response = client.get("/logout")
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]
    assert "Phương thức không được hỗ trợ" in response.get_data(as_text=True)
