"""A figure as of a date is the figure of that date: tasks added later, tasks withdrawn, moved
deadlines and late confirmations, through the plan list, the API, the meeting agenda and
Phụ lục 1 alike."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.conftest import csrf_token
from tests.factories import gen_officer, gen_plan, gen_task, gen_unit
from tracker.appendix.queries import load_sources
from tracker.core.permissions import Action, can
from tracker.core.refusals import Refusal
from tracker.core.status import DeadlineClass, deadline_class, deadline_on, tally
from tracker.demo.loader import load_demo
from tracker.extensions import db
from tracker.meetings.agenda import build_agenda
from tracker.people.models import Officer, Role, Unit, UnitKind
from tracker.plans.models import Plan
from tracker.plans.queries import of_units_on, plan_summaries
from tracker.reminders.selection import open_subjects
from tracker.tasks.deadlines import move_deadline
from tracker.tasks.models import DeadlineChange, Task, TaskState
from tracker.tasks.operations import (
    TaskInput,
    confirm_completion,
    save_task,
    submit_completion,
    withdraw_task,
)
from tracker.tasks.queries import officer_tasks, status_rows

REPORT_DATE = date(2024, 3, 12)
NOW = date(2026, 12, 3)


@pytest.fixture
def demo(app, demo_database):
    result = load_demo(db.session)  # already loaded: finds the ward, creates nothing
    db.session.flush()
    return result


def _officer(unit: Unit, role: Role) -> Officer:
    return next(o for o in unit_officers(unit) if role in o.roles)


def unit_officers(unit: Unit) -> list[Officer]:
    return list(db.session.scalars(select(Officer).where(Officer.unit_id == unit.id)))


def _annual_plan(ward: Unit) -> Plan:
    return db.session.scalar(
        select(Plan).where(Plan.unit_id == ward.id, Plan.appendix_row == "1.2")
    )


def _figures(ward: Unit, day: date) -> dict:
    """Every figure of the date the pages, the API, the agenda and Phụ lục 1 show."""
    summaries = {s.plan.appendix_row: s.tally for s in plan_summaries(db.session, ward.id, day)}
    agenda = build_agenda(db.session, ward.id, day.year, day.month, day)
    appendix = load_sources(
        db.session, of_units_on(ward.id, day), [ward.id], date(day.year, 1, 1), day
    )
    return {
        "plans": {row: (t.total, t.done, t.completion_rate) for row, t in summaries.items()},
        "agenda": {p["appendix_row"]: (p["total"], p["done"], p["rate"]) for p in agenda["plans"]},
        "agenda_officers": {str(s["officer_id"]): s["counts"] for s in agenda["officers"]},
        "appendix": {row: t for row, t in appendix[ward.id].tallies.items()},
    }


def test_tasks_added_today_leave_the_figures_of_12_03_2024_alone(demo, clock):
    ward = demo.ward
    before = _figures(ward, REPORT_DATE)
    assert before["plans"]["1.2"][:2] == (22, 6)
    assert str(before["plans"]["1.2"][2]) == "27.3"

    clock(NOW)
    plan = _annual_plan(ward)
    chair = _officer(ward, Role.CHAIRPERSON)
    lead = _officer(ward, Role.OFFICER)
    for n in range(7):
        save_task(
            db.session,
            plan,
            TaskInput(
                title=f"Nhiệm vụ bổ sung {n}",
                deliverable="Báo cáo",
                lead_officer_id=lead.id,
                confirmer_id=chair.id,
                deadline=date(2026, 12, 31),
            ),
            chair,
        )
    added = db.session.scalars(select(Task).where(Task.title.like("Nhiệm vụ bổ sung%"))).all()
    assert {t.entered_on for t in added} == {NOW}

    assert _figures(ward, REPORT_DATE) == before
    assert {s.plan.appendix_row: s.tally.total for s in plan_summaries(db.session, ward.id, NOW)}[
        "1.2"
    ] == 29


def test_the_march_2024_agenda_does_not_list_a_task_submitted_in_2026(demo, clock):
    ward = demo.ward
    clock(NOW)
    plan = _annual_plan(ward)
    chair = _officer(ward, Role.CHAIRPERSON)
    lead = _officer(ward, Role.OFFICER)
    task = save_task(
        db.session,
        plan,
        TaskInput(
            title="Việc giao năm 2026",
            deliverable="Báo cáo",
            lead_officer_id=lead.id,
            confirmer_id=chair.id,
            deadline=date(2026, 12, 31),
        ),
        chair,
    ).task
    submit_completion(
        db.session,
        task,
        lead,
        document_number="15/BC-UBND",
        document_date=NOW,
        summary="",
        today=NOW,
    )
    assert task.state is TaskState.PENDING_CONFIRMATION
    march = build_agenda(db.session, ward.id, 2024, 3, REPORT_DATE)
    assert task.id not in {
        line["task_id"] for section in march["officers"] for line in section["pending"]
    }
    today = build_agenda(db.session, ward.id, 2026, 12, NOW)
    assert task.id in {
        line["task_id"] for section in today["officers"] for line in section["pending"]
    }


@pytest.fixture
def ward():
    unit = gen_unit()
    chair = gen_officer(unit, Role.CHAIRPERSON, full_name="Chủ Tịch")
    focal = gen_officer(unit, Role.FOCAL_OFFICER, full_name="Đầu Mối")
    lead = gen_officer(unit, Role.OFFICER, full_name="Chủ Trì")
    plan = gen_plan(unit, document_date=date(2024, 1, 31))
    return {"unit": unit, "chair": chair, "focal": focal, "lead": lead, "plan": plan}


def test_a_withdrawn_task_counts_before_its_withdrawal_only(app, ward, clock):
    done = gen_task(
        ward["plan"], ward["lead"], deadline=date(2024, 3, 1), completed_on=date(2024, 2, 1)
    )
    task = gen_task(ward["plan"], ward["lead"], deadline=date(2024, 3, 1))
    clock(date(2024, 4, 10))
    with pytest.raises(Refusal) as refused:
        withdraw_task(db.session, task, ward["chair"], reason="  ")
    assert list(refused.value.errors) == ["reason"]
    assert task.withdrawn_on is None
    withdraw_task(db.session, task, ward["chair"], reason="Đã có văn bản của UBND tỉnh thay thế")
    assert task.withdrawn_on == date(2024, 4, 10) and task.withdrawn_by_id == ward["chair"].id

    rows = status_rows(db.session, Plan.id == ward["plan"].id)
    assert tally(rows, date(2024, 4, 9)).total == 2  # the day before: still in the plan
    assert tally(rows, date(2024, 4, 9)).open_overdue == 1
    assert tally(rows, date(2024, 4, 10)).total == 1
    assert tally(rows, date(2024, 4, 10)).done == 1
    # Kept, never deleted; no one's work any more.
    assert db.session.get(Task, task.id) is not None
    mine = {t.task.id for t in officer_tasks(db.session, ward["lead"].id, date(2024, 4, 10))}
    assert task.id not in mine and done.id in mine
    assert task.id not in {s.task_id for s in open_subjects(db.session, date(2025, 1, 1))}
    assert not can(ward["lead"], Action.SUBMIT_COMPLETION, task)
    assert not can(ward["chair"], Action.ASSIGN_TASK, task)
    assert can(ward["chair"], Action.VIEW_UNIT, ward["unit"])
    # Twice: told what happened, nothing changed.
    with pytest.raises(Refusal, match="10/04/2024"):
        withdraw_task(db.session, task, ward["chair"], reason="Lần nữa")


def test_only_the_chairperson_withdraws(app, ward, clock):
    task = gen_task(ward["plan"], ward["lead"])
    for officer in (ward["focal"], ward["lead"]):
        with pytest.raises(Refusal):
            withdraw_task(db.session, task, officer, reason="Không cần nữa")
    assert task.withdrawn_on is None


def test_withdrawing_on_the_task_page(client, auth, ward, clock):
    task = gen_task(ward["plan"], ward["lead"], deadline=date(2024, 3, 1))
    db.session.commit()
    clock(date(2024, 4, 10))
    page = f"/tasks/{task.id}"
    auth.login(ward["chair"].email)
    html = client.get(page).get_data(as_text=True)
    assert "Rút nhiệm vụ khỏi kế hoạch" in html
    response = client.post(
        f"{page}/withdraw", data={"csrf_token": csrf_token(client, page), "reason": ""}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Task, task.id).withdrawn_on is None
    response = client.post(
        f"{page}/withdraw",
        data={"csrf_token": csrf_token(client, page), "reason": "Trùng nhiệm vụ 3"},
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert "Đã rút khỏi kế hoạch ngày 10/04/2024. Lý do: Trùng nhiệm vụ 3" in html
    assert "<summary class=\"small\">Rút nhiệm vụ khỏi kế hoạch" not in html  # nothing left
    plan_page = client.get(f"/plans/{ward['plan'].id}").get_data(as_text=True)
    assert "Đã rút ngày 10/04/2024" in plan_page
    before = client.get(f"/plans/{ward['plan'].id}?as_of=2024-04-09").get_data(as_text=True)
    assert "Đã rút ngày" not in before


def test_a_lead_may_not_withdraw_by_posting(client, auth, ward):
    task = gen_task(ward["plan"], ward["lead"])
    db.session.commit()
    auth.login(ward["lead"].email)
    page = f"/tasks/{task.id}"
    response = client.post(
        f"{page}/withdraw", data={"csrf_token": csrf_token(client, page), "reason": "Không làm"}
    )
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(Task, task.id).withdrawn_on is None


def test_each_date_is_judged_by_the_deadline_in_force_that_day(app, ward, clock):
    task = gen_task(ward["plan"], ward["lead"], deadline=date(2024, 3, 31))
    clock(date(2024, 3, 20))  # moved before it passed: counts from the day of the move
    change = move_deadline(
        db.session,
        task,
        date(2024, 3, 15),
        actor=ward["chair"],
        reason="Yêu cầu của tỉnh",
        decision="Công văn 12/UBND",
    )
    assert change.counts and change.old_deadline == date(2024, 3, 31)
    assert deadline_on(task, date(2024, 3, 19)) == date(2024, 3, 31)
    assert deadline_on(task, date(2024, 3, 20)) == date(2024, 3, 15)
    assert deadline_class(task, date(2024, 3, 19)) is DeadlineClass.OPEN_ON_TIME
    assert deadline_class(task, date(2024, 3, 20)) is DeadlineClass.OPEN_OVERDUE
    row = status_rows(db.session, Task.id == task.id)[0]
    assert deadline_class(row, date(2024, 3, 19)) is DeadlineClass.OPEN_ON_TIME
    assert deadline_class(row, date(2024, 3, 20)) is DeadlineClass.OPEN_OVERDUE
    recorded = db.session.scalars(
        select(DeadlineChange).where(DeadlineChange.task_id == task.id)
    ).all()
    assert [(c.changed_by_id, c.reason, c.decision, c.effective_on) for c in recorded] == [
        (ward["chair"].id, "Yêu cầu của tỉnh", "Công văn 12/UBND", date(2024, 3, 20))
    ]


def test_a_deadline_moved_after_it_passed_keeps_the_lateness_by_default(app, ward, clock):
    task = gen_task(ward["plan"], ward["lead"], deadline=date(2024, 3, 1))
    clock(date(2024, 3, 10))
    change = move_deadline(db.session, task, date(2024, 3, 31), actor=ward["chair"])
    assert not change.counts
    assert task.deadline == date(2024, 3, 31)  # the lead works to the new date
    task.completed_on, task.state = date(2024, 3, 20), TaskState.DONE
    assert deadline_class(task, date(2024, 3, 25)) is DeadlineClass.DONE_LATE


@pytest.mark.parametrize("where", ["unit", "province"])
def test_the_setting_of_the_unit_or_the_province_above_lets_it_count(app, clock, where):
    province = gen_unit(kind=UnitKind.PROVINCE)
    unit = gen_unit(parent=province)
    (province if where == "province" else unit).late_extension_counts = True
    chair = gen_officer(unit, Role.CHAIRPERSON)
    task = gen_task(gen_plan(unit), gen_officer(unit), deadline=date(2024, 3, 1))
    clock(date(2024, 3, 10))
    assert move_deadline(db.session, task, date(2024, 3, 31), actor=chair).counts
    task.completed_on, task.state = date(2024, 3, 20), TaskState.DONE
    assert deadline_class(task, date(2024, 3, 25)) is DeadlineClass.DONE_ON_TIME
    # A unit's own "off" wins over the province's "on".
    if where == "province":
        unit.late_extension_counts = False
        other = gen_task(task.plan, deadline=date(2024, 3, 1))
        assert not move_deadline(db.session, other, date(2024, 3, 31), actor=chair).counts


def test_editing_the_deadline_on_the_task_form_records_who_and_why(client, auth, ward, clock):
    task = gen_task(
        ward["plan"], ward["lead"], deadline=date(2024, 3, 31), confirmer=ward["chair"]
    )
    db.session.commit()
    clock(date(2024, 3, 5))
    auth.login(ward["chair"].email)
    page = f"/tasks/{task.id}/edit"
    response = client.post(
        page,
        data={
            "csrf_token": csrf_token(client, page),
            "title": task.title,
            "deliverable": task.deliverable,
            "lead_officer_id": ward["lead"].id,
            "confirmer_id": ward["chair"].id,
            "deadline_kind": "date",
            "deadline": "30/04/2024",
            "deadline_reason": "Chờ hướng dẫn của tỉnh",
            "cadence_unit": "month",
            "cadence_mode": "fixed",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    html = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "Lịch sử thời hạn" in html and "Chờ hướng dẫn của tỉnh" in html
    assert "31/03/2024" in html and "30/04/2024" in html


def test_a_past_page_says_when_a_later_confirmation_changed_it(client, auth, ward, clock):
    task = gen_task(
        ward["plan"], ward["lead"], deadline=date(2024, 3, 31), confirmer=ward["chair"]
    )
    clock(date(2024, 3, 5))
    submit_completion(
        db.session,
        task,
        ward["lead"],
        document_number="20/KH-UBND",
        document_date=date(2024, 3, 4),
        summary="",
        today=date(2024, 3, 5),
    )
    clock(date(2024, 3, 20))  # confirmed two weeks later: counts from 04/03
    confirm_completion(db.session, task, ward["chair"])
    assert task.confirmed_on == date(2024, 3, 20)
    db.session.commit()
    auth.login(ward["chair"].email)
    unit_code = ward["unit"].code
    plan_url = f"/plans/{ward['plan'].id}"
    for url in (plan_url, f"/units/{unit_code}/plans", f"/units/{unit_code}/dashboard"):
        past = client.get(f"{url}?as_of=2024-03-10").get_data(as_text=True)
        assert "Số liệu đã thay đổi do xác nhận hoàn thành sau ngày 10/03/2024" in past, url
        assert "20/03/2024" in past
        later = client.get(f"{url}?as_of=2024-03-20").get_data(as_text=True)
        assert "Số liệu đã thay đổi" not in later, url
