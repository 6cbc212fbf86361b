"""Deactivating or moving an officer hands their open tasks to new leads first, in one action."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.api.support import bearer, token_for
from tests.conftest import Client, csrf_token
from tests.factories import gen_officer, gen_plan, gen_task, gen_unit
from tracker.core.status import lead_on, tally
from tracker.extensions import db
from tracker.people.models import Officer, Role
from tracker.plans.models import Plan
from tracker.tasks.models import Task, TaskState
from tracker.tasks.queries import status_rows


@pytest.fixture
def world(clock):
    clock(date(2024, 3, 12))
    ward = gen_unit(code="phuong-cu", name="Phường Cũ")
    chair = gen_officer(ward, Role.CHAIRPERSON, full_name="Trần Chủ Tịch")
    leaving = gen_officer(ward, full_name="Lê Sắp Nghỉ")
    heir = gen_officer(ward, full_name="Phạm Kế Nhiệm")
    other = gen_officer(ward, full_name="Đỗ Người Khác")
    plan, plan2 = gen_plan(ward), gen_plan(ward)
    open_tasks = [
        gen_task(plan, leaving, supporters=[heir, other]),
        gen_task(plan, leaving, state=TaskState.IN_PROGRESS),
        gen_task(plan2, leaving, state=TaskState.PENDING_CONFIRMATION),
    ]
    done = gen_task(plan, leaving, completed_on=date(2024, 2, 1))
    withdrawn = gen_task(plan, leaving, withdrawn_on=date(2024, 2, 1))
    db.session.commit()
    return {
        "ward": ward,
        "chair": chair,
        "leaving": leaving,
        "heir": heir,
        "other": other,
        "open": open_tasks,
        "done": done,
        "withdrawn": withdrawn,
    }


def _login(app, officer) -> Client:
    app.test_client_class = Client
    client = app.test_client()
    client.post(
        "/login",
        data={"email": officer.email, "password": "mat-khau-123", "csrf_token": csrf_token(client)},
    )
    assert client.get("/my-tasks").status_code == 200
    return client


def _leads(world) -> list[int | None]:
    for task in world["open"]:
        db.session.refresh(task)
    return [t.lead_officer_id for t in world["open"]]


def test_the_page_lists_the_open_tasks_only(app, world):
    chair = _login(app, world["chair"])
    page = chair.get(f"/officers/{world['leaving'].id}/deactivate").get_data(as_text=True)
    for task in world["open"]:
        assert f'name="lead_{task.id}"' in page
    assert f'name="lead_{world["done"].id}"' not in page
    assert f'name="lead_{world["withdrawn"].id}"' not in page


def test_refused_without_a_new_lead_and_nothing_changes(app, world):
    leaving = world["leaving"]
    chair = _login(app, world["chair"])
    path = f"/officers/{leaving.id}/deactivate"
    first = world["open"][0]
    response = chair.post(
        path,
        data={"csrf_token": csrf_token(chair, path), f"lead_{first.id}": str(world["heir"].id)},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Chọn người chủ trì mới cho nhiệm vụ này" in page
    assert "mỗi nhiệm vụ cần một người chủ trì mới" in page
    assert f'<option value="{world["heir"].id}" selected>' in page  # kept as chosen
    db.session.refresh(leaving)
    assert leaving.active
    assert _leads(world) == [leaving.id] * 3


def test_with_new_leads_the_tasks_move_and_the_old_session_and_token_stop(app, world):
    leaving, heir, other = world["leaving"], world["heir"], world["other"]
    token = token_for(leaving)
    theirs = _login(app, leaving)  # logged in before the deactivation
    chair = _login(app, world["chair"])
    path = f"/officers/{leaving.id}/deactivate"
    second = world["open"][1]
    response = chair.post(
        path,
        data={
            "csrf_token": csrf_token(chair, path),
            "lead_all": str(heir.id),
            f"lead_{second.id}": str(other.id),
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.refresh(leaving)
    assert not leaving.active
    assert _leads(world) == [heir.id, other.id, heir.id]
    first = world["open"][0]
    assert [s.id for s in first.supporters] == [other.id]  # the heir no longer supports it
    assert first.lead_history[-1] == ["2024-03-12", heir.id]
    assert lead_on(first, date(2024, 3, 1)) == leaving.id  # the past stays theirs
    db.session.refresh(world["done"])
    assert world["done"].lead_officer_id == leaving.id  # done work is not reassigned

    old_session = theirs.get("/my-tasks")
    assert old_session.status_code == 302 and "/login" in old_session.headers["Location"]
    assert app.test_client().get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_a_new_lead_who_is_the_leaving_officer_or_of_another_unit_is_refused(app, world):
    leaving = world["leaving"]
    stranger = gen_officer(gen_unit())
    db.session.commit()
    chair = _login(app, world["chair"])
    path = f"/officers/{leaving.id}/deactivate"
    for lead in (leaving.id, stranger.id, "abc", "99999999999"):
        response = chair.post(path, data={"csrf_token": csrf_token(chair, path), "lead_all": lead})
        assert response.status_code == 200, lead
    db.session.refresh(leaving)
    assert leaving.active
    assert _leads(world) == [leaving.id] * 3


def test_nobody_deactivates_themselves(app, world):
    chair = world["chair"]
    client = _login(app, chair)
    path = f"/officers/{chair.id}/deactivate"
    response = client.post(path, data={"csrf_token": csrf_token(client, path)})
    assert "Không tự ngừng tài khoản" in response.get_data(as_text=True)
    db.session.refresh(chair)
    assert chair.active


def test_reactivation(app, world):
    leaving = world["leaving"]
    leaving.active = False
    db.session.commit()
    chair = _login(app, world["chair"])
    response = chair.post(
        f"/officers/{leaving.id}/reactivate", data={"csrf_token": csrf_token(chair, "/my-tasks")}
    )
    assert response.status_code == 302
    db.session.refresh(leaving)
    assert leaving.active


def _figures(unit):
    """Who led the unit's tasks on 01/03/2024, and its tally on that day."""
    rows = status_rows(db.session, Plan.unit_id == unit.id)
    day = date(2024, 3, 1)
    return sorted(lead_on(r, day) for r in rows), tally(rows, day)


