"""Two officers acting at once lose nothing: each race run ROUNDS times on PostgreSQL with real
concurrent sessions, the invariants checked after every round.

The data must be committed for other connections to see it, so these tests build their own app
on a throwaway database (not the rolled-back `app` fixture; tests/support/races.py). Without
PostgreSQL they are skipped: SQLite serialises writers, there is no race to run (the rules'
messages are tested elsewhere).
"""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.factories import gen_officer, gen_plan, gen_task, gen_unit
from tests.support.races import OK, World, committed_world, crashes, postgresql_only, race
from tracker.appendix.queries import load_sources
from tracker.core.audit import AuditEvent, acting_as
from tracker.core.refusals import Refusal
from tracker.core.status import deadline_class, done_by, tally
from tracker.extensions import db
from tracker.followups.models import Decision, ExplanationRequest
from tracker.followups.operations import (
    answer_explanation,
    decide_explanation,
    request_explanation,
)
from tracker.meetings.models import Meeting
from tracker.meetings.operations import (
    DecisionInput,
    MeetingInput,
    add_item,
    close_meeting,
    open_meeting,
    record_decision,
)
from tracker.meetings.queries import unevaluated
from tracker.people.models import Officer, Role, Unit
from tracker.plans.editing import update_plan
from tracker.plans.forms import plan_input
from tracker.plans.models import Plan
from tracker.plans.queries import of_units_on
from tracker.tasks.models import (
    CadenceMode,
    CadenceUnit,
    Evidence,
    NoteKind,
    Notification,
    Task,
    TaskNote,
    TaskOccurrence,
    TaskState,
)
from tracker.tasks.operations import (
    TaskInput,
    confirm_completion,
    reopen,
    return_completion,
    save_task,
    submit_completion,
    withdraw_task,
)
from tracker.tasks.queries import status_rows

ROUNDS = 20
TODAY = date(2024, 3, 13)  # a Wednesday; the tasks below are due 01/03 (overdue) or 28/06
FAR = date(2100, 1, 1)  # "as of" for the status rule: counted done at all, whenever

pytestmark = postgresql_only


@pytest.fixture(scope="module")
def world(tmp_path_factory, migrated_database):
    def build():
        unit = gen_unit()
        people = {
            "chair": gen_officer(unit, Role.CHAIRPERSON, full_name="Nguyễn Văn An"),
            "focal": gen_officer(unit, Role.FOCAL_OFFICER, full_name="Trần Thị Bình"),
            "admin": gen_officer(unit, Role.ADMIN, full_name="Lê Văn Cường"),
            "lead": gen_officer(unit, full_name="Phạm Thị Dung"),
        }
        plan = gen_plan(unit)
        db.session.flush()
        return unit.id, plan.id, people

    directory = tmp_path_factory.mktemp("races")
    with committed_world(directory, "races", build, migrated_database) as built:
        yield built


def _load_task(session: Session, task_id: int) -> Task:
    return session.get(Task, task_id)


def _in_app(world: World):
    return world.app.app_context()


def _officer(world: World, key: str) -> Officer:
    return db.session.get(Officer, world.people[key])


def _submitted_task(world: World, n: int, *, submit: bool = True) -> int:
    """A task of the plan, led by the lead officer, the chairperson confirming; submitted with
    its evidence (document number n/KH-UBND) unless `submit` is False."""
    with _in_app(world):
        plan = db.session.get(Plan, world.plan_id)
        lead = _officer(world, "lead")
        task = gen_task(
            plan,
            lead,
            deadline=date(2024, 6, 28),
            confirmer_id=world.people["chair"],
            ordinal=_next(plan),
        )
        db.session.commit()
        if submit:
            with acting_as(lead.id):
                submit_completion(
                    db.session,
                    task,
                    lead,
                    document_number=f"{n}/KH-UBND",
                    document_date=date(2024, 3, 4),
                    summary="",
                    today=TODAY,
                )
            db.session.commit()
        task_id = task.id
        db.session.remove()
    return task_id


def _next(plan: Plan) -> int:
    return (
        db.session.scalar(select(func.max(Task.ordinal)).where(Task.plan_id == plan.id)) or 0
    ) + 1


def _confirm(task_id: int):
    def prepare(session, officer):
        task = _load_task(session, task_id)
        assert task.state is TaskState.PENDING_CONFIRMATION  # what the page showed
        return lambda: confirm_completion(session, task, officer)

    return prepare


def _return(task_id: int, reason: str = "Thiếu minh chứng"):
    def prepare(session, officer):
        task = _load_task(session, task_id)
        assert task.state is TaskState.PENDING_CONFIRMATION
        return lambda: return_completion(session, task, officer, reason=reason)

    return prepare


