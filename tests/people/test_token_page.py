"""The token page: an officer makes, sees and revokes their API tokens; the secret shows once;
administrators see and revoke the unit's; bad input is refused in Vietnamese, nothing saved."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.api.support import bearer, token_for
from tests.conftest import csrf_token
from tests.factories import gen_officer, gen_unit
from tracker.core.audit import AuditEvent
from tracker.extensions import db
from tracker.people.models import ApiToken, Role, TokenScope

PAGE = "/account/tokens"


def _form(client, **data):
    html = client.get(PAGE).get_data(as_text=True)
    token = re.search(r'name="form_token"[^>]*value="([^"]+)"', html)
    fields = {"csrf_token": csrf_token(client, PAGE), "form_token": token.group(1),
              "name": "Hệ thống văn bản", "days": "90", "scope": "read"}
    return fields | data


def _secret(html: str) -> str:
    match = re.search(r'id="secret"[^>]*value="([^"]+)"', html)
    assert match, "no secret shown"
    return match.group(1)


@pytest.fixture
def officer(client, auth, clock):
    clock(datetime(2024, 3, 12, 3, 0, tzinfo=UTC))
    officer = gen_officer(gen_unit(code="vinh-hoa"), full_name="Lê Văn Tâm")
    db.session.commit()
    auth.login(officer)
    return officer


def test_the_menu_leads_to_the_page(client, officer):
    assert 'href="/account/tokens"' in client.get("/my-tasks").get_data(as_text=True)


def test_create_shows_the_secret_once_and_stores_its_hash(client, officer):
    response = client.post(PAGE, data=_form(client, scope="write", days="30"))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    secret = _secret(response.get_data(as_text=True))
    token = db.session.scalar(select(ApiToken).where(ApiToken.officer_id == officer.id))
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert (token.name, token.scope) == ("Hệ thống văn bản", TokenScope.WRITE)
    assert token.expires_at == datetime(2024, 4, 11, 3, 0, tzinfo=UTC)
    again = client.get(PAGE).get_data(as_text=True)
    assert secret not in again and "Hệ thống văn bản" in again and "chưa dùng" in again
    # the secret works, and the page shows when it was last used
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 200
    assert "dùng lần cuối 12/03/2024 10:00" in client.get(PAGE).get_data(as_text=True)
    created = db.session.scalar(select(AuditEvent).where(AuditEvent.entity_type == "api_tokens"))
    assert (created.action, created.actor_id) == ("create", officer.id)
    assert "token_hash" not in created.changes


def test_the_default_expiry_is_90_days(client, officer):
    client.post(PAGE, data=_form(client, days=""))
    token = db.session.scalar(select(ApiToken))
    assert token is None  # an empty field is refused, not guessed
    client.post(PAGE, data=_form(client))
    token = db.session.scalar(select(ApiToken))
    assert token.expires_at - token.created_at == timedelta(days=90)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "   "}, "name", "Đặt tên cho mã"),
        ({"name": "x" * 101}, "name", "tối đa 100"),
        ({"days": "abc"}, "days", "từ 1 đến 365"),
        ({"days": "0"}, "days", "từ 1 đến 365"),
        ({"days": "366"}, "days", "từ 1 đến 365"),
        ({"days": "-5"}, "days", "từ 1 đến 365"),
        ({"days": "٣٠"}, "days", "từ 1 đến 365"),
        ({"days": "9" * 50}, "days", "từ 1 đến 365"),
        ({"scope": "admin"}, "scope", "Chọn quyền"),
        ({"scope": ""}, "scope", "Chọn quyền"),
    ],
)
def test_bad_input_is_refused_and_kept_as_typed(client, officer, data, field, message):
    response = client.post(PAGE, data=_form(client, **data))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    assert 'id="secret"' not in html
    if field == "days":
        assert f'value="{data["days"]}"' in html
    assert db.session.scalars(select(ApiToken)).all() == []


def test_a_double_submit_makes_one_token(client, officer):
    form = _form(client)
    first = client.post(PAGE, data=form)
    assert first.status_code == 200
    second = client.post(PAGE, data=form)
    assert second.status_code == 302
    assert len(db.session.scalars(select(ApiToken)).all()) == 1


def test_revoke_own_token(client, officer):
    secret = token_for(officer)
    token = db.session.scalar(select(ApiToken))
    response = client.post(f"{PAGE}/{token.id}/revoke",
                           data={"csrf_token": csrf_token(client, PAGE)})
    assert response.status_code == 302
    db.session.expire_all()
    assert token.revoked_at is not None
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 401
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.entity_type == "api_tokens").order_by(AuditEvent.id)
    ).all()
    assert [e.action for e in events][-1] == "update"
    assert events[-1].actor_id == officer.id and "revoked_at" in events[-1].changes
    again = client.post(f"{PAGE}/{token.id}/revoke",
                        data={"csrf_token": csrf_token(client, PAGE)}, follow_redirects=True)
    assert "đã bị thu hồi trước đó" in again.get_data(as_text=True)


def test_another_officers_token_is_not_theirs_to_revoke(client, officer):
    neighbour = gen_officer(officer.unit)
    token_for(neighbour)
    token = db.session.scalar(select(ApiToken))
    assert "Mã của cán bộ khác" not in client.get(PAGE).get_data(as_text=True)
    response = client.post(f"{PAGE}/{token.id}/revoke",
                           data={"csrf_token": csrf_token(client, PAGE)})
    assert response.status_code == 403
    db.session.expire_all()
    assert token.revoked_at is None


def test_the_administrator_sees_and_revokes_the_units_tokens(client, auth, clock):
    clock(date(2024, 3, 12))
    ward, elsewhere = gen_unit(), gen_unit()
    admin = gen_officer(ward, Role.ADMIN)
    colleague = gen_officer(ward, full_name="Phạm Thị Đồng Nghiệp")
    stranger = gen_officer(elsewhere, full_name="Người Đơn Vị Khác")
    token_for(colleague)
    token_for(stranger)
    auth.login(admin)
    html = client.get(PAGE).get_data(as_text=True)
    assert "Phạm Thị Đồng Nghiệp" in html and "Người Đơn Vị Khác" not in html
    token = db.session.scalar(select(ApiToken).where(ApiToken.officer_id == colleague.id))
    response = client.post(f"{PAGE}/{token.id}/revoke",
                           data={"csrf_token": csrf_token(client, PAGE)})
    assert response.status_code == 302
    db.session.expire_all()
    assert token.revoked_at is not None
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.entity_type == "api_tokens",
                                 AuditEvent.entity_id == token.id).order_by(AuditEvent.id)
    ).all()[-1]
    assert (event.actor_id, event.unit_id) == (admin.id, ward.id)


def test_the_city_administrator_sees_the_tokens_of_its_wards(client, auth):
    from tracker.people.models import UnitKind

    city = gen_unit(kind=UnitKind.CITY)
    ward = gen_unit(parent=city, name="Phường Dưới")
    admin = gen_officer(city, Role.ADMIN)
    token_for(gen_officer(ward, full_name="Cán Bộ Phường Dưới"))
    auth.login(admin)
    html = client.get(PAGE).get_data(as_text=True)
    assert "Cán Bộ Phường Dưới" in html and "Phường Dưới" in html


def test_an_expired_token_is_refused_with_a_clear_message(client, clock):
    clock(datetime(2024, 3, 12, 3, 0, tzinfo=UTC))
    officer = gen_officer()
    secret = token_for(officer, days=1)
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 200
    clock(datetime(2024, 3, 13, 3, 0, tzinfo=UTC))
    response = client.get("/api/v1/me", headers=bearer(secret))
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    message = response.get_json()["error"]["message"]
    assert "hết hạn" in message and "10:00 13/03/2024" in message


def test_revoke_of_an_unknown_token_is_404(client, officer):
    response = client.post(f"{PAGE}/999999/revoke", data={"csrf_token": csrf_token(client, PAGE)})
    assert response.status_code == 404


def test_the_page_needs_a_csrf_token(client, officer):
    data = _form(client)
    data.pop("csrf_token")
    assert client.post(PAGE, data=data).status_code == 400
    assert db.session.scalars(select(ApiToken)).all() == []


def test_unit_administrators_manage_their_own_units_tokens_only(client, auth):
    from tracker.people.models import UnitKind

    city = gen_unit(kind=UnitKind.CITY)
    ward = gen_unit(parent=city)
    keeper = gen_officer(ward, Role.FOCAL_OFFICER, Role.UNIT_ADMIN)
    colleague = gen_officer(ward, full_name="Đồng Nghiệp Cùng Phường")
    above = gen_officer(city, full_name="Cán Bộ Thành Phố")
    token_for(colleague)
    token_for(above)
    auth.login(keeper)
    html = client.get(PAGE).get_data(as_text=True)
    assert "Đồng Nghiệp Cùng Phường" in html and "Cán Bộ Thành Phố" not in html
    theirs, city_token = (
        db.session.scalar(select(ApiToken).where(ApiToken.officer_id == o.id))
        for o in (colleague, above)
    )
    csrf = csrf_token(client, PAGE)
    assert client.post(f"{PAGE}/{city_token.id}/revoke", data={"csrf_token": csrf}).status_code \
        == 403
    assert client.post(f"{PAGE}/{theirs.id}/revoke", data={"csrf_token": csrf}).status_code \
        == 302


def test_an_administrator_below_does_not_reach_the_tokens_above(client, auth):
    from tracker.people.models import UnitKind

    city = gen_unit(kind=UnitKind.CITY)
    ward = gen_unit(parent=city)
    ward_admin = gen_officer(ward, Role.ADMIN)
    token_for(gen_officer(city))
    token = db.session.scalar(select(ApiToken))
    auth.login(ward_admin)
    response = client.post(f"{PAGE}/{token.id}/revoke",
                           data={"csrf_token": csrf_token(client, PAGE)})
    assert response.status_code == 403
