"""GET /api/v1/units/CODE/plans: the plans with their tasks counted as of a date."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from tests.api.support import bearer, gen_recurring, token_for
from tests.factories import gen_officer, gen_plan, gen_task, gen_unit
from tracker.core.clock import utcnow
from tracker.people.models import Role
from tracker.plans.models import PlanKind


def _plans(client, unit, token, as_of: str | None = "2024-03-12"):
    query = f"?as_of={as_of}" if as_of is not None else ""
    response = client.get(f"/api/v1/units/{unit.code}/plans{query}", headers=bearer(token))
    assert response.status_code == 200, response.get_json()
    return response


def _plan_with(unit, total: int, done: int, **fields):
    plan = gen_plan(unit, **fields)
    for i in range(total):
        gen_task(plan, completed_on=date(2024, 2, 1) if i < done else None, ordinal=i + 1)
    return plan


def test_lists_plans_with_counts(client):
    ward = gen_unit(code="vinh-hoa", name="Phường Vĩnh Hòa")
    plan = _plan_with(
        ward,
        22,
        6,
        title="Kế hoạch CCHC năm 2024",
        document_number="39/QĐ-UBND",
        document_date=date(2024, 1, 31),
        appendix_row="1.2",
    )
    token = token_for(gen_officer(ward, Role.FOCAL_OFFICER))
    body = _plans(client, ward, token).get_json()
    assert body == {
        "unit": {"code": "vinh-hoa", "name": "Phường Vĩnh Hòa"},
        "as_of": "2024-03-12",
        "plans": [
            {
                "id": plan.id,
                "kind": "annual_reform",
                "title": "Kế hoạch CCHC năm 2024",
                "document": "39/QĐ-UBND",
                "document_date": "2024-01-31",
                "appendix_row": "1.2",
                "task_count": 22,
                "done_count": 6,
                "completion_rate": 27.3,  # 27.27: rounded, not truncated to 27.2
            }
        ],
    }


def test_report_figures(client):
    """The quarterly report's own rows, computed from their parts."""
    ward = gen_unit()
    _plan_with(ward, 22, 6, appendix_row="1.2")
    _plan_with(ward, 23, 6, appendix_row="1.3", kind=PlanKind.PAPI)
    _plan_with(ward, 30, 8, appendix_row="1.4", kind=PlanKind.CONCLUSION_91)
    _plan_with(ward, 1, 1, appendix_row="1.6", kind=PlanKind.ASSIGNED_BY_HIGHER_LEVEL)
    token = token_for(gen_officer(ward))
    plans = _plans(client, ward, token).get_json()["plans"]
    assert [
        (p["appendix_row"], p["done_count"], p["task_count"], p["completion_rate"]) for p in plans
    ] == [
        ("1.2", 6, 22, 27.3),
        ("1.3", 6, 23, 26.1),
        ("1.4", 8, 30, 26.7),
        ("1.6", 1, 1, 100.0),
    ]


@pytest.mark.parametrize(
    ("total", "done", "rate"),
    [(8, 1, 12.5), (16, 1, 6.3), (16, 3, 18.8), (3, 1, 33.3), (3, 2, 66.7), (7, 0, 0.0)],
)
def test_completion_rate_is_half_up_one_decimal(client, total, done, rate):
    ward = gen_unit()
    _plan_with(ward, total, done)
    token = token_for(gen_officer(ward))
    response = _plans(client, ward, token)
    value = response.get_json()["plans"][0]["completion_rate"]
    assert isinstance(value, float)
    assert value == rate
    raw = json.loads(response.get_data(as_text=True))["plans"][0]["completion_rate"]
    assert repr(raw) == repr(rate)  # a JSON number with one decimal, not a string


def test_plan_without_tasks_has_null_rate(client):
    ward = gen_unit()
    gen_plan(ward)
    token = token_for(gen_officer(ward))
    plan = _plans(client, ward, token).get_json()["plans"][0]
    assert (plan["task_count"], plan["done_count"], plan["completion_rate"]) == (0, 0, None)
    assert '"completion_rate":null' in _plans(client, ward, token).get_data(as_text=True).replace(
        " ", ""
    )


def test_completion_after_as_of_is_not_done(client):
    ward = gen_unit()
    plan = gen_plan(ward)
    gen_task(plan, completed_on=date(2024, 3, 12))  # on the day: done
    gen_task(plan, completed_on=date(2024, 3, 13))  # the day after: not yet
    gen_task(plan)
    token = token_for(gen_officer(ward))

    def counts(as_of):
        p = _plans(client, ward, token, as_of).get_json()["plans"][0]
        return p["done_count"], p["task_count"], p["completion_rate"]

    assert counts("2024-03-11") == (0, 3, 0.0)
    assert counts("2024-03-12") == (1, 3, 33.3)
    assert counts("2024-03-13") == (2, 3, 66.7)


def test_as_of_defaults_to_today_in_vietnam(client, clock):
    # 18:00 UTC on 11/03 is 01:00 on 12/03 in Vĩnh Hòa.
    clock(datetime(2024, 3, 11, 18, 0, tzinfo=UTC))
    ward = gen_unit()
    plan = gen_plan(ward)
    gen_task(plan, completed_on=date(2024, 3, 12))
    gen_task(plan, completed_on=date(2024, 3, 13))
    token = token_for(gen_officer(ward))
    body = _plans(client, ward, token, as_of=None).get_json()
    assert body["as_of"] == "2024-03-12"
    assert body["plans"][0]["done_count"] == 1


def test_archived_plans_and_tasks_are_left_out(client):
    ward = gen_unit()
    live = gen_plan(ward, appendix_row="1.2")
    gen_task(live, completed_on=date(2024, 1, 5))
    gen_task(live, archived_at=utcnow())
    archived = gen_plan(ward, appendix_row="1.3", archived_at=utcnow())
    gen_task(archived)
    token = token_for(gen_officer(ward))
    plans = _plans(client, ward, token).get_json()["plans"]
    assert [p["id"] for p in plans] == [live.id]
    assert (plans[0]["task_count"], plans[0]["done_count"]) == (1, 1)


def test_only_the_units_own_plans(client):
    ward, other = gen_unit(), gen_unit()
    mine = gen_plan(ward)
    gen_plan(other)
    token = token_for(gen_officer(ward))
    assert [p["id"] for p in _plans(client, ward, token).get_json()["plans"]] == [mine.id]


def test_plan_without_document_date_or_row(client):
    ward = gen_unit()
    gen_plan(ward, appendix_row=None, document_number="", document_date=None)
    token = token_for(gen_officer(ward))
    plan = _plans(client, ward, token).get_json()["plans"][0]
    assert (plan["document"], plan["document_date"], plan["appendix_row"]) == ("", None, None)


def test_unit_without_plans(client):
    ward = gen_unit()
    token = token_for(gen_officer(ward))
    assert _plans(client, ward, token).get_json()["plans"] == []


def test_recurring_task_is_done_when_every_occurrence_is(client):
    ward = gen_unit()
    plan = gen_plan(ward)
    months = [date(2024, 1, 31), date(2024, 2, 29)]
    gen_recurring(plan, [date(2024, 1, 30), date(2024, 2, 28)], months)
    gen_recurring(plan, [date(2024, 1, 30), None], months)
    token = token_for(gen_officer(ward))
    p = _plans(client, ward, token).get_json()["plans"][0]
    assert (p["done_count"], p["task_count"], p["completion_rate"]) == (1, 2, 50.0)
    p = _plans(client, ward, token, "2024-02-27").get_json()["plans"][0]
    assert p["done_count"] == 0
