"""Returned work where the officer looks: first in "Việc của tôi" with the reason, who and when,
resubmitted from its card; on the task page the returned evidence is marked."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from tests.conftest import session_csrf_token
from tests.factories import gen_officer, gen_plan, gen_task, gen_unit
from tracker.core.status import TaskState, is_returned
from tracker.extensions import db
from tracker.people.models import Role
from tracker.tasks.models import Notification
from tracker.tasks.operations import return_completion, submit_completion
from tracker.tasks.queries import officer_tasks

DAY = date(2024, 3, 12)


def _submit(task, lead, number: str, on: date) -> None:
    submit_completion(
        db.session, task, lead, document_number=number, document_date=on, summary="", today=DAY
    )


@pytest.fixture
def world(app, clock):
    clock(DAY)
    unit = gen_unit(code="phuong-tra-lai")
    chair = gen_officer(unit, Role.CHAIRPERSON, full_name="Lê Chủ Tịch")
    lead = gen_officer(unit, full_name="Phạm Chủ Trì")
    plan = gen_plan(unit, title="Kế hoạch CCHC", start_year=2024, end_year=2024)
    overdue = gen_task(plan, lead, title="Việc đã quá hạn", deadline=date(2024, 3, 1))
    returned = gen_task(plan, lead, title="Việc bị trả lại", deadline=date(2024, 4, 30))
    later = gen_task(plan, lead, title="Việc còn hạn", deadline=date(2024, 3, 20))
    _submit(returned, lead, "12/KH-UBND", date(2024, 3, 8))
    return_completion(db.session, returned, chair, reason="Thiếu chữ ký của lãnh đạo")
    db.session.commit()
    return {"chair": chair, "lead": lead, "returned": returned, "overdue": overdue, "later": later}


def test_returned_is_the_status_module_state(world):
    task = world["returned"]
    assert task.state is TaskState.RETURNED and is_returned(task)
    assert not is_returned(world["later"])


def test_returned_work_comes_first_with_its_return(world):
    rows = officer_tasks(db.session, world["lead"].id, DAY)
    assert [r.task.title for r in rows][:2] == ["Việc bị trả lại", "Việc đã quá hạn"]
    first = rows[0]
    assert first.to_resubmit
    assert first.returned.body == "Thiếu chữ ký của lãnh đạo"
    assert first.returned.author.full_name == "Lê Chủ Tịch"


def test_my_tasks_page_shows_badge_reason_and_who(client, auth, world):
    auth.login(world["lead"])
    page = client.get("/my-tasks").get_data(as_text=True)
    section = page.index('data-testid="returned-tasks"')
    assert section < page.index("Việc đã quá hạn")
    card = page[section : page.index("</details>", section)]
    assert "Bị trả lại" in card
    assert "Thiếu chữ ký của lãnh đạo" in card
    assert "Trả lại bởi Lê Chủ Tịch" in card
    assert f'action="/tasks/{world["returned"].id}/complete"' in card


def test_resubmit_from_the_card_refused_keeps_the_form_then_goes_through(client, auth, world):
    task = world["returned"]
    auth.login(world["lead"])
    page = client.get("/my-tasks").get_data(as_text=True)
    token = re.search(r'name="form_token"[^>]*value="([^"]+)"', page).group(1)
    data = {
        "csrf_token": session_csrf_token(client),
        "form_token": token,
        "document_number": "khong hop le",
        "document_date": "09/03/2024",
        "summary": "Đã bổ sung chữ ký",
    }
    refused = client.post(f"/tasks/{task.id}/complete", data=data)
    assert refused.status_code == 422
    body = refused.get_data(as_text=True)
    assert "Số văn bản chưa đúng dạng" in body
    assert 'value="khong hop le"' in body and "Đã bổ sung chữ ký" in body  # kept as typed
    db.session.refresh(task)
    assert task.state is TaskState.RETURNED
    data["document_number"] = "15/KH-UBND"
    assert client.post(f"/tasks/{task.id}/complete", data=data).status_code == 302
    db.session.refresh(task)
    assert task.state is TaskState.PENDING_CONFIRMATION
    page = client.get("/my-tasks").get_data(as_text=True)
    assert 'data-testid="returned-tasks"' not in page
    assert "Chờ xác nhận" in page  # the card says it waits for the leader now


def test_task_page_marks_the_returned_evidence(client, auth, world):
    auth.login(world["lead"])
    page = client.get(f"/tasks/{world['returned'].id}").get_data(as_text=True)
    assert 'data-testid="returned-alert"' in page
    marked = page[page.index('data-testid="returned-evidence"') :]
    marked = marked[: marked.index("</li>")]
    assert "12/KH-UBND" in marked and "Bị trả lại lúc" in marked
    assert "Lê Chủ Tịch" in marked and "Thiếu chữ ký của lãnh đạo" in marked


def test_resubmitting_resolves_the_returned_notice(world):
    task, lead = world["returned"], world["lead"]

    def open_notices():
        return db.session.scalars(
            select(Notification.kind).where(
                Notification.officer_id == lead.id,
                Notification.kind == "returned",
                Notification.resolved_at.is_(None),
            )
        ).all()

    assert open_notices() == ["returned"]
    _submit(task, lead, "15/KH-UBND", date(2024, 3, 9))
    assert open_notices() == []


def _returned_world(n: int):
    unit = gen_unit()
    chair = gen_officer(unit, Role.CHAIRPERSON)
    lead = gen_officer(unit)
    plan = gen_plan(unit, start_year=2024, end_year=2024)
    for i in range(n):
        task = gen_task(plan, lead, deadline=date(2024, 3, 1 + i % 28))
        _submit(task, lead, f"{i + 1}/KH-UBND", date(2024, 3, 8))
        return_completion(db.session, task, chair, reason=f"Lý do {i}")
        db.session.add(
            Notification(officer_id=lead.id, kind="reminders", day=date(2024, 2, 1 + i % 28),
                         message="Nhắc việc")
        )
    db.session.commit()
    return lead


def test_returned_cards_and_notices_cost_no_more_queries_when_there_are_more(
    app, client, auth, count_queries, clock
):
    clock(DAY)
    counts = []
    for n in (1, 12):
        lead = _returned_world(n)
        auth.login(lead)
        db.session.expunge_all()
        with count_queries() as mine:
            assert client.get("/my-tasks").status_code == 200
        db.session.expunge_all()
        with count_queries() as notices:
            assert client.get("/notifications").status_code == 200
        counts.append((mine.count, notices.count))
        auth.logout()
    assert counts[0] == counts[1], counts
    assert counts[1][0] <= 6 and counts[1][1] <= 5, counts
