"""Adding an officer in the browser sends an invitation: a signed link, single use, 48 hours."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tests.conftest import csrf_token, session_csrf_token
from tests.factories import PASSWORD, gen_officer
from tests.people.conftest import gen_invited, link_path
from tracker.core.audit import AuditEvent
from tracker.core.clock import utcnow
from tracker.extensions import db
from tracker.people.links import Purpose, make_token
from tracker.people.models import Officer, Role
from tracker.people.operations import authenticate

NEW = {
    "full_name": "  Lê   Thị Hoa ",
    "position": "Công chức Văn phòng - Thống kê",
    "department": "Văn phòng HĐND và UBND",
    "email": "Hoa.Le@Phuong.example",
    "phone": "0912 345 678",
    "roles": ["officer", "focal_officer"],
}


def _add(client, unit, **changes):
    path = f"/units/{unit.code}/officers/new"
    data = {**NEW, **changes, "csrf_token": csrf_token(client, path)}
    return client.post(path, data=data)


def _set_password(client, path, password="mat-khau-moi-1", confirm=None):
    page = client.get(path)
    assert page.status_code == 200, page.get_data(as_text=True)
    data = {
        "new_password": password,
        "confirm": password if confirm is None else confirm,
        "csrf_token": csrf_token(client, path),
    }
    return client.post(path, data=data)


def test_adding_an_officer_emails_an_invitation_that_sets_the_password(
    client, auth, ward, mail_to
):
    unit, chair = ward
    auth.login(chair)
    response = _add(client, unit)
    assert response.status_code == 302
    officer = db.session.scalar(select(Officer).where(Officer.email == "hoa.le@phuong.example"))
    assert officer.full_name == "Lê Thị Hoa"
    assert officer.department == "Văn phòng HĐND và UBND"
    assert officer.phone == "0912 345 678"
    assert officer.roles == {Role.OFFICER, Role.FOCAL_OFFICER}
    assert officer.password_hash == ""
    created = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.entity_type == "officers", AuditEvent.entity_id == officer.id
        )
    )
    assert created.actor_id == chair.id and created.action == "create"
    assert "password_hash" not in created.changes

    [message] = mail_to.to("hoa.le@phuong.example")
    assert "Mời tham gia" in message["Subject"]
    path = link_path(message)
    assert path.startswith("/invitation/")
    auth.logout()
    assert _set_password(client, path).status_code == 302
    db.session.refresh(officer)
    assert authenticate(db.session, officer.email, "mat-khau-moi-1") == officer

    # single use: the same link again is refused, and sets nothing
    again = client.get(path)
    assert again.status_code == 400
    assert "đã được dùng" in again.get_data(as_text=True)
    assert again.headers["Referrer-Policy"] == "no-referrer"


def test_bad_input_keeps_the_form_as_typed_and_saves_nothing(client, auth, ward, mail_to):
    unit, chair = ward
    gen_officer(unit, email="trung@phuong.example")
    db.session.commit()
    auth.login(chair)
    response = _add(client, unit, email="trung@phuong.example", phone="abc", roles=[])
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "đã được dùng cho một cán bộ khác" in page
    assert "Số điện thoại chỉ gồm chữ số" in page
    assert "Cán bộ cần ít nhất một vai trò" in page
    assert 'value="Công chức Văn phòng - Thống kê"' in page  # kept as typed
    assert 'value="  Lê   Thị Hoa "' in page
    assert db.session.scalar(select(Officer).where(Officer.full_name == "Lê Thị Hoa")) is None
    assert mail_to.messages == []


def test_only_an_administrator_grants_the_administrator_role(client, auth, ward, mail_to):
    unit, chair = ward
    auth.login(chair)
    response = _add(client, unit, roles=["admin"])
    assert response.status_code == 200
    assert "Bạn không giao được vai trò Quản trị" in response.get_data(as_text=True)
    assert db.session.scalar(select(Officer).where(Officer.full_name == "Lê Thị Hoa")) is None


def test_an_invitation_expires_after_48_hours(client, ward, clock):
    unit, _chair = ward
    officer = gen_invited(unit)
    officer.invited_at = utcnow()
    token = make_token(officer, Purpose.INVITATION)
    db.session.commit()
    clock(utcnow() + timedelta(hours=47, minutes=59))
    assert client.get(f"/invitation/{token}").status_code == 200
    clock(utcnow() + timedelta(minutes=2))
    expired = client.get(f"/invitation/{token}")
    assert expired.status_code == 400
    assert "hết hạn" in expired.get_data(as_text=True)
    posted = client.post(
        f"/invitation/{token}",
        data={"new_password": "mat-khau-moi-1", "confirm": "mat-khau-moi-1"},
    )
    assert posted.status_code == 400
    db.session.refresh(officer)
    assert officer.password_hash == ""


def test_a_link_for_another_purpose_or_tampered_with_is_refused(client, ward):
    unit, _chair = ward
    officer = gen_officer(unit)
    invitation = make_token(officer, Purpose.INVITATION)
    reset = make_token(officer, Purpose.RESET)
    db.session.commit()
    assert client.get(f"/password/reset/{invitation}").status_code == 400
    assert client.get(f"/invitation/{reset}").status_code == 400
    assert client.get(f"/password/reset/{reset}").status_code == 200
    assert client.get(f"/invitation/{invitation[:-2]}xx").status_code == 400
    assert client.get("/invitation/" + "a" * 3000).status_code == 400
    # another officer's id under the same signature is impossible without the key: a token of
    # a session cookie's signer is no link
    from itsdangerous import URLSafeTimedSerializer

    forged = URLSafeTimedSerializer("another-key", salt="tracker.reset").dumps([officer.id, "x"])
    assert client.get(f"/password/reset/{forged}").status_code == 400


def test_a_new_invitation_replaces_the_old_link(client, auth, ward, mail_to, clock):
    unit, chair = ward
    auth.login(chair)
    _add(client, unit)
    officer = db.session.scalar(select(Officer).where(Officer.email == "hoa.le@phuong.example"))
    [first] = mail_to.to(officer.email)
    clock(utcnow() + timedelta(minutes=5))
    response = client.post(
        f"/officers/{officer.id}/invite", data={"csrf_token": session_csrf_token(client)}
    )
    assert response.status_code == 302
    first_link, second = link_path(first), mail_to.to(officer.email)[1]
    assert client.get(first_link).status_code == 400
    assert client.get(link_path(second)).status_code == 200


def test_the_mail_server_down_keeps_the_officer_and_says_so(client, auth, ward, monkeypatch, app):
    unit, chair = ward
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", 9)  # nothing listens on discard
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT", 2)
    monkeypatch.setitem(app.config, "TRACKER_MAIL_TRANSPORT", "smtp")
    auth.login(chair)
    response = _add(client, unit)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Chưa gửi được thư mời" in page
    assert db.session.scalar(select(Officer).where(Officer.email == "hoa.le@phuong.example"))


def test_setting_the_password_follows_the_password_rules(client, ward):
    unit, _chair = ward
    officer = gen_invited(unit)
    token = make_token(officer, Purpose.INVITATION)
    db.session.commit()
    path = f"/invitation/{token}"
    short = _set_password(client, path, "ngan")
    assert short.status_code == 200
    assert "Mật khẩu cần ít nhất 8 ký tự" in short.get_data(as_text=True)
    common = _set_password(client, path, "matkhau123")  # people.passwords: a common one
    assert "danh sách mật khẩu phổ biến" in common.get_data(as_text=True)
    mismatch = _set_password(client, path, "mat-khau-moi-1", "mat-khau-moi-2")
    assert "không khớp" in mismatch.get_data(as_text=True)
    db.session.refresh(officer)
    assert officer.password_hash == ""
    assert _set_password(client, path, PASSWORD + "x").status_code == 302


def test_a_deactivated_officer_link_no_longer_works(client, ward):
    unit, _chair = ward
    officer = gen_officer(unit)
    token = make_token(officer, Purpose.RESET)
    officer.active = False
    officer.session_version += 1
    db.session.commit()
    assert client.get(f"/password/reset/{token}").status_code == 400