def _submit(task_id: int, number: str):
    def prepare(session, officer):
        task = _load_task(session, task_id)
        assert task.state.is_open
        return lambda: submit_completion(
            session,
            task,
            officer,
            document_number=number,
            document_date=date(2024, 3, 4),
            summary="",
            today=TODAY,
        )

    return prepare


def _decisions(session: Session, task_id: int) -> list[TaskNote]:
    """The journal's decisions after the last submission."""
    notes = session.scalars(
        select(TaskNote).where(TaskNote.task_id == task_id).order_by(TaskNote.id)
    ).all()
    last = max(i for i, n in enumerate(notes) if n.kind is NoteKind.SUBMISSION)
    return [n for n in notes[last + 1 :] if n.kind in (NoteKind.CONFIRMATION, NoteKind.RETURN)]


def _assert_counted_only_if_confirmed(world: World, task_id: int) -> TaskNote:
    """A task counts as done (the status rule, the rates, Phụ lục 1) only while its completion
    is confirmed; the submission has exactly one decision in the journal. Returns it."""
    with _in_app(world):
        session = db.session
        task = session.get(Task, task_id)
        decisions = _decisions(session, task_id)
        assert len(decisions) == 1, [d.kind for d in decisions]
        confirmed = decisions[0].kind is NoteKind.CONFIRMATION
        assert task.state is (TaskState.DONE if confirmed else TaskState.RETURNED)
        assert deadline_class(task, FAR).is_done is confirmed
        assert (task.completed_on is not None) is confirmed
        rows = status_rows(session, Task.id == task_id)
        assert tally(rows, FAR).done == int(confirmed)
        # Phụ lục 1, the plan's row: done tasks; row 1.1 the register's documents
        done_in_plan = session.scalar(
            select(func.count())
            .select_from(Task)
            .where(Task.plan_id == world.plan_id, Task.state == TaskState.DONE)
        )
        sources = load_sources(
            session, of_units_on(world.unit_id, date(2024, 12, 31)), [world.unit_id],
            date(2024, 1, 1), date(2024, 12, 31),
        )[world.unit_id]
        assert sources.tallies["1.2"].done == done_in_plan
        number = session.scalar(select(Evidence.document_number).where(Evidence.task_id == task_id))
        # Row 1.1 counts the issued document (the register's entry) once, confirmed or not.
        assert sum(d.number == number for d in sources.documents) == 1
        session.expunge_all()
        db.session.remove()
        return decisions[0]


def _assert_named(outcome, name: str, did: str, refused: str) -> None:
    """The loser is told who acted first, what they did and when, and what is refused."""
    assert isinstance(outcome, Refusal), outcome
    message = outcome.message
    assert f"{name} {did} lúc " in message and refused in message, message


def _report(name: str, rounds: int, invariant: str) -> None:
    print(f"\nRACE {name}: {rounds} rounds; held: {invariant}")


# ---------------------------------------------------------------------------- completions


def test_confirm_against_return(world):
    """The chairperson confirms while the focal officer returns the same completion."""
    winners = Counter()
    for n in range(ROUNDS):
        task_id = _submitted_task(world, 1000 + n)
        outcomes = race(world, ("chair", _confirm(task_id)), ("focal", _return(task_id)))
        assert not crashes(outcomes), outcomes
        assert outcomes.count(OK) == 1, outcomes
        decision = _assert_counted_only_if_confirmed(world, task_id)
        if decision.kind is NoteKind.CONFIRMATION:
            winners["confirm"] += 1
            _assert_named(outcomes[1], world.names["chair"], "xác nhận", "không thể trả lại")
        else:
            winners["return"] += 1
            _assert_named(outcomes[0], world.names["focal"], "trả lại", "không thể xác nhận")
    _report(
        "confirm vs return",
        ROUNDS,
        f"one decision, done only while confirmed, loser told who/when; won {dict(winners)}",
    )


def test_confirm_against_confirm(world):
    for n in range(ROUNDS):
        task_id = _submitted_task(world, 2000 + n)
        outcomes = race(world, ("chair", _confirm(task_id)), ("focal", _confirm(task_id)))
        assert not crashes(outcomes), outcomes
        assert outcomes.count(OK) == 1, outcomes
        decision = _assert_counted_only_if_confirmed(world, task_id)
        assert decision.kind is NoteKind.CONFIRMATION
        loser = outcomes[1] if outcomes[0] == OK else outcomes[0]
        winner = world.names["chair" if outcomes[0] == OK else "focal"]
        _assert_named(loser, winner, "xác nhận", "không thể xác nhận")
        with _in_app(world):
            notices = db.session.scalar(
                select(func.count())
                .select_from(Notification)
                .where(Notification.task_id == task_id, Notification.kind == "confirmed")
            )
            assert notices == 1
            db.session.remove()
    _report("confirm vs confirm", ROUNDS, "one confirmation, one notice to the lead")


