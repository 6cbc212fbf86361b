"""Bearer tokens are the API's only credential."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.api.support import bearer, token_for
from tests.factories import gen_officer
from tracker.core.clock import utcnow
from tracker.extensions import db
from tracker.people.models import ApiToken


def _assert_401(response) -> None:
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    body = response.get_json()
    assert body["error"]["status"] == 401
    assert body["error"]["message"]


def test_valid_token_is_accepted(client):
    officer = gen_officer()
    token = token_for(officer)
    response = client.get("/api/v1/me", headers=bearer(token))
    assert response.status_code == 200
    assert response.get_json()["email"] == officer.email
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("scheme", ["Bearer", "bearer", "BEARER"])
def test_scheme_is_case_insensitive(client, scheme):
    token = token_for(gen_officer())
    response = client.get("/api/v1/me", headers={"Authorization": f"{scheme} {token}"})
    assert response.status_code == 200


def test_no_token_is_401(client):
    gen_officer()
    db.session.commit()
    _assert_401(client.get("/api/v1/me"))
    _assert_401(client.get("/api/v1/units/any/plans"))


@pytest.mark.parametrize(
    "header",
    [
        "Bearer not-a-token",
        "Bearer",
        "Bearer    ",
        "Basic dXNlcjpwYXNz",
        "Token abc",
        "Bearer " + "x" * 10_000,
        "Bearer ñandú-çà",
        "Bearer \x00",
    ],
)
def test_bad_token_is_401(client, header):
    token_for(gen_officer())
    _assert_401(client.get("/api/v1/me", headers={"Authorization": header}))


def test_token_of_another_officer_is_not_accepted_with_a_suffix(client):
    token = token_for(gen_officer())
    _assert_401(client.get("/api/v1/me", headers=bearer(token + "x")))
    _assert_401(client.get("/api/v1/me", headers=bearer(token[:-1])))


def test_revoked_token_is_401(client):
    officer = gen_officer()
    token = token_for(officer)
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    for row in db.session.scalars(select(ApiToken).where(ApiToken.officer_id == officer.id)):
        row.revoked_at = utcnow()
    db.session.commit()
    _assert_401(client.get("/api/v1/me", headers=bearer(token)))


def test_other_tokens_of_the_officer_survive_a_revocation(client):
    officer = gen_officer()
    first, second = token_for(officer), token_for(officer)
    row = db.session.scalars(
        select(ApiToken).where(ApiToken.officer_id == officer.id).order_by(ApiToken.id)
    ).first()
    row.revoked_at = utcnow()
    db.session.commit()
    _assert_401(client.get("/api/v1/me", headers=bearer(first)))
    assert client.get("/api/v1/me", headers=bearer(second)).status_code == 200


def test_token_of_inactive_officer_is_401(client):
    officer = gen_officer()
    token = token_for(officer)
    officer.active = False
    db.session.commit()
    _assert_401(client.get("/api/v1/me", headers=bearer(token)))


def test_browser_login_does_not_authenticate_api(client, auth):
    officer = gen_officer()
    db.session.commit()
    assert auth.login(officer).status_code == 302
    home = client.get("/")  # logged in for the pages: sent to the unit's plans, not to /login
    assert home.status_code == 302
    assert "/login" not in home.headers["Location"]
    _assert_401(client.get("/api/v1/me"))
    _assert_401(client.get(f"/api/v1/units/{officer.unit.code}/plans"))


def test_api_sets_no_cookie(client):
    token = token_for(gen_officer())
    response = client.get("/api/v1/me", headers=bearer(token))
    assert "Set-Cookie" not in response.headers
    assert client.get_cookie("session") is None


def test_openapi_needs_no_token(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.get_json()["openapi"].startswith("3.")


def test_api_does_not_need_csrf_tokens_and_is_read_only(client):
    token = token_for(gen_officer())
    response = client.post("/api/v1/me", headers=bearer(token))
    assert response.status_code == 405
    assert response.get_json()["error"]["status"] == 405
