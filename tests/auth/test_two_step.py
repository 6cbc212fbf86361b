"""Two-step login: after the password an officer with an authenticator gives a code (or a
recovery code) before anything is open to them; codes are good once, throttled like
passwords, the pending step expires; roles may be obliged to enrol; an administrator resets."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from sqlalchemy import select

from tests.conftest import Client, csrf_token
from tests.factories import PASSWORD, gen_officer, gen_unit
from tracker.core.audit import AuditEvent
from tracker.core.clock import utcnow
from tracker.extensions import db
from tracker.people import two_step
from tracker.people.models import LoginAttempt, OfficerTotp, RecoveryCode, Role, UnitKind
from tracker.people.throttle import ACCOUNT

START = datetime(2024, 3, 12, 2, 0, 5, tzinfo=UTC)


def _code(secret: str, at: datetime | None = None) -> str:
    return pyotp.TOTP(secret).at(at or utcnow())


def _enrolled(officer, clock) -> tuple[str, list[str]]:
    """Switch the officer's second step on (as the enrolment page does) and move past the
    time step of the code that confirmed it."""
    clock(START)
    secret = two_step.new_secret()
    codes = two_step.enable(db.session, officer, secret, _code(secret))
    db.session.commit()
    clock(START + timedelta(seconds=30))
    return secret, codes


def _password(client, officer, password=PASSWORD, **extra):
    data = {"csrf_token": csrf_token(client), "email": officer.email, "password": password}
    return client.post("/login", data={**data, **extra})


def _second(client, code: str):
    token = csrf_token(client, "/login/code")
    return client.post("/login/code", data={"csrf_token": token, "code": code})


def _logged_in(client) -> bool:
    response = client.get("/my-tasks")
    return response.status_code == 200


def _events(officer, action: str) -> int:
    return len(
        db.session.scalars(
            select(AuditEvent.id).where(
                AuditEvent.entity_id == officer.id, AuditEvent.action == action
            )
        ).all()
    )


@pytest.fixture
def officer():
    officer = gen_officer(gen_unit())
    db.session.commit()
    return officer


def test_a_code_completes_the_login_and_nothing_is_open_before(client, officer, clock):
    secret, _ = _enrolled(officer, clock)
    response = _password(client, officer, remember="y")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/login/code")
    # between the two steps: no page, no session
    assert not _logged_in(client)
    for path in ("/", "/account/two-step", "/account/sessions", "/password"):
        assert "/login" in client.get(path).headers["Location"], path
    response = _second(client, _code(secret))
    assert response.status_code == 302
    assert _logged_in(client)
    assert any(c.key == "remember_token" for c in client._cookies.values())


def test_a_wrong_code_is_refused_and_counted(client, officer, clock):
    secret, _ = _enrolled(officer, clock)
    _password(client, officer)
    wrong = f"{(int(_code(secret)) + 1) % 1_000_000:06d}"
    response = _second(client, wrong)
    assert response.status_code == 200
    assert "Mã không đúng hoặc đã được dùng." in response.get_data(as_text=True)
    assert not _logged_in(client)
    failures = db.session.scalars(
        select(LoginAttempt).where(LoginAttempt.email == officer.email)
    ).all()
    assert [a.success for a in failures] == [False]


def test_a_code_is_good_once(client, auth, officer, clock):
    secret, _ = _enrolled(officer, clock)
    code = _code(secret)
    _password(client, officer)
    assert _second(client, code).status_code == 302
    auth.logout()
    _password(client, officer)
    assert _second(client, code).status_code == 200  # replayed within its 30 s
    assert not _logged_in(client)


def test_one_step_of_clock_drift_either_way(client, officer, clock):
    secret, _ = _enrolled(officer, clock)
    now = utcnow()
    _password(client, officer)
    assert _second(client, _code(secret, now + timedelta(seconds=90))).status_code == 200
    assert _second(client, _code(secret, now + timedelta(seconds=30))).status_code == 302


def test_a_code_older_than_the_drift_is_refused(client, officer, clock):
    secret, _ = _enrolled(officer, clock)
    clock(utcnow() + timedelta(minutes=3))
    _password(client, officer)
    assert _second(client, _code(secret, utcnow() - timedelta(seconds=60))).status_code == 200
    assert not _logged_in(client)


def test_a_recovery_code_works_once(client, auth, officer, clock):
    _, codes = _enrolled(officer, clock)
    assert len(codes) == 10 and len(set(codes)) == 10
    _password(client, officer)
    assert _second(client, codes[0].lower()).status_code == 302
    assert _events(officer, two_step.RECOVERY_USED) == 1
    auth.logout()
    _password(client, officer)
    assert _second(client, codes[0]).status_code == 200
    assert not _logged_in(client)
    # kept hashed only
    hashes = db.session.scalars(select(RecoveryCode.code_hash)).all()
    assert not {c.replace(" ", "") for c in codes} & set(hashes)


def test_new_recovery_codes_void_the_old_ones(client, auth, officer, clock):
    _, old = _enrolled(officer, clock)
    auth.login(officer)
    _second(client, old[0])
    token = csrf_token(client, "/account/two-step")
    page = client.post(
        "/account/two-step/recovery-codes",
        data={"renew-csrf_token": token, "renew-password": PASSWORD},
    ).get_data(as_text=True)
    new = re.findall(r"<li class=\"col mb-1\">([A-Z0-9 ]+)</li>", page)
    assert len(new) == 10
    auth.logout()
    _password(client, officer)
    assert _second(client, old[1]).status_code == 200
    assert _second(client, new[0]).status_code == 302
    assert _events(officer, two_step.RECOVERY_RENEWED) == 1


def test_the_pending_step_expires(client, officer, clock):
    secret, _ = _enrolled(officer, clock)
    _password(client, officer)
    clock(utcnow() + timedelta(minutes=5, seconds=1))
    response = _second(client, _code(secret))
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/login")
    assert not _logged_in(client)


def test_the_second_step_is_throttled(client, officer, clock):
    secret, _ = _enrolled(officer, clock)
    _password(client, officer)
    for _ in range(ACCOUNT.lock):
        _second(client, "000000" if _code(secret) != "000000" else "111111")
    # locked: the right code is refused the same way, with the wait
    response = _second(client, _code(secret))
    assert "Vui lòng thử lại sau" in response.get_data(as_text=True)
    assert not _logged_in(client)
    # and a correct password does not start the count again
    _password(client, officer)
    response = _second(client, _code(secret))
    assert "Vui lòng thử lại sau" in response.get_data(as_text=True)


@pytest.fixture
def chair_required(app):
    app.config["TRACKER_2FA_ROLES"] = ("chairperson",)
    yield
    app.config["TRACKER_2FA_ROLES"] = ()


def test_a_required_role_must_enrol_first(client, chair_required, clock):
    clock(START)
    chair = gen_officer(gen_unit(), Role.CHAIRPERSON)
    db.session.commit()
    response = _password(client, chair)
    assert response.headers["Location"].endswith("/login/enrol")
    assert not _logged_in(client)
    page = client.get("/login/enrol").get_data(as_text=True)
    assert "<svg" in page
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    token = csrf_token(client, "/login/enrol")
    wrong = client.post("/login/enrol", data={"csrf_token": token, "code": "12"})
    assert wrong.status_code == 200 and not _logged_in(client)
    response = client.post("/login/enrol", data={"csrf_token": token, "code": _code(secret)})
    assert response.status_code == 200
    assert len(re.findall(r'<li class="col mb-1">', response.get_data(as_text=True))) == 10
    assert _logged_in(client)
    assert _events(chair, two_step.ENABLED) == 1
    # the role keeps it on
    token = csrf_token(client, "/account/two-step")
    client.post(
        "/account/two-step/disable",
        data={"disable-csrf_token": token, "disable-password": PASSWORD},
    )
    assert db.session.get(OfficerTotp, chair.id) is not None


def test_an_officer_enrols_and_disables_with_the_password(client, auth, officer, clock):
    clock(START)
    auth.login(officer)
    page = client.get("/account/two-step").get_data(as_text=True)
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    token = csrf_token(client, "/account/two-step")
    client.post("/account/two-step", data={"csrf_token": token, "code": _code(secret)})
    assert db.session.get(OfficerTotp, officer.id).secret == secret
    token = csrf_token(client, "/account/two-step")
    client.post(
        "/account/two-step/disable",
        data={"disable-csrf_token": token, "disable-password": "not the password"},
    )
    assert db.session.get(OfficerTotp, officer.id) is not None
    client.post(
        "/account/two-step/disable",
        data={"disable-csrf_token": token, "disable-password": PASSWORD},
    )
    db.session.expire_all()
    assert db.session.get(OfficerTotp, officer.id) is None
    assert _events(officer, two_step.DISABLED) == 1


def test_an_administrator_resets_an_officer(client, auth, clock):
    unit = gen_unit()
    admin = gen_officer(unit, Role.UNIT_ADMIN)
    officer = gen_officer(unit)
    db.session.commit()
    _enrolled(officer, clock)
    auth.login(admin)
    token = csrf_token(client, f"/officers/{officer.id}/two-step")
    client.post(
        f"/officers/{officer.id}/two-step", data={"csrf_token": token, "password": PASSWORD}
    )
    db.session.expire_all()
    assert db.session.get(OfficerTotp, officer.id) is None
    assert db.session.scalars(select(RecoveryCode).where(
        RecoveryCode.officer_id == officer.id)).all() == []
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == two_step.RESET)
    ).one()
    assert (event.actor_id, event.entity_id) == (admin.id, officer.id)
    auth.logout()
    assert _password(client, officer).headers["Location"].endswith("/")
    assert _logged_in(client)


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/login/code", {"code": "1" * 5000}),
        ("/login/code", {"code": ["1", "2"]}),
        ("/login/code", {}),
        ("/login/code", {"code": "ÿ" * 20}),
        ("/login/enrol", {"code": "abcdef"}),
    ],
)
def test_malformed_second_steps_never_fail(client, officer, clock, path, data):
    _enrolled(officer, clock)
    _password(client, officer)
    token = csrf_token(client, "/login/code")
    response = client.post(path, data={"csrf_token": token, **data})
    assert response.status_code in (200, 302)
    assert not _logged_in(client)


def test_a_forged_pending_marker_is_refused(client, officer, clock):
    _enrolled(officer, clock)
    with client.session_transaction() as session:
        session["pending_login"] = {"officer": "x", "expires": "soon"}
    assert client.get("/login/code").status_code == 302
    with client.session_transaction() as session:
        session["pending_login"] = ["not", "a", "dict"]
    assert client.get("/login/code").status_code == 302


def test_a_unit_obliges_roles_to_two_steps_from_its_settings(app, clock):
    """The unit administrator chooses who must log in in two steps; a ward takes its
    province's choice unless it sets its own; without any, the server's TRACKER_2FA_ROLES."""
    clock(START)
    province = gen_unit(kind=UnitKind.PROVINCE)
    ward = gen_unit(parent=province)
    keeper = gen_officer(ward, Role.UNIT_ADMIN)
    chair = gen_officer(ward, Role.CHAIRPERSON)
    officer = gen_officer(ward)
    db.session.commit()
    app.test_client_class = Client  # several browsers: none sees another's login

    def login(who) -> str:
        response = _password(app.test_client(), who)
        assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
        return response.headers["Location"]

    assert not login(chair).endswith("/login/enrol")  # nothing required yet
    province.two_step_roles = "admin,chairperson"
    db.session.commit()
    assert login(chair).endswith("/login/enrol")  # the province's choice
    assert not login(officer).endswith("/login/enrol")

    keeper_client = app.test_client()
    _password(keeper_client, keeper)
    page = f"/units/{ward.code}/settings"
    response = keeper_client.post(page, data={
        "csrf_token": csrf_token(keeper_client, page), "name": ward.name, "short_name": "",
        "late_extensions": "inherit", "two_step": "everyone",
    })
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    assert "officer" in db.session.get(type(ward), ward.id).two_step_roles.split(",")
    assert login(officer).endswith("/login/enrol")  # the ward's own choice