def test_return_against_return(world):
    for n in range(ROUNDS):
        task_id = _submitted_task(world, 3000 + n)
        outcomes = race(world, ("chair", _return(task_id, "A")), ("focal", _return(task_id, "B")))
        assert not crashes(outcomes), outcomes
        assert outcomes.count(OK) == 1, outcomes
        decision = _assert_counted_only_if_confirmed(world, task_id)
        assert decision.kind is NoteKind.RETURN
        loser = outcomes[1] if outcomes[0] == OK else outcomes[0]
        winner = world.names["chair" if outcomes[0] == OK else "focal"]
        _assert_named(loser, winner, "trả lại", "không thể trả lại")
    _report("return vs return", ROUNDS, "one return in the journal, never counted done")


def test_submit_against_submit(world):
    """The lead's completion sent twice at once (two tabs, or a double click without the
    form's single-use token): one submission, one evidence, one notice to each who may decide."""
    for n in range(ROUNDS):
        task_id = _submitted_task(world, 0, submit=False)
        outcomes = race(
            world,
            ("lead", _submit(task_id, f"{4000 + n}/KH-UBND")),
            ("lead", _submit(task_id, f"{4500 + n}/KH-UBND")),
        )
        assert not crashes(outcomes), outcomes
        assert outcomes.count(OK) == 1, outcomes
        loser = next(o for o in outcomes if o != OK)
        _assert_named(loser, world.names["lead"], "báo cáo hoàn thành", "không thể báo cáo")
        with _in_app(world):
            session = db.session
            kinds = session.scalars(select(TaskNote.kind).where(TaskNote.task_id == task_id)).all()
            assert kinds.count(NoteKind.SUBMISSION) == 1
            evidence = session.scalar(
                select(func.count()).select_from(Evidence).where(Evidence.task_id == task_id)
            )
            told = session.scalars(
                select(Notification.officer_id).where(
                    Notification.task_id == task_id, Notification.kind == "submitted"
                )
            ).all()
            assert evidence == 1
            # one notice to each who may decide on it: the chairperson, the focal officer
            assert sorted(told) == sorted([world.people["chair"], world.people["focal"]])
            assert session.get(Task, task_id).state is TaskState.PENDING_CONFIRMATION
            db.session.remove()
    _report("submit vs submit", ROUNDS, "one submission, one evidence, one notice per decider")


def _recurring_submitted(world: World, n: int) -> tuple[int, int]:
    """A monthly task of the plan, its first period's completion reported."""
    with _in_app(world):
        plan = db.session.get(Plan, world.plan_id)
        chair, lead = _officer(world, "chair"), _officer(world, "lead")
        with acting_as(chair.id):
            task = save_task(
                db.session,
                plan,
                TaskInput(
                    title=f"Báo cáo tháng {n}",
                    deliverable="Báo cáo",
                    lead_officer_id=lead.id,
                    confirmer_id=chair.id,
                    cadence_every=1,
                    cadence_unit=CadenceUnit.MONTH,
                    cadence_mode=CadenceMode.FIXED,
                ),
                chair,
            ).task
        db.session.commit()
        with acting_as(lead.id):
            evidence = submit_completion(
                db.session,
                task,
                lead,
                document_number=f"{5000 + n}/BC-UBND",
                document_date=date(2024, 1, 25),
                summary="",
                today=TODAY,
            )
        db.session.commit()
        ids = task.id, evidence.occurrence_id
        db.session.remove()
    return ids


def test_confirm_against_return_of_a_period(world):
    """The same race on one period of a recurring task: the period counts as done only while
    its completion is confirmed."""
    winners = Counter()
    for n in range(ROUNDS):
        task_id, occurrence_id = _recurring_submitted(world, n)

        outcomes = race(
            world,
            ("chair", _decide_period(task_id, occurrence_id, confirm=True)),
            ("focal", _decide_period(task_id, occurrence_id, confirm=False)),
        )
        assert not crashes(outcomes), outcomes
        assert outcomes.count(OK) == 1, outcomes
        with _in_app(world):
            task = db.session.get(Task, task_id)
            period = db.session.get(TaskOccurrence, occurrence_id)
            decisions = _decisions(db.session, task_id)
            assert len(decisions) == 1 and decisions[0].occurrence_id == occurrence_id
            confirmed = decisions[0].kind is NoteKind.CONFIRMATION
            assert period.state is (TaskState.DONE if confirmed else TaskState.RETURNED)
            assert done_by(period, FAR) is confirmed
            assert (period.completed_on is not None) is confirmed
            assert not deadline_class(task, FAR).is_done  # the other periods are open
            winners["confirm" if confirmed else "return"] += 1
            db.session.remove()
    _report(
        "confirm vs return (a recurring task's period)",
        ROUNDS,
        f"one decision, the period done only while confirmed; won {dict(winners)}",
    )


