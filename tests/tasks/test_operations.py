import logging
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.factories import gen_group, gen_officer, gen_plan, gen_unit
from tracker.core.refusals import Refusal
from tracker.core.status import DeadlineClass, deadline_class, tally
from tracker.extensions import db
from tracker.people.models import Role, UnitCalendarDay
from tracker.tasks.models import CadenceMode, CadenceUnit, Notification, TaskState
from tracker.tasks.operations import (
    TaskInput,
    bulk_assign,
    confirm_completion,
    record_progress,
    reopen,
    return_completion,
    save_task,
    submit_completion,
)

TODAY = date(2024, 3, 12)


@pytest.fixture
def ward():
    unit = gen_unit()
    chair = gen_officer(unit, Role.CHAIRPERSON, full_name="Chủ Tịch")
    lead = gen_officer(unit, full_name="Người Chủ Trì")
    helper = gen_officer(unit, full_name="Người Phối Hợp")
    plan = gen_plan(unit)
    group = gen_group(plan, "Cải cách thủ tục hành chính")
    return {
        "unit": unit,
        "chair": chair,
        "lead": lead,
        "helper": helper,
        "plan": plan,
        "group": group,
    }


def _input(w, **changes) -> TaskInput:
    data = TaskInput(
        title="Rà soát thủ tục hành chính",
        deliverable="Báo cáo rà soát",
        group_id=w["group"].id,
        lead_officer_id=w["lead"].id,
        supporter_ids=[w["helper"].id],
        confirmer_id=w["chair"].id,
        deadline=date(2024, 3, 29),
    )
    for key, value in changes.items():
        setattr(data, key, value)
    return data


def test_five_clears_are_all_required(app, ward):
    with pytest.raises(Refusal) as refused:
        save_task(db.session, ward["plan"], TaskInput(), ward["chair"])
    assert set(refused.value.errors) == {
        "title",
        "deliverable",
        "lead_officer_id",
        "confirmer_id",
        "deadline",
    }
    # a plain officer cannot be the leader who answers for the task
    with pytest.raises(Refusal) as refused:
        save_task(
            db.session, ward["plan"], _input(ward, confirmer_id=ward["helper"].id), ward["chair"]
        )
    assert set(refused.value.errors) == {"confirmer_id"}


def test_officers_of_another_unit_are_refused(app, ward):
    stranger = gen_officer(gen_unit())
    with pytest.raises(Refusal) as refused:
        save_task(
            db.session, ward["plan"], _input(ward, lead_officer_id=stranger.id), ward["chair"]
        )
    assert "lead_officer_id" in refused.value.errors


def test_deadline_in_working_days_skips_holidays(app, ward):
    result = save_task(
        db.session,
        ward["plan"],
        _input(ward, deadline=None, start_date=date(2024, 4, 26), deadline_working_days=5),
        ward["chair"],
    )
    assert result.task.deadline == date(2024, 5, 7)


def test_unit_day_off_counts(app, ward):
    db.session.add(
        UnitCalendarDay(
            unit_id=ward["unit"].id, day=date(2024, 3, 15), is_working_day=False, note="Nghỉ bù"
        )
    )
    result = save_task(
        db.session,
        ward["plan"],
        _input(ward, deadline=None, start_date=date(2024, 3, 13), deadline_working_days=2),
        ward["chair"],
    )
    assert result.task.deadline == date(2024, 3, 18)


def test_deadline_on_a_holiday_moves_to_the_next_working_day(app, ward):
    result = save_task(
        db.session, ward["plan"], _input(ward, deadline=date(2024, 4, 30)), ward["chair"]
    )
    assert result.task.deadline == date(2024, 5, 2)
    assert "ngày nghỉ" in result.notice
    task = result.task
    task.completed_on = date(2024, 5, 2)  # done on the first working day after the holidays
    assert deadline_class(task, date(2024, 5, 3)) is DeadlineClass.DONE_ON_TIME


def test_assignment_notifies_and_reassignment_notifies_both(app, ward):
    task = save_task(db.session, ward["plan"], _input(ward), ward["chair"]).task
    newcomer = gen_officer(ward["unit"], full_name="Người Mới")
    save_task(
        db.session,
        ward["plan"],
        _input(ward, lead_officer_id=newcomer.id),
        ward["chair"],
        task=task,
    )
    notices = db.session.scalars(select(Notification).order_by(Notification.id)).all()
    assert [(n.officer_id, n.kind) for n in notices] == [
        (ward["lead"].id, "assigned"),
        (ward["lead"].id, "reassigned_away"),
        (newcomer.id, "assigned"),
    ]


