"""The number of queries does not grow with the number of plans' tasks."""

from __future__ import annotations

from datetime import date

from tests.api.support import bearer, gen_recurring, token_for
from tests.factories import gen_group, gen_officer, gen_plan, gen_task, gen_unit
from tracker.extensions import db
from tracker.people.models import Role, UnitKind


def _ward(parent, plans: int, tasks_per_plan: int) -> str:
    ward = gen_unit(parent=parent)
    officers = [gen_officer(ward) for _ in range(4)]
    for p in range(plans):
        plan = gen_plan(ward, appendix_row=f"1.{p + 2}")
        groups = [gen_group(plan) for _ in range(3)]
        for i in range(tasks_per_plan):
            gen_task(
                plan,
                officers[i % 4],
                group=groups[i % 3],
                supporters=[officers[(i + 1) % 4], officers[(i + 2) % 4]],
                completed_on=date(2024, 2, 1) if i % 3 == 0 else None,
                ordinal=i + 1,
            )
        months = [date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 31)]
        for i in range(tasks_per_plan // 5):  # one task in five is monthly
            done = [date(2024, 1, 30), None, None]
            gen_recurring(plan, done, months, ordinal=tasks_per_plan + i + 1)
    return ward.code


def _count(client, count_queries, url: str, token: str) -> int:
    # The token's last use is written at most once a minute: not by the counted request.
    client.get("/api/v1/me", headers=bearer(token))
    db.session.expunge_all()  # each request starts from an empty identity map, as in production
    with count_queries() as queries:
        response = client.get(url, headers=bearer(token))
    assert response.status_code == 200, response.get_json()
    return queries.count


def _setup():
    city = gen_unit(kind=UnitKind.CITY)
    small = _ward(city, 3, 5)
    large = _ward(city, 3, 50)
    token = token_for(gen_officer(city, Role.INSPECTOR))  # walks up the unit tree too
    return small, large, token


def test_plans_query_count_is_constant(client, count_queries):
    small, large, token = _setup()
    url = "/api/v1/units/{}/plans?as_of=2024-03-12"
    few = _count(client, count_queries, url.format(small), token)
    many = _count(client, count_queries, url.format(large), token)
    assert few == many
    assert few <= 12


def test_tasks_query_count_is_constant(client, count_queries):
    small, large, token = _setup()

    def first_plan(code):
        url = f"/api/v1/units/{code}/plans"
        return client.get(url, headers=bearer(token)).get_json()["plans"][0]["id"]

    url = "/api/v1/units/{}/plans/{}/tasks?as_of=2024-03-12"
    few = _count(client, count_queries, url.format(small, first_plan(small)), token)
    many = _count(client, count_queries, url.format(large, first_plan(large)), token)
    assert few == many
    assert few <= 14
