"""Unit administrators: named and removed on a page (audited); they manage their unit's
officers, calendar and settings, and read its login history; nothing of other units."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from tests.conftest import csrf_token, session_csrf_token
from tests.factories import PASSWORD, gen_officer, gen_unit
from tracker.core.audit import AuditEvent
from tracker.core.permissions import Action, can
from tracker.extensions import db
from tracker.people.logins import PER_PAGE
from tracker.people.models import Role, UnitKind
from tracker.tasks.deadlines import late_extension_counts


@pytest.fixture
def ward(app):
    province = gen_unit(code="tinh", name="Tỉnh Khánh Hòa", kind=UnitKind.PROVINCE)
    ward = gen_unit(code="vinh-hoa", name="Phường Vĩnh Hòa", parent=province)
    db.session.commit()
    return ward


def _post(client, path, **fields):
    return client.post(path, data={"csrf_token": csrf_token(client, path), **fields})


@pytest.mark.parametrize("who", ["chairperson", "admin_above"])
def test_naming_and_removing_a_unit_admin_is_audited(client, auth, ward, who):
    actor = (gen_officer(ward, Role.CHAIRPERSON) if who == "chairperson"
             else gen_officer(ward.parent, Role.ADMIN))
    focal = gen_officer(ward, Role.FOCAL_OFFICER, full_name="Trần Thị Đầu Mối")
    db.session.commit()
    assert not can(focal, Action.MANAGE_OFFICERS, ward)
    auth.login(actor)
    path = f"/units/{ward.code}/admins"
    assert _post(client, path, officer_id=str(focal.id), admin="1").status_code == 302
    db.session.refresh(focal)
    assert focal.roles == {Role.FOCAL_OFFICER, Role.UNIT_ADMIN}
    assert can(focal, Action.MANAGE_OFFICERS, ward)
    assert can(focal, Action.MANAGE_CALENDAR, ward)
    assert can(focal, Action.MANAGE_UNIT_SETTINGS, ward)
    assert not can(focal, Action.MANAGE_PLANS, gen_unit())  # nothing elsewhere
    assert "Trần Thị Đầu Mối" in client.get(path).get_data(as_text=True)
    assert _post(client, path, officer_id=str(focal.id), admin="0").status_code == 302
    db.session.refresh(focal)
    assert focal.roles == {Role.FOCAL_OFFICER}
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.entity_type == "officers",
                                 AuditEvent.entity_id == focal.id).order_by(AuditEvent.id)
    ).all()
    assert [e.changes["roles"] for e in events if e.action == "update"] == [
        [["focal_officer"], ["focal_officer", "unit_admin"]],
        [["focal_officer", "unit_admin"], ["focal_officer"]],
    ]
    assert {e.actor_id for e in events if e.action == "update"} == {actor.id}


def test_a_unit_admin_names_no_unit_admin_and_touches_no_other_unit(client, auth, ward):
    unit_admin = gen_officer(ward, Role.OFFICER, Role.UNIT_ADMIN)
    other = gen_officer(ward, Role.OFFICER)
    elsewhere = gen_unit(code="vinh-hai", name="Phường Vĩnh Hải", parent=ward.parent)
    db.session.commit()
    auth.login(unit_admin)
    path = f"/units/{ward.code}/admins"
    assert client.get(path).status_code == 403
    response = client.post(path, data={"csrf_token": session_csrf_token(client),
                                       "officer_id": str(other.id), "admin": "1"})
    assert response.status_code == 403
    assert client.get(f"/units/{elsewhere.code}/settings").status_code == 403
    assert client.get(f"/units/{elsewhere.code}/logins").status_code == 403
    assert client.get("/units").status_code == 403


def test_an_officer_of_another_unit_is_not_named(client, auth, ward):
    chair = gen_officer(ward, Role.CHAIRPERSON)
    stranger = gen_officer(gen_unit(), Role.OFFICER)
    db.session.commit()
    auth.login(chair)
    path = f"/units/{ward.code}/admins"
    assert _post(client, path, officer_id=str(stranger.id), admin="1").status_code == 404
    for bad in ("abc", "-1", "99999999999999999999", ""):
        assert _post(client, path, officer_id=bad, admin="1").status_code == 404
    assert _post(client, path, officer_id=str(chair.id), admin="yes").status_code == 404
    db.session.refresh(stranger)
    assert Role.UNIT_ADMIN not in stranger.roles


def test_the_unit_admin_sets_late_extensions_and_names(client, auth, ward):
    unit_admin = gen_officer(ward, Role.FOCAL_OFFICER, Role.UNIT_ADMIN)
    db.session.commit()
    auth.login(unit_admin)
    path = f"/units/{ward.code}/settings"
    assert late_extension_counts(db.session, ward.id) is False  # off at the top
    response = _post(client, path, name="Phường Vĩnh Hòa", short_name="Vĩnh Hòa",
                     late_extensions="count")
    assert response.status_code == 302
    assert late_extension_counts(db.session, ward.id) is True
    db.session.refresh(ward)
    assert ward.short_name == "Vĩnh Hòa"
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.entity_type == "units",
                                 AuditEvent.entity_id == ward.id).order_by(AuditEvent.id.desc())
    ).first()
    assert event.changes["late_extension_counts"] == [None, True]
    assert event.actor_id == unit_admin.id
    # the province says count, the ward follows it
    ward.parent.late_extension_counts = True
    db.session.commit()
    _post(client, path, name="Phường Vĩnh Hòa", short_name="", late_extensions="inherit")
    db.session.refresh(ward)
    assert ward.late_extension_counts is None
    assert late_extension_counts(db.session, ward.id) is True
    # bad input: refused on its field, nothing saved, the form kept as typed
    response = _post(client, path, name=" ", short_name="Vĩnh Hòa mới",
                     late_extensions="maybe")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Nhập tên đơn vị" in page
    assert 'value="Vĩnh Hòa mới"' in page
    db.session.refresh(ward)
    assert (ward.name, ward.short_name) == ("Phường Vĩnh Hòa", "")


def test_logins_are_recorded_and_listed_for_the_unit_admin(client, auth, ward, clock):
    unit_admin = gen_officer(ward, Role.OFFICER, Role.UNIT_ADMIN)
    officer = gen_officer(ward, Role.OFFICER, full_name="Lê Văn Đăng Nhập")
    outsider = gen_officer(gen_unit(), Role.OFFICER, full_name="Người Đơn Vị Khác")
    db.session.commit()
    clock(datetime(2024, 3, 12, 1, 5, tzinfo=UTC))  # 08:05 in Hà Nội
    auth.login(officer, password="sai mat khau")
    auth.login(officer)
    auth.logout()
    auth.login(outsider)
    auth.logout()
    auth.login("khong-ai@test.example")
    auth.login(unit_admin, password=PASSWORD)
    page = client.get(f"/units/{ward.code}/logins").get_data(as_text=True)
    assert page.count("Lê Văn Đăng Nhập") == 2
    assert "12/03/2024 08:05" in page
    assert "Sai email hoặc mật khẩu" in page and "Thành công" in page
    assert "127.0.0.1" in page
    assert "Người Đơn Vị Khác" not in page and "khong-ai@" not in page
    failed = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "login_failed",
                                 AuditEvent.entity_id == officer.id)
    )
    assert failed.unit_id == ward.id and failed.actor_id is None


def test_the_login_history_is_paginated_in_a_fixed_number_of_queries(
    client, auth, ward, count_queries
):
    from tracker.people.logins import record_login

    unit_admin = gen_officer(ward, Role.UNIT_ADMIN)
    officers = [gen_officer(ward) for _ in range(5)]
    for n in range(PER_PAGE + 7):
        record_login(db.session, email="x", officer=officers[n % 5], address="10.0.0.1",
                     success=n % 3 != 0)
    db.session.commit()
    auth.login(unit_admin)
    path = f"/units/{ward.code}/logins"
    client.get(path)
    with count_queries() as first:
        page1 = client.get(path).get_data(as_text=True)
    with count_queries() as second:
        page2 = client.get(path + "?page=2").get_data(as_text=True)
    assert "trang 1/2" in page1 and "trang 2/2" in page2
    assert page2.count("<tr>") == 1 + 8  # header and the 7 left, with the admin's own login
    assert first.count == second.count
    assert first.count <= 8
    for weird in ("?page=-5", "?page=abc", "?page=99999999999999999999"):
        assert client.get(path + weird).status_code == 200