def _decide_period(task_id: int, occurrence_id: int, *, confirm: bool):
    def prepare(session, officer):
        task = _load_task(session, task_id)
        assert task.state is TaskState.PENDING_CONFIRMATION
        if confirm:
            return lambda: confirm_completion(session, task, officer, occurrence_id)
        return lambda: return_completion(
            session, task, officer, reason="Thiếu số liệu", occurrence_id=occurrence_id
        )

    return prepare


def _reopen(task_id: int):
    def prepare(session, officer):
        task = _load_task(session, task_id)
        assert task.state is TaskState.DONE
        return lambda: reopen(session, task, officer, reason="Sai số văn bản")

    return prepare


def test_reopen_against_reopen(world):
    """Two leaders reopen the same confirmed task: one reopening in the journal."""
    for n in range(ROUNDS):
        task_id = _submitted_task(world, 6000 + n)
        with _in_app(world):
            chair = _officer(world, "chair")
            with acting_as(chair.id):
                confirm_completion(db.session, db.session.get(Task, task_id), chair)
            db.session.commit()
            db.session.remove()
        outcomes = race(world, ("chair", _reopen(task_id)), ("focal", _reopen(task_id)))
        assert not crashes(outcomes), outcomes
        assert outcomes.count(OK) == 1, outcomes
        loser = next(o for o in outcomes if o != OK)
        winner = world.names["chair" if outcomes[0] == OK else "focal"]
        _assert_named(loser, winner, "mở lại", "không thể mở lại")
        with _in_app(world):
            kinds = db.session.scalars(
                select(TaskNote.kind).where(TaskNote.task_id == task_id)
            ).all()
            assert kinds.count(NoteKind.REOPEN) == 1
            task = db.session.get(Task, task_id)
            assert task.completed_on is None and not deadline_class(task, FAR).is_done
            db.session.remove()
    _report("reopen vs reopen", ROUNDS, "one reopening, the task no longer counted done")


def _withdraw(task_id: int):
    def prepare(session, officer):
        task = _load_task(session, task_id)
        assert task.withdrawn_on is None
        return lambda: withdraw_task(session, task, officer, reason="Không còn phù hợp")

    return prepare


def test_withdraw_against_withdraw(world):
    """The chairperson and the administrator withdraw the same task: one withdrawal, by one of
    them, in the journal and the audit; the other is told it was already withdrawn."""
    for n in range(ROUNDS):
        task_id = _submitted_task(world, 6500 + n, submit=False)
        outcomes = race(world, ("chair", _withdraw(task_id)), ("admin", _withdraw(task_id)))
        assert not crashes(outcomes), outcomes
        assert outcomes.count(OK) == 1, outcomes
        loser = next(o for o in outcomes if o != OK)
        assert "đã được rút khỏi kế hoạch" in str(loser)
        with _in_app(world):
            task = db.session.get(Task, task_id)
            winner = world.people["chair" if outcomes[0] == OK else "admin"]
            assert task.withdrawn_on is not None and task.withdrawn_by_id == winner
            withdrawals = db.session.scalars(
                select(TaskNote).where(TaskNote.task_id == task_id, TaskNote.kind == NoteKind.NOTE)
            ).all()
            assert len(withdrawals) == 1
            db.session.remove()
    _report("withdraw vs withdraw", ROUNDS, "one withdrawal, by the winner; the loser told")


# ---------------------------------------------------------------------------- editing, creating


def _form_of(task: Task) -> TaskInput:
    """What the edit form holds when it is opened: the task as it is, and its version."""
    data = TaskInput(
        title=task.title,
        deliverable=task.deliverable,
        group_id=task.group_id,
        lead_officer_id=task.lead_officer_id,
        supporter_ids=[s.id for s in task.supporters],
        confirmer_id=task.confirmer_id,
        deadline=task.deadline,
        notes=task.notes,
    )
    data.version = getattr(task, "version", None)
    return data


def _edit(task_id: int, name: str, value):
    def prepare(session, officer):
        data = _form_of(_load_task(session, task_id))  # the form, opened
        setattr(data, name, value)
        session.rollback()  # the POST is a new request: it loads the task anew

        def act():
            task = _load_task(session, task_id)
            save_task(session, task.plan, data, officer, task)

        return act

    return prepare