def test_submit_confirm_counts_from_the_evidence_date(app, ward, clock):
    task = save_task(db.session, ward["plan"], _input(ward), ward["chair"]).task
    record_progress(db.session, task, ward["lead"], percent=50, note="Đang rà soát")
    assert task.state is TaskState.IN_PROGRESS
    submit_completion(
        db.session,
        task,
        ward["lead"],
        document_number="333/KH-UBND",
        document_date=date(2024, 3, 4),
        summary="Kế hoạch",
        today=TODAY,
    )
    assert task.state is TaskState.PENDING_CONFIRMATION
    assert deadline_class(task, TODAY) is DeadlineClass.OPEN_ON_TIME  # not counted yet
    confirm_completion(db.session, task, ward["chair"])
    assert task.state is TaskState.DONE and task.completed_on == date(2024, 3, 4)
    assert deadline_class(task, TODAY) is DeadlineClass.DONE_ON_TIME
    clock(TODAY)
    reopen(db.session, task, ward["chair"], reason="Sai văn bản")
    assert task.completed_on is None and task.state is TaskState.IN_PROGRESS
    assert deadline_class(task, TODAY) is DeadlineClass.OPEN_ON_TIME
    # The days before the reopening keep the completion that stood then.
    assert deadline_class(task, TODAY - timedelta(days=1)) is DeadlineClass.DONE_ON_TIME


def test_return_needs_a_reason_and_lets_the_lead_submit_again(app, ward):
    task = save_task(db.session, ward["plan"], _input(ward), ward["chair"]).task
    submit_completion(
        db.session,
        task,
        ward["lead"],
        document_number="50/QĐ-UBND",
        document_date=date(2024, 2, 19),
        summary="",
        today=TODAY,
    )
    with pytest.raises(Refusal):
        return_completion(db.session, task, ward["chair"], reason="  ")
    return_completion(db.session, task, ward["chair"], reason="Thiếu phụ lục")
    assert task.state is TaskState.RETURNED
    submit_completion(
        db.session,
        task,
        ward["lead"],
        document_number="51/QĐ-UBND",
        document_date=date(2024, 2, 20),
        summary="",
        today=TODAY,
    )
    confirm_completion(db.session, task, ward["chair"])
    assert task.completed_on == date(2024, 2, 20)


@pytest.mark.parametrize(
    ("number", "on", "field"),
    [
        ("333/KH-UBND", date(2024, 3, 13), "document_date"),  # after today
        ("333 KH UBND", date(2024, 3, 4), "document_number"),
        ("", date(2024, 3, 4), "document_number"),
        ("333/KH-UBND", None, "document_date"),
    ],
)
def test_evidence_is_validated(app, ward, number, on, field):
    task = save_task(db.session, ward["plan"], _input(ward), ward["chair"]).task
    with pytest.raises(Refusal) as refused:
        submit_completion(
            db.session,
            task,
            ward["lead"],
            document_number=number,
            document_date=on,
            summary="",
            today=TODAY,
        )
    assert field in refused.value.errors


@pytest.mark.parametrize(
    "number",
    [
        "333/KH-UBND",
        "260/UBND",
        "39/QĐ-UBND",
        "91-KL/TU",
        "30/2020/NĐ-CP",
        "12/CT-UBND",
        "2227/KH-UBND",
    ],
)
def test_official_numbers_are_accepted(app, ward, number):
    task = save_task(db.session, ward["plan"], _input(ward), ward["chair"]).task
    submit_completion(
        db.session,
        task,
        ward["lead"],
        document_number=number,
        document_date=date(2024, 3, 1),
        summary="",
        today=TODAY,
    )


def test_monthly_task_has_twelve_occurrences_and_is_done_when_all_are(app, ward):
    task = save_task(
        db.session,
        ward["plan"],
        _input(
            ward,
            deadline=None,
            cadence_every=1,
            cadence_unit=CadenceUnit.MONTH,
            recurrence_note="Hàng tháng",
        ),
        ward["chair"],
    ).task
    assert len(task.occurrences) == 12
    assert task.occurrences[0].label == "Tháng 1/2024"
    assert task.occurrences[1].deadline == date(2024, 2, 29)
    assert task.occurrences[-1].deadline == date(2024, 12, 31)
    assert task.occurrences[3].deadline == date(2024, 4, 26)  # 27–30/4 are days off
    for i, occurrence in enumerate(task.occurrences[:3]):
        submit_completion(
            db.session,
            task,
            ward["lead"],
            document_number=f"{i + 1}/BC-UBND",
            document_date=occurrence.deadline,
            summary="",
            today=date(2024, 12, 31),
        )
        confirm_completion(db.session, task, ward["chair"])
    done = sum(o.state is TaskState.DONE for o in task.occurrences)
    assert (done, len(task.occurrences)) == (3, 12)
    assert task.state is TaskState.IN_PROGRESS
    assert deadline_class(task, date(2024, 3, 31)) is DeadlineClass.OPEN_ON_TIME
    assert deadline_class(task, date(2024, 5, 1)) is DeadlineClass.OPEN_OVERDUE
    assert tally([task], date(2024, 3, 31)).done == 0


