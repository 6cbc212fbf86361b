"""The API answers only what the token's officer may see on the pages."""

from __future__ import annotations

import pytest

from tests.api.support import bearer, token_for
from tests.factories import gen_officer, gen_plan, gen_task, gen_unit
from tracker.extensions import db
from tracker.people.models import Role, UnitKind


@pytest.fixture
def units():
    province = gen_unit(kind=UnitKind.PROVINCE)
    city = gen_unit(kind=UnitKind.CITY, parent=province)
    ward = gen_unit(parent=city)
    sibling = gen_unit(parent=city)
    other_city = gen_unit(kind=UnitKind.CITY, parent=province)
    far_ward = gen_unit(parent=other_city)
    plan = gen_plan(ward)
    gen_task(plan)
    db.session.commit()
    return {
        "province": province,
        "city": city,
        "ward": ward,
        "sibling": sibling,
        "other_city": other_city,
        "far_ward": far_ward,
        "plan": plan,
    }


def _paths(units):
    ward, plan = units["ward"], units["plan"]
    return [
        f"/api/v1/units/{ward.code}/plans",
        f"/api/v1/units/{ward.code}/plans/{plan.id}/tasks",
    ]


@pytest.mark.parametrize(
    ("home", "role", "expected"),
    [
        ("ward", Role.OFFICER, 200),
        ("ward", Role.CHAIRPERSON, 200),
        ("ward", Role.VICE_CHAIRPERSON, 200),
        ("ward", Role.FOCAL_OFFICER, 200),
        ("ward", Role.INSPECTOR, 200),
        ("sibling", Role.OFFICER, 403),  # another ward of the same city
        ("sibling", Role.CHAIRPERSON, 403),
        ("sibling", Role.INSPECTOR, 403),  # an inspector sees below their unit, not sideways
        ("far_ward", Role.FOCAL_OFFICER, 403),
        ("city", Role.INSPECTOR, 200),  # the city's Phòng Nội vụ sees its wards
        ("province", Role.INSPECTOR, 200),
        ("other_city", Role.INSPECTOR, 403),
        ("city", Role.CHAIRPERSON, 200),  # the leaders above oversee their communes (read only)
        ("far_ward", Role.ADMIN, 200),
    ],
)
def test_access_by_role_and_unit(client, units, home, role, expected):
    token = token_for(gen_officer(units[home], role))
    for path in _paths(units):
        response = client.get(path, headers=bearer(token))
        assert response.status_code == expected, (path, response.get_json())
        if expected == 403:
            assert response.get_json()["error"]["status"] == 403
            assert response.get_json()["error"]["message"]


def test_ward_inspector_does_not_see_the_city(client, units):
    token = token_for(gen_officer(units["ward"], Role.INSPECTOR))
    response = client.get(f"/api/v1/units/{units['city'].code}/plans", headers=bearer(token))
    assert response.status_code == 403


def test_city_inspector_sees_the_city_itself(client, units):
    token = token_for(gen_officer(units["city"], Role.INSPECTOR))
    response = client.get(f"/api/v1/units/{units['city'].code}/plans", headers=bearer(token))
    assert response.status_code == 200


def test_officer_without_roles_is_refused(client, units):
    officer = gen_officer(units["ward"])
    token = token_for(officer)
    officer.role_rows.clear()
    db.session.commit()
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 403
    for path in _paths(units):
        assert client.get(path, headers=bearer(token)).status_code == 403


def test_unknown_unit_is_404_even_for_admin(client, units):
    token = token_for(gen_officer(units["ward"], Role.ADMIN))
    response = client.get("/api/v1/units/khong-co/plans", headers=bearer(token))
    assert response.status_code == 404
    assert response.get_json()["error"]["status"] == 404


def test_plan_of_another_unit_is_404(client, units):
    token = token_for(gen_officer(units["sibling"], Role.CHAIRPERSON))
    sibling, plan = units["sibling"], units["plan"]  # plan belongs to "ward"
    response = client.get(
        f"/api/v1/units/{sibling.code}/plans/{plan.id}/tasks", headers=bearer(token)
    )
    assert response.status_code == 404


def test_me_describes_the_token_officer(client, units):
    officer = gen_officer(
        units["ward"],
        Role.CHAIRPERSON,
        Role.OFFICER,
        full_name="Trần Thị Bình",
        position="Chủ tịch UBND",
    )
    token = token_for(officer)
    body = client.get("/api/v1/me", headers=bearer(token)).get_json()
    assert body == {
        "id": officer.id,
        "full_name": "Trần Thị Bình",
        "email": officer.email,
        "position": "Chủ tịch UBND",
        "unit": {"code": units["ward"].code, "name": units["ward"].name},
        "roles": ["chairperson", "officer"],
    }
