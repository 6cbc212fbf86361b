"""The tree of units in the browser: create, edit, move, close, reopen; codes unique, no
cycles, closed units take nothing new; audited."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.conftest import csrf_token
from tests.factories import gen_officer, gen_unit
from tracker.core.audit import AuditEvent, acting_as
from tracker.core.refusals import Refusal
from tracker.extensions import db
from tracker.people.models import Officer, Role, Unit, UnitKind
from tracker.people.operations import create_officer, ensure_open
from tracker.people.units import UnitInput, close_unit, create_unit, reopen_unit, update_unit
from tracker.plans.importing.creating import import_plan
from tracker.plans.importing.parsing import ParsedPlan
from tracker.plans.importing.problems import ImportProblems


@pytest.fixture
def tree(app):
    province = gen_unit(code="khanh-hoa", name="Tỉnh Khánh Hòa", kind=UnitKind.PROVINCE)
    city = gen_unit(code="nha-trang", name="Thành phố Nha Trang", kind=UnitKind.CITY,
                    parent=province)
    ward = gen_unit(code="vinh-hoa", name="Phường Vĩnh Hòa", parent=city)
    admin = gen_officer(province, Role.ADMIN)
    db.session.commit()
    return {"province": province, "city": city, "ward": ward, "admin": admin}


def _form(client, path: str, **fields) -> dict:
    return {"csrf_token": csrf_token(client, path), **fields}


def test_the_administrator_builds_the_tree(client, auth, tree):
    auth.login(tree["admin"])
    path = "/units/new?parent=khanh-hoa"
    response = client.post(
        path,
        data=_form(client, path, code="dac-khu-truong-sa", name="Đặc khu Trường Sa",
                   short_name="Trường Sa", kind="special_zone", parent="khanh-hoa"),
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    zone = db.session.scalar(select(Unit).where(Unit.code == "dac-khu-truong-sa"))
    assert (zone.kind, zone.parent_id, zone.short_name) == (
        UnitKind.SPECIAL_ZONE, tree["province"].id, "Trường Sa"
    )
    page = client.get("/units").get_data(as_text=True)
    # depth first, indented: the province, then what is under it
    order = [page.index(f'data-unit="{code}"') for code in
             ("khanh-hoa", "nha-trang", "vinh-hoa", "dac-khu-truong-sa")]
    assert order[0] < order[1] < order[2]
    assert order[0] < order[3]
    created = db.session.scalar(
        select(AuditEvent).where(AuditEvent.entity_type == "units",
                                 AuditEvent.entity_id == zone.id)
    )
    assert created.action == "create" and created.actor_id == tree["admin"].id


def test_a_ward_moves_to_the_province_and_the_move_is_audited(client, auth, tree):
    """1 July 2025: the city level goes, the ward comes under the province directly."""
    auth.login(tree["admin"])
    path = "/units/vinh-hoa/edit"
    response = client.post(
        path,
        data=_form(client, path, name="Phường Vĩnh Hòa", short_name="Vĩnh Hòa", kind="ward",
                   parent="khanh-hoa"),
    )
    assert response.status_code == 302
    db.session.refresh(tree["ward"])
    assert tree["ward"].parent_id == tree["province"].id
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.entity_type == "units",
                                 AuditEvent.entity_id == tree["ward"].id)
        .order_by(AuditEvent.id.desc())
    ).first()
    assert event.changes["parent_id"] == [tree["city"].id, tree["province"].id]


def test_a_unit_cannot_be_its_own_ancestor(client, auth, tree):
    auth.login(tree["admin"])
    path = "/units/nha-trang/edit"
    response = client.post(
        path,
        data=_form(client, path, name="Thành phố Nha Trang mới", short_name="", kind="city",
                   parent="vinh-hoa"),
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Không thể đặt Phường Vĩnh Hòa làm cấp trên" in page
    assert 'value="Thành phố Nha Trang mới"' in page  # the form kept as typed
    db.session.refresh(tree["city"])
    assert tree["city"].parent_id == tree["province"].id
    assert tree["city"].name == "Thành phố Nha Trang"
    with acting_as(tree["admin"].id), pytest.raises(Refusal, match="Không thể đặt"):
        update_unit(db.session, tree["admin"], tree["city"],
                    UnitInput("Thành phố Nha Trang", "", UnitKind.CITY, tree["city"]))


def test_codes_are_unique_and_well_formed(client, auth, tree):
    auth.login(tree["admin"])
    for code, message in [("vinh-hoa", "đã có đơn vị khác dùng"),
                          ("Vĩnh Hòa!", "chữ thường không dấu")]:
        path = "/units/new"
        response = client.post(
            path, data=_form(client, path, code=code, name="Phường Mới", kind="ward",
                             parent="nha-trang"),
        )
        assert response.status_code == 200
        assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Unit)) == 3


def test_closing_keeps_the_data_and_refuses_new_officers_and_plans(client, auth, tree):
    ward = tree["ward"]
    officer = gen_officer(ward, Role.OFFICER)
    db.session.commit()
    auth.login(tree["admin"])
    # the city still has an open ward below it
    response = client.post("/units/nha-trang/close",
                           data=_form(client, "/units"), follow_redirects=True)
    assert "Còn đơn vị trực thuộc đang hoạt động: Phường Vĩnh Hòa" in response.get_data(
        as_text=True)
    db.session.refresh(tree["city"])
    assert tree["city"].is_open
    response = client.post("/units/vinh-hoa/close", data=_form(client, "/units"))
    assert response.status_code == 302
    db.session.refresh(ward)
    assert not ward.is_open
    assert db.session.get(Officer, officer.id) is not None  # nothing deleted
    with pytest.raises(Refusal, match="đã đóng"):
        ensure_open(ward)
    with pytest.raises(Refusal, match="đã đóng"):
        create_officer(db.session, unit=ward, email="moi@test.example", full_name="Mới",
                       roles=[Role.OFFICER])
    with pytest.raises(ImportProblems, match="đã đóng"):
        import_plan(db.session, ward, ParsedPlan(filename="kh.xlsx"))
    with pytest.raises(Refusal, match="đã đóng"):
        create_unit(db.session, tree["admin"], "to-moi",
                    UnitInput("Tổ mới", "", UnitKind.WARD, ward))
    db.session.rollback()
    response = client.post("/units/vinh-hoa/reopen", data=_form(client, "/units"))
    assert response.status_code == 302
    db.session.refresh(ward)
    assert ward.is_open
    ensure_open(ward)


def test_a_unit_reopens_only_under_an_open_parent(tree):
    with acting_as(tree["admin"].id):
        close_unit(db.session, tree["ward"])
        close_unit(db.session, tree["city"])
        with pytest.raises(Refusal, match="Đơn vị cấp trên Thành phố Nha Trang đã đóng"):
            reopen_unit(db.session, tree["ward"])
        reopen_unit(db.session, tree["city"])
        reopen_unit(db.session, tree["ward"])
    assert tree["ward"].is_open


def test_a_province_admin_manages_only_below_their_province(client, auth, tree):
    other = gen_unit(code="lam-dong", name="Tỉnh Lâm Đồng", kind=UnitKind.PROVINCE)
    other_ward = gen_unit(code="xuan-huong", name="Phường Xuân Hương", parent=other)
    db.session.commit()
    auth.login(tree["admin"])
    page = client.get("/units").get_data(as_text=True)
    assert "vinh-hoa" in page and "xuan-huong" not in page
    assert client.get("/units/xuan-huong/edit").status_code == 403
    # nor move a unit of theirs under someone else's
    path = "/units/vinh-hoa/edit"
    response = client.post(
        path, data=_form(client, path, name="Phường Vĩnh Hòa", kind="ward", parent="lam-dong")
    )
    assert response.status_code == 200
    assert "trong phạm vi mình quản trị" in response.get_data(as_text=True)
    db.session.refresh(tree["ward"])
    assert tree["ward"].parent_id == tree["city"].id
    assert other_ward.parent_id == other.id


def test_an_admin_renames_their_own_unit_under_a_unit_they_do_not_manage(client, auth, tree):
    city_admin = gen_officer(tree["city"], Role.ADMIN)
    db.session.commit()
    auth.login(city_admin)
    path = "/units/nha-trang/edit"
    page = client.get(path).get_data(as_text=True)
    assert '<option selected value="khanh-hoa">Tỉnh Khánh Hòa</option>' in page
    response = client.post(path, data=_form(client, path, name="Thành phố Nha Trang",
                                             short_name="Nha Trang", kind="city",
                                             parent="khanh-hoa"))
    assert response.status_code == 302
    db.session.refresh(tree["city"])
    assert (tree["city"].short_name, tree["city"].parent_id) == ("Nha Trang",
                                                                 tree["province"].id)
    # but moving it (or a unit below it) to the top is not theirs to do
    response = client.post(path, data=_form(client, path, name="Thành phố Nha Trang",
                                             kind="city", parent=""))
    assert "Chọn đơn vị cấp trên." in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "fields",
    [
        {"code": "a" * 3000, "name": "🙂" * 500, "kind": "castle", "parent": "x" * 3000},
        {"code": "moi", "name": "Phường Mới", "kind": "ward", "parent": ""},
        {},
    ],
)
def test_bad_unit_forms_are_refused_with_the_form_kept(client, auth, tree, fields):
    auth.login(tree["admin"])
    response = client.post("/units/new", data=_form(client, "/units/new", **fields))
    assert response.status_code == 200
    assert 'class="invalid-feedback d-block"' in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Unit)) == 3


def test_a_nul_in_a_unit_form_is_refused_before_the_form(client, auth, tree):
    auth.login(tree["admin"])
    fields = {"code": "\x00", "name": "Phường\x00 Mới", "kind": "", "parent": "\x00"}
    response = client.post("/units/new", data=_form(client, "/units/new", **fields))
    assert response.status_code == 400
    assert "NUL" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Unit)) == 3


def test_the_tree_takes_the_same_queries_whatever_its_size(client, auth, tree, count_queries):
    auth.login(tree["admin"])
    client.get("/units")
    with count_queries() as small:
        client.get("/units")
    for n in range(12):
        ward = gen_unit(code=f"xa-{n}", name=f"Xã {n}", kind=UnitKind.COMMUNE,
                        parent=tree["province"])
        gen_officer(ward, Role.FOCAL_OFFICER, Role.UNIT_ADMIN)
    db.session.commit()
    with count_queries() as large:
        page = client.get("/units").get_data(as_text=True)
    assert page.count("data-unit=") == 15
    assert large.count == small.count


def test_the_system_administrator_adds_a_province_under_the_national_unit(client, auth, tree):
    """A national installation has one unit above every province: its administrator (the
    system administrator) adds a province there, and a ward under it; a province's
    administrator may not add a unit at the top."""
    country = gen_unit(code="ca-nuoc", name="Cả nước", kind=UnitKind.NATIONAL)
    system = gen_officer(country, Role.ADMIN)
    db.session.commit()
    auth.login(system)
    path = "/units/new"
    response = client.post(path, data=_form(client, path, code="phu-yen", name="Tỉnh Phú Yên",
                                             kind="province", parent="ca-nuoc"))
    assert response.status_code == 302, response.get_data(as_text=True)
    response = client.post(path, data=_form(client, path, code="tuy-hoa", name="Phường Tuy Hòa",
                                             kind="ward", parent="phu-yen"))
    assert response.status_code == 302, response.get_data(as_text=True)
    ward = db.session.scalar(select(Unit).where(Unit.code == "tuy-hoa"))
    assert ward.parent.parent.kind is UnitKind.NATIONAL
    auth.logout()
    auth.login(tree["admin"])  # the province's administrator
    response = client.post(path, data=_form(client, path, code="gia-lai", name="Tỉnh Gia Lai",
                                             kind="province", parent=""))
    assert "Chọn đơn vị cấp trên." in response.get_data(as_text=True)
    assert db.session.scalar(select(Unit).where(Unit.code == "gia-lai")) is None