def test_transfer_keeps_the_past_with_the_old_unit(app, world):
    leaving, heir = world["leaving"], world["heir"]
    admin = gen_officer(world["ward"], Role.ADMIN)
    new_ward = gen_unit(code="phuong-moi", name="Phường Mới (sau sắp xếp)")
    db.session.commit()
    before = _figures(world["ward"])
    client = _login(app, admin)
    path = f"/officers/{leaving.id}/transfer"
    assert "Phường Mới (sau sắp xếp)" in client.get(path).get_data(as_text=True)
    data = {"csrf_token": csrf_token(client, path), "unit_id": str(new_ward.id)}
    missing = client.post(path, data=data)  # no new lead
    assert missing.status_code == 200
    db.session.refresh(leaving)
    assert leaving.unit_id == world["ward"].id
    response = client.post(
        path,
        data={
            "csrf_token": csrf_token(client, path),
            "unit_id": str(new_ward.id),
            "lead_all": str(heir.id),
        },
    )
    assert response.status_code == 302
    db.session.refresh(leaving)
    assert leaving.unit_id == new_ward.id and leaving.active
    assert _leads(world) == [heir.id] * 3
    assert _figures(world["ward"]) == before  # the old unit's past stays as it was
    tasks = db.session.scalars(select(Task).where(Task.lead_officer_id == leaving.id)).all()
    assert {t.id for t in tasks} == {world["done"].id, world["withdrawn"].id}
    assert db.session.get(Officer, leaving.id).unit.code == "phuong-moi"


def test_a_chairperson_cannot_move_an_officer_out_of_their_ward(app, world):
    gen_unit(code="phuong-khac")
    db.session.commit()
    chair = _login(app, world["chair"])
    assert chair.get(f"/officers/{world['leaving'].id}/transfer").status_code == 403