def test_flexible_cadence_opens_the_next_occurrence_on_confirmation(app, ward):
    task = save_task(
        db.session,
        ward["plan"],
        _input(
            ward,
            deadline=None,
            cadence_every=3,
            cadence_unit=CadenceUnit.MONTH,
            cadence_mode=CadenceMode.FLEXIBLE,
            start_date=date(2024, 1, 1),
        ),
        ward["chair"],
    ).task
    assert len(task.occurrences) == 1
    submit_completion(
        db.session,
        task,
        ward["lead"],
        document_number="7/BC-UBND",
        document_date=date(2024, 3, 20),
        summary="",
        today=date(2024, 3, 31),
    )
    confirm_completion(db.session, task, ward["chair"])
    assert len(task.occurrences) == 2
    assert task.occurrences[1].deadline == date(2024, 6, 20)


def test_bulk_assign(app, ward):
    tasks = [
        save_task(db.session, ward["plan"], _input(ward, title=f"Việc {i}"), ward["chair"]).task
        for i in range(3)
    ]
    other = gen_officer(ward["unit"], full_name="Người Nhận")
    assert bulk_assign(db.session, tasks, ward["chair"], lead_officer_id=other.id) == 3
    assert {t.lead_officer_id for t in tasks} == {other.id}
    with pytest.raises(Refusal):
        bulk_assign(db.session, [], ward["chair"], lead_officer_id=other.id)


def test_reassigned_task_keeps_its_class_and_counts_for_the_new_lead(app, ward, clock):
    clock(TODAY)  # the task enters its plan today: figures of earlier dates do not count it
    task = save_task(
        db.session, ward["plan"], _input(ward, deadline=date(2024, 3, 1)), ward["chair"]
    ).task
    before = deadline_class(task, TODAY)
    save_task(
        db.session,
        ward["plan"],
        _input(ward, deadline=date(2024, 3, 1), lead_officer_id=ward["helper"].id),
        ward["chair"],
        task=task,
    )
    assert deadline_class(task, TODAY) is before is DeadlineClass.OPEN_OVERDUE
    from tracker.people.queries import unit_officers

    led = {s.officer.id: s.led for s in unit_officers(db.session, ward["unit"].id, TODAY)}
    assert led[ward["helper"].id].open_overdue == 1
    assert led[ward["lead"].id].total == 0


def test_a_vice_chairperson_saves_tasks_in_their_fields_only(app, ward):
    vice = gen_officer(ward["unit"], Role.VICE_CHAIRPERSON)
    own, other = gen_group(ward["plan"]), gen_group(ward["plan"])
    own.overseer_id = vice.id
    db.session.flush()
    saved = save_task(db.session, ward["plan"], _input(ward, group_id=own.id), vice)
    assert saved.task.group_id == own.id
    with pytest.raises(Refusal) as refused:
        save_task(db.session, ward["plan"], _input(ward, group_id=other.id), vice, saved.task)
    assert set(refused.value.errors) == {"group_id"}


def test_each_action_logs_who_did_what_in_which_unit(app, ward, caplog):
    w = ward
    with caplog.at_level(logging.INFO, logger="tracker"):
        task = save_task(db.session, w["plan"], _input(w), w["chair"]).task
        record_progress(db.session, task, w["lead"], percent=40)
        with pytest.raises(Refusal):
            record_progress(db.session, task, w["lead"], percent=140)
    lines = [(r.name, r.levelno, r.getMessage()) for r in caplog.records]
    unit, plan = w["unit"].id, w["plan"].id
    assert lines == [
        (
            "tracker.tasks",
            logging.INFO,
            f"officer {w['chair'].id} created task {task.id} of plan {plan}, unit {unit}",
        ),
        (
            "tracker.tasks",
            logging.INFO,
            f"officer {w['lead'].id} recorded 40% progress on task {task.id}, unit {unit}",
        ),
    ]  # a refused action logs nothing: it did nothing


def test_a_deadline_before_the_start_is_refused(app, ward):
    data = _input(ward, start_date=date(2024, 4, 1), deadline=date(2024, 3, 29))
    with pytest.raises(Refusal) as refused:
        save_task(db.session, ward["plan"], data, ward["chair"])
    message = "Thời hạn 29/03/2024 trước ngày bắt đầu 01/04/2024."
    assert refused.value.errors == {"deadline": message}
    data.start_date = date(2024, 3, 1)
    task = save_task(db.session, ward["plan"], data, ward["chair"]).task
    assert (task.start_date, task.deadline) == (date(2024, 3, 1), date(2024, 3, 29))