def test_two_edits_of_one_task(world):
    """The chairperson moves the deadline while the admin retitles the task, both from the
    same form: one is saved, the other is refused with who changed what; nothing restored."""
    winners = Counter()
    for n in range(ROUNDS):
        task_id = _submitted_task(world, 0, submit=False)
        before = date(2024, 6, 28)
        outcomes = race(
            world,
            ("chair", _edit(task_id, "deadline", date(2024, 7, 31))),
            ("admin", _edit(task_id, "title", f"Nhiệm vụ đổi tên {n}")),
        )
        assert not crashes(outcomes), outcomes
        assert outcomes.count(OK) == 1, outcomes
        with _in_app(world):
            task = db.session.get(Task, task_id)
            if outcomes[0] == OK:
                winners["deadline"] += 1
                assert task.deadline == date(2024, 7, 31) and not task.title.startswith(
                    "Nhiệm vụ đổi"
                )
                loser, name = outcomes[1], world.names["chair"]
            else:
                winners["title"] += 1
                assert task.title == f"Nhiệm vụ đổi tên {n}" and task.deadline == before
                loser, name = outcomes[0], world.names["admin"]
            assert task.version == 2
            assert f"Trong lúc bạn sửa, {name} đã lưu thay đổi" in loser.message
            changed = {c[0] for _entry, changes in loser.changes for c in changes}
            assert changed == ({"deadline"} if outcomes[0] == OK else {"title"})
            db.session.remove()
    _report("edit vs edit", ROUNDS, f"one save, the other refused naming it; won {dict(winners)}")


def _edit_plan(plan_id: int, title: str):
    def prepare(session, officer):
        data = plan_input(session.get(Plan, plan_id))  # the form, opened
        data.title = title
        session.rollback()

        def act():
            update_plan(session, session.get(Plan, plan_id), data, officer)

        return act

    return prepare


def test_two_edits_of_one_plan(world):
    """Two leaders retitle the plan from the same form: one is saved, the other refused with
    who saved it; the plan's version counts one edit."""
    for n in range(ROUNDS):
        with _in_app(world):
            plan = gen_plan(db.session.get(Unit, world.unit_id), title=f"Kế hoạch {n}")
            db.session.commit()
            plan_id, version = plan.id, plan.version
            db.session.remove()
        outcomes = race(
            world,
            ("chair", _edit_plan(plan_id, f"Chủ tịch đặt tên {n}")),
            ("admin", _edit_plan(plan_id, f"Quản trị đặt tên {n}")),
        )
        assert not crashes(outcomes), outcomes
        assert outcomes.count(OK) == 1, outcomes
        with _in_app(world):
            plan = db.session.get(Plan, plan_id)
            winner = "chair" if outcomes[0] == OK else "admin"
            loser = outcomes[1] if winner == "chair" else outcomes[0]
            assert plan.title.startswith("Chủ tịch" if winner == "chair" else "Quản trị")
            assert plan.version == version + 1
            assert f"Trong lúc bạn sửa, {world.names[winner]} đã lưu" in loser.message
            db.session.remove()
    _report("plan edit vs plan edit", ROUNDS, "one save, the other refused naming who saved")


def _create(world: World, title: str):
    def prepare(session, officer):
        plan = session.get(Plan, world.plan_id)
        data = TaskInput(
            title=title,
            deliverable="Kế hoạch",
            lead_officer_id=world.people["lead"],
            confirmer_id=world.people["chair"],
            deadline=date(2024, 6, 28),
        )
        return lambda: save_task(session, plan, data, officer)

    return prepare


def test_two_creates_in_one_plan(world):
    for n in range(ROUNDS):
        outcomes = race(
            world,
            ("chair", _create(world, f"Việc A {n}")),
            ("admin", _create(world, f"Việc B {n}")),
        )
        assert outcomes == [OK, OK], outcomes
        with _in_app(world):
            ordinals = db.session.scalars(
                select(Task.ordinal).where(Task.plan_id == world.plan_id)
            ).all()
            assert len(ordinals) == len(set(ordinals)), Counter(ordinals).most_common(2)
            db.session.remove()
    _report("create vs create", ROUNDS, "both created, every STT of the plan unique")


# ---------------------------------------------------------------------------- meetings


def _open(world: World, year: int, month: int):
    def prepare(session, officer):
        unit = session.get(Unit, world.unit_id)
        data = MeetingInput(
            year, month, date(year, month, 10), None, "Phòng họp", "", world.people["chair"]
        )
        return lambda: open_meeting(session, unit, data, officer)

    return prepare


