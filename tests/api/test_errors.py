"""Errors are JSON with the right status; malformed input is never a 500."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tests.api.support import bearer, token_for
from tests.factories import gen_officer, gen_plan, gen_task, gen_unit
from tracker.people.models import Role


@pytest.fixture
def setup(client):
    ward = gen_unit(code="vinh-hoa")
    plan = gen_plan(ward)
    gen_task(plan)
    token = token_for(gen_officer(ward, Role.ADMIN))
    return SimpleNamespace(ward=ward, plan=plan, headers=bearer(token))


def _error(response, status: int) -> str:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"status", "message"}
    assert body["error"]["status"] == status
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body["error"]["message"]


BAD_DATES = [
    "2024-02-30",
    "2023-02-29",
    "2024-13-01",
    "2024-00-10",
    "0000-01-01",
    "abc",
    "",
    "12/03/2024",
    "2024-3-12",
    "20240312",
    "2024-03-12T00:00:00",
    " 2024-03-12",
    "2024-03-12 ",
    "９９９９-０３-１２",  # full-width digits
    "२०२४-०३-१२",  # Devanagari digits
    "99999999999999999999-01-01",
    "9" * 5000,
    "-2024-03-12",
    "%00",
    "Ngày 12 tháng 3",
    "'; DROP TABLE plans; --",
]


@pytest.mark.parametrize("value", BAD_DATES)
def test_bad_as_of_is_400_in_vietnamese(client, setup, value):
    for path in (
        f"/api/v1/units/{setup.ward.code}/plans",
        f"/api/v1/units/{setup.ward.code}/plans/{setup.plan.id}/tasks",
    ):
        response = client.get(path, query_string={"as_of": value}, headers=setup.headers)
        message = _error(response, 400)
        assert "as_of" in message
        assert "không hợp lệ" in message


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "2024-02-29"])
def test_extreme_but_real_dates_are_fine(client, setup, value):
    url = f"/api/v1/units/{setup.ward.code}/plans"
    response = client.get(url, query_string={"as_of": value}, headers=setup.headers)
    assert response.status_code == 200
    assert response.get_json()["as_of"] == value


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/units/%00/plans",
        "/api/v1/units/vinh%00hoa/plans",
        "/api/v1/units/{ward}/plans?as_of=2024-03-12%00",
    ],
)
def test_a_nul_character_is_refused_before_anything(client, setup, path):
    response = client.get(path.format(ward=setup.ward.code), headers=setup.headers)
    assert "NUL" in _error(response, 400)


def test_repeated_as_of_uses_the_first(client, setup):
    response = client.get(
        f"/api/v1/units/{setup.ward.code}/plans?as_of=2024-03-12&as_of=bad", headers=setup.headers
    )
    assert response.get_json()["as_of"] == "2024-03-12"


@pytest.mark.parametrize(
    "code",
    [
        "khong-co",
        "phường-vĩnh-hòa",
        "VINH-HOA",
        "x" * 65,
        "x" * 5000,
        "%ED%A0%80",  # an encoded lone surrogate
        "%FF%FE",
        "'%20OR%201=1%20--",
        "🙂",
    ],
)
def test_unknown_or_malformed_unit_is_404(client, setup, code):
    for path in (
        f"/api/v1/units/{code}/plans",
        f"/api/v1/units/{code}/plans/{setup.plan.id}/tasks",
    ):
        _error(client.get(path, headers=setup.headers), 404)


@pytest.mark.parametrize(
    "plan_id",
    ["0", "999999", "2147483648", "99999999999999999999999999", "-1", "abc", "1.5"],
)
def test_unknown_or_malformed_plan_is_404(client, setup, plan_id):
    url = f"/api/v1/units/{setup.ward.code}/plans/{plan_id}/tasks?as_of=2024-03-12"
    _error(client.get(url, headers=setup.headers), 404)


@pytest.mark.parametrize(
    "path",
    ["/api/v1/", "/api/v1/nothing", "/api/v1/units", "/api/v1/units/vinh-hoa", "/api/v2/me"],
)
def test_unknown_api_route_is_json_404(client, setup, path):
    _error(client.get(path, headers=setup.headers), 404)
    _error(client.get(path), 404)


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_writes_are_405(client, setup, method):
    url = f"/api/v1/units/{setup.ward.code}/plans"
    response = getattr(client, method)(url, headers=setup.headers)
    _error(response, 405)


def test_unauthorised_request_with_bad_input_is_401_first(client, setup):
    response = client.get(f"/api/v1/units/{setup.ward.code}/plans?as_of=abc")
    _error(response, 401)


def test_forbidden_before_bad_input(client, setup):
    other = gen_unit()
    token = token_for(gen_officer(other))
    response = client.get(f"/api/v1/units/{setup.ward.code}/plans?as_of=abc", headers=bearer(token))
    _error(response, 403)


def test_messages_are_vietnamese_by_default(client, setup):
    url = f"/api/v1/units/{setup.ward.code}/plans?as_of=x"
    vi = _error(client.get(url, headers=setup.headers), 400)
    assert vi.startswith("Tham số as_of")
