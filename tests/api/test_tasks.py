"""GET /api/v1/units/CODE/plans/ID/tasks: a plan's tasks with their status as of a date."""

from __future__ import annotations

from datetime import date

from tests.api.support import bearer, gen_recurring, token_for
from tests.factories import gen_group, gen_officer, gen_plan, gen_task, gen_unit
from tracker.core.clock import utcnow
from tracker.people.models import Role


def _tasks(client, unit, plan, token, as_of="2024-03-12"):
    url = f"/api/v1/units/{unit.code}/plans/{plan.id}/tasks?as_of={as_of}"
    response = client.get(url, headers=bearer(token))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_task_fields(client):
    ward = gen_unit()
    lead = gen_officer(ward, full_name="Lê Văn Chủ Trì")
    helpers = [
        gen_officer(ward, full_name="Lê Thị Bốn"),
        gen_officer(ward, full_name="Hoàng Văn An"),
    ]
    plan = gen_plan(ward, document_number="39/QĐ-UBND", title="Kế hoạch CCHC năm 2024")
    group = gen_group(plan, "Cải cách thủ tục hành chính")
    task = gen_task(
        plan,
        lead,
        group=group,
        supporters=helpers,
        title="Rà soát thủ tục hành chính",
        deliverable="Kế hoạch số 333/KH-UBND ngày 04/3/2024",
        deadline=date(2024, 3, 31),
        completed_on=date(2024, 3, 4),
        ordinal=1,
    )
    token = token_for(gen_officer(ward, Role.CHAIRPERSON))
    body = _tasks(client, ward, plan, token)
    assert body["unit"] == {"code": ward.code, "name": ward.name}
    assert body["as_of"] == "2024-03-12"
    assert body["plan"] == {
        "id": plan.id,
        "kind": "annual_reform",
        "title": "Kế hoạch CCHC năm 2024",
        "document": "39/QĐ-UBND",
        "document_date": "2024-01-31",
        "appendix_row": "1.2",
    }
    assert body["tasks"] == [
        {
            "id": task.id,
            "ordinal": 1,
            "group": {"id": group.id, "ordinal": 1, "name": "Cải cách thủ tục hành chính"},
            "title": "Rà soát thủ tục hành chính",
            "deliverable": "Kế hoạch số 333/KH-UBND ngày 04/3/2024",
            "lead_officer": {"id": lead.id, "full_name": "Lê Văn Chủ Trì"},
            "supporters": [  # by name
                {"id": helpers[1].id, "full_name": "Hoàng Văn An"},
                {"id": helpers[0].id, "full_name": "Lê Thị Bốn"},
            ],
            "deadline": "2024-03-31",
            "entered_on": "2024-01-31",
            "recurrence_note": "",
            "completed_on": "2024-03-04",
            "status": "done_on_time",
        }
    ]


def test_status_as_of(client):
    ward = gen_unit()
    plan = gen_plan(ward)
    d = date(2024, 3, 1)
    on_time = gen_task(plan, deadline=d, completed_on=date(2024, 3, 1), ordinal=1)
    late = gen_task(plan, deadline=d, completed_on=date(2024, 3, 5), ordinal=2)
    overdue = gen_task(plan, deadline=d, ordinal=3)
    open_ = gen_task(plan, deadline=date(2024, 12, 31), ordinal=4)
    undated = gen_task(plan, deadline=None, ordinal=5)
    token = token_for(gen_officer(ward))

    def statuses(as_of):
        tasks = _tasks(client, ward, plan, token, as_of)["tasks"]
        return {t["id"]: (t["status"], t["completed_on"]) for t in tasks}

    assert statuses("2024-03-12") == {
        on_time.id: ("done_on_time", "2024-03-01"),
        late.id: ("done_late", "2024-03-05"),
        overdue.id: ("open_overdue", None),
        open_.id: ("open_on_time", None),
        undated.id: ("open_on_time", None),
    }
    # On 3/3 the late task was not done yet: no completion date, overdue.
    assert statuses("2024-03-03")[late.id] == ("open_overdue", None)
    assert statuses("2024-03-01")[late.id] == ("open_on_time", None)


def test_task_without_lead_or_group(client):
    ward = gen_unit()
    plan = gen_plan(ward)
    gen_task(plan)
    token = token_for(gen_officer(ward))
    task = _tasks(client, ward, plan, token)["tasks"][0]
    assert (task["lead_officer"], task["group"], task["supporters"]) == (None, None, [])


def test_tasks_in_ordinal_order_and_archived_left_out(client):
    ward = gen_unit()
    plan = gen_plan(ward)
    third = gen_task(plan, ordinal=3)
    first = gen_task(plan, ordinal=1)
    gen_task(plan, ordinal=2, archived_at=utcnow())
    token = token_for(gen_officer(ward))
    assert [t["id"] for t in _tasks(client, ward, plan, token)["tasks"]] == [first.id, third.id]


def test_archived_plan_is_404(client):
    ward = gen_unit()
    plan = gen_plan(ward, archived_at=utcnow())
    token = token_for(gen_officer(ward))
    url = f"/api/v1/units/{ward.code}/plans/{plan.id}/tasks"
    response = client.get(url, headers=bearer(token))
    assert response.status_code == 404
    assert response.get_json()["error"]["status"] == 404


def test_recurring_task_is_classed_by_its_occurrences(client):
    ward = gen_unit()
    plan = gen_plan(ward)
    months = [date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 31)]
    behind = gen_recurring(plan, [date(2024, 1, 30), None, None], months, ordinal=1)
    on_track = gen_recurring(plan, [date(2024, 1, 30), date(2024, 2, 28), None], months, ordinal=2)
    token = token_for(gen_officer(ward))
    tasks = {t["id"]: t for t in _tasks(client, ward, plan, token)["tasks"]}
    assert tasks[behind.id]["status"] == "open_overdue"  # February's report is missing
    assert tasks[on_track.id]["status"] == "open_on_time"
    assert tasks[on_track.id]["recurrence_note"] == "hàng tháng"
    assert tasks[on_track.id]["deadline"] is None