def test_two_opens_of_one_month(world):
    for n in range(ROUNDS):
        year, month = 2030 + n // 12, n % 12 + 1
        opening = _open(world, year, month)
        outcomes = race(world, ("chair", opening), ("focal", opening))
        assert not crashes(outcomes), outcomes
        assert outcomes.count(OK) == 1, outcomes
        with _in_app(world):
            meetings = db.session.scalars(
                select(Meeting.id).where(
                    Meeting.unit_id == world.unit_id, Meeting.year == year, Meeting.month == month
                )
            ).all()
            assert len(meetings) == 1
            loser = next(o for o in outcomes if o != OK)
            assert getattr(loser, "meeting_id", None) == meetings[0]  # sent to it
            db.session.remove()
    _report("open vs open", ROUNDS, "one meeting a month, the loser sent to it")


def _meeting_with_item(world: World, n: int) -> tuple[int, int]:
    with _in_app(world):
        chair = _officer(world, "chair")
        unit = db.session.get(Unit, world.unit_id)
        year, month = 2040 + n // 12, n % 12 + 1
        with acting_as(chair.id):
            meeting = open_meeting(
                db.session,
                unit,
                MeetingInput(year, month, date(year, month, 10), None, "", "", chair.id),
                chair,
            )
            item = add_item(db.session, meeting, chair, "Rà soát quy chế làm việc")
        db.session.commit()
        ids = meeting.id, item.id
        db.session.remove()
    return ids


def _record(meeting_id: int, item_id: int):
    def prepare(session, officer):
        meeting = session.get(Meeting, meeting_id)
        data = DecisionInput(item_id=item_id, decision="Giao Văn phòng dự thảo")
        return lambda: record_decision(session, meeting, officer, data)

    return prepare


def _close(meeting_id: int):
    def prepare(session, officer):
        meeting = session.get(Meeting, meeting_id)
        # Closing settles every officer: here none was graded, each "không đánh giá".
        marks = {row.officer_id: "Nghỉ phép" for row in unevaluated(meeting)}
        return lambda: close_meeting(
            session, meeting, officer, "Kết luận chung", not_evaluated=marks
        )

    return prepare


def test_a_decision_against_closing_the_meeting(world):
    """A leader records a decision while the chairperson closes the meeting: the decision is
    recorded before the meeting closes, or refused; never written into a closed meeting."""
    winners = Counter()
    for n in range(ROUNDS):
        meeting_id, item_id = _meeting_with_item(world, n)
        outcomes = race(
            world, ("admin", _record(meeting_id, item_id)), ("chair", _close(meeting_id))
        )
        assert not crashes(outcomes), outcomes
        assert outcomes[1] == OK, outcomes
        with _in_app(world):
            events = db.session.execute(
                select(AuditEvent.id, AuditEvent.entity_type, AuditEvent.changes).where(
                    ((AuditEvent.entity_type == "agenda_items") & (AuditEvent.entity_id == item_id))
                    | (
                        (AuditEvent.entity_type == "meetings")
                        & (AuditEvent.entity_id == meeting_id)
                    )
                )
            ).all()
            closed = max(i for i, kind, changes in events if "closed_at" in changes)
            decided = [i for i, kind, changes in events if "decision" in changes]
            if outcomes[0] == OK:
                winners["decided first"] += 1
                assert len(decided) == 1 and decided[0] < closed
            else:
                winners["closed first"] += 1
                assert not decided
                assert "Cuộc họp đã kết thúc" in outcomes[0].message
            db.session.remove()
    _report(
        "decision vs close (a meeting)",
        ROUNDS,
        f"no decision written into a closed meeting; {dict(winners)}",
    )


# ---------------------------------------------------------------------------- explanations


def _explanation(world: World, *, answered: bool) -> int:
    with _in_app(world):
        plan = db.session.get(Plan, world.plan_id)
        lead, chair = _officer(world, "lead"), _officer(world, "chair")
        task = gen_task(plan, lead, deadline=date(2024, 3, 1), ordinal=_next(plan))
        with acting_as(chair.id):
            request = request_explanation(db.session, task, chair, "", today=TODAY).row
        db.session.commit()
        if answered:
            with acting_as(lead.id):
                answer_explanation(
                    db.session, request, lead, "Thiếu người.", date(2024, 3, 29), today=TODAY
                )
            db.session.commit()
        request_id = request.id
        db.session.remove()
    return request_id


def _answer(request_id: int, proposed: date):
    def prepare(session, officer):
        request = session.get(ExplanationRequest, request_id)
        return lambda: answer_explanation(session, request, officer, "Lý do", proposed, today=TODAY)

    return prepare


