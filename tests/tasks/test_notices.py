"""The one definition of a notice that needs the officer's action: the badge counts only those
(unread), the notifications page lists them under "Cần xử lý", the rest under "Để biết"."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from tests.conftest import token_in
from tests.factories import gen_officer, gen_plan, gen_task, gen_unit
from tracker.extensions import db
from tracker.followups.operations import answer_explanation, request_explanation
from tracker.people.models import Role
from tracker.tasks.models import Notification
from tracker.tasks.notices import needs_action
from tracker.tasks.operations import confirm_completion, notify, submit_completion

DAY = date(2024, 3, 12)


@pytest.fixture
def world(app, clock):
    clock(DAY)
    unit = gen_unit(code="phuong-thong-bao")
    chair = gen_officer(unit, Role.CHAIRPERSON, full_name="Lê Chủ Tịch")
    lead = gen_officer(unit, full_name="Phạm Chủ Trì")
    plan = gen_plan(unit, start_year=2024, end_year=2024)
    task = gen_task(plan, lead, title="Việc cần xác nhận", deadline=date(2024, 3, 30))
    db.session.commit()
    return {"chair": chair, "lead": lead, "task": task, "plan": plan}


def _badge(client) -> int:
    page = client.get("/notifications").get_data(as_text=True)
    match = re.search(r'data-testid="unread-count">(\d+)<', page)
    return int(match.group(1)) if match else 0


def _needing(officer) -> list[str]:
    return db.session.scalars(
        select(Notification.kind).where(
            Notification.officer_id == officer.id, needs_action(DAY)
        )
    ).all()


def _submit(world):
    submit_completion(
        db.session,
        world["task"],
        world["lead"],
        document_number="12/KH-UBND",
        document_date=date(2024, 3, 8),
        summary="",
        today=DAY,
    )
    db.session.commit()


def test_a_completion_to_confirm_counts_until_it_is_decided(client, auth, world):
    chair = world["chair"]
    notify(db.session, [chair.id], world["task"], "assigned", "Để biết thôi")
    db.session.commit()
    auth.login(chair)
    assert _badge(client) == 0  # information is not counted
    _submit(world)
    assert _badge(client) == 1
    page = client.get("/notifications").get_data(as_text=True)
    action = page[page.index('data-testid="notices-action"') : page.index("Để biết (")]
    assert "báo cáo hoàn thành “Việc cần xác nhận”" in action
    confirm_completion(db.session, world["task"], chair)
    db.session.commit()
    assert _badge(client) == 0
    assert _needing(chair) == []


def test_reading_clears_the_badge_not_the_need(client, auth, world):
    _submit(world)
    auth.login(world["chair"])
    assert _badge(client) == 1
    page = client.get("/notifications").get_data(as_text=True)
    token = token_in(page)
    client.post("/notifications/read", data={"csrf_token": token})
    assert _badge(client) == 0
    assert _needing(world["chair"]) == ["submitted"]  # still listed under "Cần xử lý"


def test_a_meeting_needs_action_until_its_day(world):
    lead = world["lead"]
    for day in (date(2024, 3, 11), date(2024, 3, 14)):
        db.session.add(
            Notification(
                officer_id=lead.id,
                kind="reminder_meeting",
                day=day,
                message="Họp",
                created_at=datetime(2024, 3, 10, tzinfo=UTC),
            )
        )
    db.session.flush()
    assert _needing(lead) == ["reminder_meeting"]  # the one of 14/03, not the past one


def test_an_explanation_asked_needs_action_until_it_is_given(world):
    task, lead = world["task"], world["lead"]
    task.deadline = date(2024, 3, 5)
    db.session.flush()
    sent = request_explanation(db.session, task, world["chair"], "Vì sao chậm?", today=DAY)
    assert _needing(lead) == ["reminder_explanation"]
    answer_explanation(
        db.session, sent.row, lead, "Chờ số liệu", date(2024, 3, 20), today=DAY
    )
    assert _needing(lead) == []
