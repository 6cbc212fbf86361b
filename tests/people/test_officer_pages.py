"""The officers page and editing an officer: details, roles (audited), who may."""

from __future__ import annotations

from sqlalchemy import select

from tests.conftest import csrf_token
from tests.factories import gen_officer
from tracker.core.audit import AuditEvent
from tracker.extensions import db
from tracker.people.models import Role


def _edit(client, officer, **fields):
    path = f"/officers/{officer.id}/edit"
    data = {
        "full_name": officer.full_name,
        "position": officer.position,
        "department": officer.department,
        "email": officer.email,
        "phone": officer.phone,
        "roles": sorted(r.value for r in officer.roles),
        **fields,
        "csrf_token": csrf_token(client, path),
    }
    return client.post(path, data=data)


def test_the_page_shows_the_actions_to_who_may(client, auth, ward):
    unit, chair = ward
    plain = gen_officer(unit, full_name="Hồ Cán Bộ")
    db.session.commit()
    auth.login(chair)
    page = client.get(f"/units/{unit.code}/officers").get_data(as_text=True)
    assert "Thêm cán bộ" in page and "Nhập từ tệp Excel" in page
    assert f"/officers/{plain.id}/edit" in page and f"/officers/{plain.id}/deactivate" in page
    assert f"/officers/{chair.id}/deactivate" not in page  # not oneself
    auth.logout()
    auth.login(plain)
    page = client.get(f"/units/{unit.code}/officers").get_data(as_text=True)
    assert "Thêm cán bộ" not in page and "/edit" not in page


def test_editing_details_and_roles_is_audited_and_ends_their_sessions(client, auth, ward):
    unit, chair = ward
    officer = gen_officer(unit, full_name="Hồ Cán Bộ")
    db.session.commit()
    version = officer.session_version
    auth.login(chair)
    response = _edit(
        client, officer, department="Địa chính", roles=["officer", "vice_chairperson"]
    )
    assert response.status_code == 302
    db.session.refresh(officer)
    assert officer.department == "Địa chính"
    assert officer.roles == {Role.OFFICER, Role.VICE_CHAIRPERSON}
    assert officer.session_version == version + 1
    events = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.entity_type == "officers",
            AuditEvent.entity_id == officer.id,
            AuditEvent.action == "update",
        )
    ).all()
    changes = {}
    for event_ in events:
        assert event_.actor_id == chair.id
        changes |= event_.changes
    assert changes["department"] == ["", "Địa chính"]
    assert changes["roles"] == [["officer"], ["officer", "vice_chairperson"]]
    assert "session_version" not in changes


def test_bad_edits_keep_the_form_and_save_nothing(client, auth, ward):
    unit, chair = ward
    officer = gen_officer(unit, full_name="Hồ Cán Bộ")
    db.session.commit()
    auth.login(chair)
    response = _edit(client, officer, full_name="", email="sai@", roles=["khong-co"])
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Họ và tên không được để trống" in page
    assert "Cán bộ cần ít nhất một vai trò" in page
    assert 'value="sai@"' in page
    db.session.refresh(officer)
    assert officer.full_name == "Hồ Cán Bộ"
    for garbage in ("a\x00b", "🙂" * 300, "a\x07b"):  # NUL: refused before the view (400)
        assert _edit(client, officer, full_name=garbage).status_code in (200, 400)
    db.session.refresh(officer)
    assert officer.full_name == "Hồ Cán Bộ"


def test_no_one_changes_their_own_roles_and_a_chairperson_leaves_administrators_alone(
    client, auth, ward
):
    unit, chair = ward
    admin = gen_officer(unit, Role.ADMIN)
    db.session.commit()
    auth.login(chair)
    response = _edit(client, chair, roles=["chairperson", "admin"])
    assert "Bạn không giao được vai trò Quản trị" in response.get_data(as_text=True)
    response = _edit(client, chair, roles=["officer"])
    assert "Không tự đổi vai trò" in response.get_data(as_text=True)
    db.session.refresh(chair)
    assert chair.roles == {Role.CHAIRPERSON}
    assert client.get(f"/officers/{admin.id}/edit").status_code == 403
    assert client.get(f"/officers/{admin.id}/deactivate").status_code == 403