def _decide(request_id: int, accept: bool):
    def prepare(session, officer):
        request = session.get(ExplanationRequest, request_id)
        assert request.is_answered and request.is_open  # the page showed the answer
        return lambda: decide_explanation(session, request, officer, accept)

    return prepare


def _assert_one_consistent_decision(world: World, request_id: int) -> ExplanationRequest:
    with _in_app(world):
        request = db.session.get(ExplanationRequest, request_id)
        task = request.task
        assert request.decided_at is not None
        if request.decision is Decision.ACCEPTED:
            assert task.deadline == request.proposed_deadline == request.new_deadline
        else:
            assert task.deadline == request.deadline == date(2024, 3, 1)
        decided = db.session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.task_id == task.id, Notification.kind == "explanation_decided")
        )
        assert decided == 1
        db.session.expunge_all()
        db.session.remove()
        return request


def test_answer_against_decide(world):
    """The lead sends the answer form again (a second tab) while the chairperson decides on
    the first answer: the decision applies the answer it was taken on, once."""
    for _n in range(ROUNDS):
        request_id = _explanation(world, answered=True)
        outcomes = race(
            world,
            ("lead", _answer(request_id, date(2024, 4, 26))),
            ("chair", _decide(request_id, True)),
        )
        assert not crashes(outcomes), outcomes
        assert outcomes[1] == OK and isinstance(outcomes[0], Refusal), outcomes
        request = _assert_one_consistent_decision(world, request_id)
        assert request.proposed_deadline == date(2024, 3, 29)  # the answer decided on
    _report("answer vs decide", ROUNDS, "the decision applies the answer it saw, once")


def test_answer_against_answer(world):
    for _n in range(ROUNDS):
        request_id = _explanation(world, answered=False)
        outcomes = race(
            world,
            ("lead", _answer(request_id, date(2024, 3, 29))),
            ("lead", _answer(request_id, date(2024, 4, 26))),
        )
        assert not crashes(outcomes), outcomes
        assert outcomes.count(OK) == 1, outcomes
        loser = next(o for o in outcomes if o != OK)
        _assert_named(loser, world.names["lead"], "trả lời", "không thể trả lời lại")
        with _in_app(world):
            answered = db.session.scalar(
                select(func.count())
                .select_from(Notification)
                .where(Notification.kind == "explanation_answered")
                .join(ExplanationRequest, ExplanationRequest.task_id == Notification.task_id)
                .where(ExplanationRequest.id == request_id)
            )
            assert answered == 1  # to the chairperson who asked (the confirmer too)
            db.session.remove()
    _report("answer vs answer", ROUNDS, "one answer kept, one notice, the second told")


def test_decide_against_decide(world):
    """The chairperson accepts the new deadline while the admin refuses it."""
    for _n in range(ROUNDS):
        request_id = _explanation(world, answered=True)
        outcomes = race(
            world, ("chair", _decide(request_id, True)), ("admin", _decide(request_id, False))
        )
        assert not crashes(outcomes), outcomes
        assert outcomes.count(OK) == 1, outcomes
        request = _assert_one_consistent_decision(world, request_id)
        loser = next(o for o in outcomes if o != OK)
        winner = world.names["chair" if outcomes[0] == OK else "admin"]
        _assert_named(loser, winner, "quyết định", "không thể quyết định lại")
        assert (request.decision is Decision.ACCEPTED) is (outcomes[0] == OK)
    _report("decide vs decide", ROUNDS, "one decision, the deadline agrees with it")


# ---------------------------------------------------------------------------- officers


