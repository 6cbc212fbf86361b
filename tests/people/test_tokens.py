"""`tracker token create`: prints a token that the API accepts; stores only its digest."""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from tests.factories import gen_officer
from tracker.extensions import db
from tracker.people.models import ApiToken
from tracker.people.tokens import check_token


def officer_for_token(session, secret):
    return check_token(session, secret).token.officer


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


def test_token_create_takes_a_name_an_expiry_and_a_scope(runner, clock):
    from datetime import UTC, datetime, timedelta

    from tracker.people.models import TokenScope

    clock(datetime(2024, 3, 12, 3, 0, tzinfo=UTC))
    officer = gen_officer()
    db.session.commit()
    result = runner.invoke(args=["token", "create", "--email", officer.email, "--name",
                                 "Văn bản tỉnh", "--expires", "30", "--scope", "write"])
    assert result.exit_code == 0, result.output
    token = check_token(db.session, result.output.strip()).token
    assert (token.name, token.scope) == ("Văn bản tỉnh", TokenScope.WRITE)
    assert token.expires_at - token.created_at == timedelta(days=30)


def test_token_create_refuses_a_bad_expiry_in_one_line(runner):
    officer = gen_officer()
    db.session.commit()
    for days in ("0", "366"):
        result = runner.invoke(args=["token", "create", "--email", officer.email,
                                     "--expires", days])
        assert result.exit_code != 0
        assert "365" in result.output and "Traceback" not in result.output
    bad_scope = runner.invoke(args=["token", "create", "--email", officer.email,
                                    "--scope", "admin"])
    assert bad_scope.exit_code != 0
    assert db.session.scalars(select(ApiToken)).all() == []


def test_token_list_and_revoke(runner, client):
    officer = gen_officer(email="tam.le@vinhhoa.example")
    db.session.commit()
    secret = runner.invoke(args=["token", "create", "--email", officer.email, "--name",
                                 "Công cụ tỉnh"]).output.strip()
    listed = runner.invoke(args=["token", "list"])
    assert listed.exit_code == 0
    (line,) = listed.output.splitlines()
    token_id, state, scope = line.split("\t")[:3]
    assert (state, scope) == ("active", "read")
    assert "tam.le@vinhhoa.example" in line and "Công cụ tỉnh" in line and secret not in line
    revoked = runner.invoke(args=["token", "revoke", token_id])
    assert revoked.exit_code == 0, revoked.output
    assert runner.invoke(args=["token", "list", "--email", officer.email]).output.split(
        "\t")[1] == "revoked"
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code \
        == 401
    assert runner.invoke(args=["token", "revoke", token_id]).exit_code != 0  # already
    assert runner.invoke(args=["token", "revoke", "999999"]).exit_code != 0
    assert runner.invoke(args=["token", "list", "--unit", "khong-co"]).exit_code != 0
