"""Sessions kept on the server: a cookie captured before logout is refused after it, a session
ends after inactivity, an officer sees where they are logged in and ends any session."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from flask.testing import FlaskClient

from tests.conftest import Client, csrf_token
from tests.factories import PASSWORD, gen_officer, gen_unit
from tracker.extensions import db

START = datetime(2024, 3, 12, 1, 0, tzinfo=UTC)


@pytest.fixture
def officer():
    officer = gen_officer(gen_unit())
    db.session.commit()
    return officer


def _browser(app, agent: str = "Mozilla/5.0 (Windows NT 10.0) Chrome/120.0") -> FlaskClient:
    app.test_client_class = Client
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = agent
    return client


def _log_in(client, officer, remember: bool = False):
    data = {"csrf_token": csrf_token(client), "email": officer.email, "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    assert client.post("/login", data=data).status_code == 302


def _cookies(client) -> dict[str, str]:
    return {c.key: c.value for c in client._cookies.values()}


def _logged_in(client) -> bool:
    return client.get("/my-tasks").status_code == 200


def test_a_cookie_captured_before_logout_is_refused_after(app, officer):
    browser = _browser(app)
    _log_in(browser, officer, remember=True)
    stolen = _cookies(browser)
    assert "session" in stolen and "remember_token" in stolen
    browser.post("/logout", data={"csrf_token": csrf_token(browser, "/my-tasks")})
    assert not _logged_in(browser)
    for name in ("session", "remember_token"):  # each alone, as a thief would replay it
        thief = _browser(app)
        thief.set_cookie(name, stolen[name])
        assert not _logged_in(thief), name


def test_a_session_ends_after_the_idle_limit(app, officer, clock):
    clock(START)
    browser = _browser(app)
    _log_in(browser, officer)
    clock(START + timedelta(hours=7, minutes=59))
    assert _logged_in(browser)  # and this use counts as activity
    clock(START + timedelta(hours=15, minutes=58))
    assert _logged_in(browser)
    clock(START + timedelta(hours=24))
    assert not _logged_in(browser)
    clock(START + timedelta(hours=24, minutes=1))
    assert not _logged_in(browser)  # ended for good


def test_an_officer_sees_their_sessions_and_ends_another(app, officer):
    phone = _browser(app, "Mozilla/5.0 (Linux; Android 14) Chrome/120.0 Mobile")
    desk = _browser(app, "Mozilla/5.0 (Windows NT 10.0) Firefox/121.0")
    _log_in(phone, officer)
    _log_in(desk, officer)
    html = desk.get("/account/sessions").get_data(as_text=True)
    assert "Chrome · Android" in html and "Firefox · Windows" in html
    assert html.count("Phiên này") == 1
    ids = re.findall(r"/account/sessions/(\d+)/end", html)
    assert len(ids) == 1  # the other one: this one is ended by logging out
    token = csrf_token(desk, "/account/sessions")
    ended = desk.post(f"/account/sessions/{ids[0]}/end", data={"csrf_token": token})
    assert ended.status_code == 302
    assert not _logged_in(phone)
    assert _logged_in(desk)
    # Another officer's session cannot be ended from here.
    other = gen_officer(officer.unit)
    db.session.commit()
    intruder = _browser(app)
    _log_in(intruder, other)
    token = csrf_token(intruder, "/account/sessions")
    response = intruder.post(f"/account/sessions/{ids[0]}/end", data={"csrf_token": token})
    assert response.status_code == 404


def test_changing_the_password_ends_the_other_sessions_but_this_one(app, officer):
    phone, desk = _browser(app), _browser(app)
    _log_in(phone, officer)
    _log_in(desk, officer)
    response = desk.post(
        "/password",
        data={
            "csrf_token": csrf_token(desk, "/password"),
            "current_password": PASSWORD,
            "new_password": "hoa sen trong đầm",
            "confirm": "hoa sen trong đầm",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    assert _logged_in(desk) and not _logged_in(phone)


def test_the_remember_cookie_is_lax_and_http_only(app, officer):
    browser = _browser(app)
    response = browser.post(
        "/login",
        data={"csrf_token": csrf_token(browser), "email": officer.email, "password": PASSWORD,
              "remember": "y"},
    )
    cookies = response.headers.getlist("Set-Cookie")
    remember = next(h for h in cookies if h.startswith("remember_token"))
    assert "HttpOnly" in remember and "SameSite=Lax" in remember