def test_deactivation_against_a_new_task_for_the_officer(world):
    """The chairperson deactivates an officer (their open tasks handed over, as the page
    listed them) while the administrator gives that officer a new task: one of them is
    refused, and no open task is ever left with a deactivated lead."""
    from tracker.tasks.handover import deactivate_officer, open_tasks_led_by

    for n in range(ROUNDS):
        with _in_app(world):
            leaving = gen_officer(db.session.get(Unit, world.unit_id), full_name=f"Nghỉ {n}")
            plan = db.session.get(Plan, world.plan_id)
            # The factory's ordinals count from this process's start: past what the tests
            # before have added only when the whole suite ran first.
            gen_task(plan, leaving, ordinal=_next(plan))
            db.session.commit()
            leaving_id = leaving.id
            db.session.remove()

        def deactivate(session, officer, leaving_id=leaving_id):
            target = session.get(Officer, leaving_id)
            leads = {t.id: world.people["lead"] for t in open_tasks_led_by(session, target)}
            return lambda: deactivate_officer(session, target, officer, leads)

        def assign(session, officer, leaving_id=leaving_id, n=n):
            plan = session.get(Plan, world.plan_id)
            data = TaskInput(
                title=f"Việc mới {n}",
                deliverable="Kế hoạch",
                lead_officer_id=leaving_id,
                confirmer_id=world.people["chair"],
                deadline=date(2024, 6, 28),
            )
            return lambda: save_task(session, plan, data, officer)

        outcomes = race(world, ("chair", deactivate), ("admin", assign))
        assert not crashes(outcomes), outcomes
        assert outcomes.count(OK) == 1, outcomes
        with _in_app(world):
            stranded = db.session.scalar(
                select(func.count())
                .select_from(Task)
                .join(Officer, Officer.id == Task.lead_officer_id)
                .where(Officer.active.is_(False), Task.state != TaskState.DONE)
            )
            assert stranded == 0, outcomes
            db.session.remove()
    _report(
        "deactivate vs assign to the officer",
        ROUNDS,
        "one refused; no open task led by a deactivated officer",
    )


# ---------------------------------------------------------------------------- province periods


def _province(world: World, n: int) -> int:
    from tracker.people.models import UnitKind

    with _in_app(world):
        province = gen_unit(code=f"tinh-dua-{n}", name=f"Tỉnh Đua {n}", kind=UnitKind.PROVINCE)
        for i in range(3):
            gen_unit(code=f"xa-dua-{n}-{i}", name=f"Xã Đua {n}-{i}", kind=UnitKind.COMMUNE,
                     parent=province)
        db.session.commit()
        province_id = province.id
        db.session.remove()
    return province_id


def _open_for_communes(province_id: int):
    from tracker.appendix.province import open_for_communes, regime_dates

    def prepare(session, officer):
        province = session.get(Unit, province_id)
        dates = regime_dates("q1", 2025)
        return lambda: open_for_communes(session, province, officer, dates.kind, dates.label,
                                         dates.start, dates.end, dates.due_on)

    return prepare


# ---------------------------------------------------------------------------- report draft


def _save_report(period_id: int, number: str):
    from tracker.appendix.models import ReportingPeriod
    from tracker.appendix.operations import ReportInput, save_report_draft

    def prepare(session, officer):
        period = session.get(ReportingPeriod, period_id)
        return lambda: save_report_draft(session, period, ReportInput(number=number))

    return prepare


def test_two_openings_of_one_province_period(world):
    """Two administrators open Quý I for all communes at once: one opening, each commune one
    period; the other is told it was just opened."""
    from tracker.appendix.models import ProvincePeriod, ReportingPeriod

    for n in range(ROUNDS // 2):
        province_id = _province(world, n)
        outcomes = race(world, ("admin", _open_for_communes(province_id)),
                        ("chair", _open_for_communes(province_id)))
        assert not crashes(outcomes), outcomes
        assert outcomes.count(OK) == 1, outcomes
        with _in_app(world):
            opened = db.session.scalars(select(ProvincePeriod).where(
                ProvincePeriod.unit_id == province_id)).all()
            assert len(opened) == 1
            per_commune = Counter(db.session.scalars(select(ReportingPeriod.unit_id).where(
                ReportingPeriod.province_period_id == opened[0].id)))
            assert sorted(per_commune.values()) == [1, 1, 1]
            db.session.remove()
    _report("open a province period vs the same", ROUNDS // 2,
            "one opening, one period per commune, the other refused")


def test_two_first_saves_of_a_report(world):
    """Two officers save a period's report for the first time at once: one draft row, holding
    the number of whoever saved last; no crash on the unique period."""
    from tracker.appendix.models import PeriodKind, ReportDraft, ReportingPeriod

    for n in range(ROUNDS):
        with _in_app(world):
            period = ReportingPeriod(unit_id=world.unit_id, kind=PeriodKind.QUARTER,
                                     label=f"Quý {n}", start=date(2000 + n, 1, 1),
                                     end=date(2000 + n, 3, 14))
            db.session.add(period)
            db.session.commit()
            period_id = period.id
            db.session.remove()
        outcomes = race(world, ("chair", _save_report(period_id, "1/BC-UBND")),
                        ("focal", _save_report(period_id, "2/BC-UBND")))
        assert outcomes == [OK, OK], outcomes
        with _in_app(world):
            drafts = db.session.scalars(
                select(ReportDraft).where(ReportDraft.period_id == period_id)).all()
            assert len(drafts) == 1 and drafts[0].number in ("1/BC-UBND", "2/BC-UBND")
            db.session.remove()
    _report("report save vs save", ROUNDS, "one draft a period, no crash")
