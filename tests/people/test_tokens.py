"""`tracker token create`: prints a token that the API accepts; stores only its digest."""

from __future__ import annotations


def officer_for_token(session, secret):
    return check_token(session, secret).token.officer

import hashlib

from sqlalchemy import select

from tests.factories import gen_officer
from tracker.extensions import db
from tracker.people.models import ApiToken
from tracker.people.tokens import check_token


def test_token_create_prints_a_working_token(runner, client):
    officer = gen_officer(email="an.nguyen@vinhhoa.example")
    db.session.commit()
    result = runner.invoke(args=["token", "create", "--email", "An.Nguyen@VinhHoa.example"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == 1
    token = lines[0]
    assert len(token) >= 40 and " " not in token
    assert officer_for_token(db.session, token) == officer
    stored = db.session.scalars(select(ApiToken).where(ApiToken.officer_id == officer.id)).all()
    assert [row.token_hash for row in stored] == [hashlib.sha256(token.encode()).hexdigest()]
    assert token not in {row.token_hash for row in stored}

    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.get_json()["id"] == officer.id


def test_each_token_is_new(runner):
    officer = gen_officer()
    db.session.commit()
    first = runner.invoke(args=["token", "create", "--email", officer.email]).output.strip()
    second = runner.invoke(args=["token", "create", "--email", officer.email]).output.strip()
    assert first != second
    assert officer_for_token(db.session, first) == officer_for_token(db.session, second) == officer


def test_token_create_for_unknown_email_exits_with_one_line(runner):
    gen_officer()
    db.session.commit()
    result = runner.invoke(args=["token", "create", "--email", "khong-co@vinhhoa.example"])
    assert result.exit_code != 0
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert "khong-co@vinhhoa.example" in lines[0]
    assert "Traceback" not in result.output
    assert db.session.scalars(select(ApiToken)).all() == []


def test_token_create_needs_an_email(runner):
    result = runner.invoke(args=["token", "create"])
    assert result.exit_code != 0
    assert "--email" in result.output
