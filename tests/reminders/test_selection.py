"""The set-based selection gives the same answer as the rule asked task by task: the status of
`deadline_class` on the ORM objects and `WorkCalendar` day by day, on varied random data; and it
costs the same handful of queries whatever the number of tasks."""

from __future__ import annotations

import gc
import random
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tests.factories import gen_officer, gen_plan, gen_task, gen_unit
from tracker.core.status import DeadlineClass, deadline_class
from tracker.core.workdays import WorkCalendar
from tracker.extensions import db
from tracker.people.models import Role, UnitCalendarDay
from tracker.reminders.models import RecipientRole, ReminderKind, ReminderSettings
from tracker.reminders.selection import OPEN_STATES, select_due
from tracker.tasks.models import CadenceUnit, Task, TaskOccurrence, TaskState

STATES = [
    TaskState.NOT_STARTED,
    TaskState.IN_PROGRESS,
    TaskState.RETURNED,
    TaskState.PENDING_CONFIRMATION,
    TaskState.DONE,
]


def _random_ward(rng: random.Random, with_settings: bool, own_days: bool = True):
    unit = gen_unit()
    chair = gen_officer(unit, Role.CHAIRPERSON)
    officers = [gen_officer(unit) for _ in range(4)]
    gone = gen_officer(unit)
    gone.active = False
    plan = gen_plan(unit)
    if with_settings:
        db.session.add(
            ReminderSettings(
                unit_id=unit.id,
                days_before="5,2",
                on_deadline=False,
                overdue_every=2,
                escalate_after=3,
                copy_supporters=False,
                digest_weekday=2,
            )
        )
    if own_days:  # the unit's own days: an extra day off and a make-up working Saturday
        db.session.add(
            UnitCalendarDay(unit_id=unit.id, day=date(2024, 2, 27), is_working_day=False)
        )
        db.session.add(UnitCalendarDay(unit_id=unit.id, day=date(2024, 3, 2), is_working_day=True))
    for n in range(30):
        lead = rng.choice([*officers, chair, gone, None])
        deadline = date(2024, 1, 15) + timedelta(days=rng.randint(0, 80))
        state = rng.choice(STATES)
        completed = None
        if state is TaskState.DONE:
            completed = deadline + timedelta(days=rng.randint(-10, 10))
        task = gen_task(
            plan,
            lead,
            deadline=deadline if n % 7 else None,
            completed_on=completed,
            **({} if completed else {"state": state}),
            supporters=rng.sample(officers, rng.randint(0, 2)),
        )
        if n % 5 == 0:  # recurring, one occurrence a month in every state
            task.cadence_every, task.cadence_unit = 1, CadenceUnit.MONTH
            for seq in range(1, 5):
                occ_state = rng.choice(STATES)
                due = date(2024, seq, 28)
                done_on = due - timedelta(days=2) if occ_state is TaskState.DONE else None
                task.occurrences.append(
                    TaskOccurrence(
                        sequence=seq,
                        label=f"Tháng {seq}/2024",
                        deadline=due,
                        state=occ_state,
                        completed_on=done_on,
                    )
                )
    db.session.flush()
    return unit


def _back(calendar: WorkCalendar, day: date, n: int) -> date:
    while n:
        day -= timedelta(days=1)
        if calendar.is_working_day(day):
            n -= 1
    return day


def reference(day: date) -> set[tuple]:
    """The lead's schedule and the escalations, asked of the ORM, `deadline_class` and
    `WorkCalendar` one task at a time: slow and obviously right."""
    expected = set()
    tasks = db.session.scalars(
        select(Task).options(selectinload(Task.occurrences), selectinload(Task.supporters))
    ).all()
    rules: dict[int, tuple] = {}  # each unit's settings, calendar and chairs, read once
    for task in tasks:
        unit = task.plan.unit
        if unit.id not in rules:
            rules[unit.id] = _unit_rules(unit.id)
        row, calendar, chairs = rules[unit.id]
        before = [int(x) for x in row.days_before.split(",")] if row else [7, 3, 1]
        on_deadline = row.on_deadline if row else True
        every = row.overdue_every if row else 3
        escalate = row.escalate_after if row else 5
        copies = row.copy_supporters if row else True
        if not calendar.is_working_day(day):
            continue
        if task.is_recurring:
            subjects = [(f"occurrence:{o.id}", o) for o in task.occurrences]
        else:
            subjects = [(f"task:{task.id}", task)]
        for key, s in subjects:
            if s.state not in OPEN_STATES or s.deadline is None:
                continue
            status = deadline_class(s, day)
            reached = None
            if status is DeadlineClass.OPEN_OVERDUE:
                k, due = 0, calendar.add_working_days(s.deadline, 1)
                while due <= day:
                    reached = (ReminderKind.OVERDUE, due)
                    k += 1
                    due = calendar.add_working_days(s.deadline, 1 + k * every)
                late = calendar.working_days_between(s.deadline, day)
                if late > escalate:
                    due_on = calendar.add_working_days(s.deadline, escalate + 1)
                    for chair in chairs:
                        expected.add((key, ReminderKind.ESCALATION, due_on, chair, "chair"))
            else:
                milestones = [(_back(calendar, s.deadline, n), ReminderKind.BEFORE) for n in before]
                if on_deadline:
                    milestones.append((s.deadline, ReminderKind.DUE))
                for when, kind in sorted(milestones):
                    if calendar.next_working_day(when) <= day:
                        reached = (kind, when)
            lead = task.lead_officer
            if reached and lead is not None and lead.active:
                expected.add((key, reached[0], reached[1], lead.id, "lead"))
                if copies:
                    for supporter in task.supporters:
                        if supporter.id != lead.id:
                            expected.add((key, reached[0], reached[1], supporter.id, "supporter"))
    return expected


def _unit_rules(unit_id: int) -> tuple:
    """The unit's reminder settings (None: the defaults), its calendar and its chairpersons."""
    row = db.session.scalar(select(ReminderSettings).where(ReminderSettings.unit_id == unit_id))
    calendar = WorkCalendar(
        {
            d.day: d.is_working_day
            for d in db.session.scalars(
                select(UnitCalendarDay).where(UnitCalendarDay.unit_id == unit_id)
            )
        }
    )
    return row, calendar, unit_chairs(unit_id)


def unit_chairs(unit_id: int) -> list[int]:
    from tracker.people.models import Officer, OfficerRole

    return list(
        db.session.scalars(
            select(Officer.id)
            .join(OfficerRole)
            .where(Officer.unit_id == unit_id, OfficerRole.role == Role.CHAIRPERSON, Officer.active)
        )
    )


def _selection_equals_the_rule(day_count: int = 100) -> int:
    checked = 0
    for day in (date(2024, 1, 10) + timedelta(days=i) for i in range(0, day_count, 2)):
        selection = select_due(db.session, day)
        got = {
            (d.subject, d.kind, d.due_on, d.recipient_id, d.role.value)
            for d in selection.dues
            if d.kind is not ReminderKind.DIGEST
        }
        assert got == reference(day), day
        # The class the selection used is deadline_class of the object itself.
        for subject in selection.context.subjects:
            obj = (
                db.session.get(TaskOccurrence, subject.occurrence_id)
                if subject.occurrence_id
                else db.session.get(Task, subject.task_id)
            )
            assert selection.context.classes[subject.subject] is deadline_class(obj, day)
        checked += len(got)
    return checked


def test_units_sharing_the_national_calendar_keep_their_own_rules(app):
    """The pass works a schedule out once for units with the same rules and calendar: wards on
    the national calendar with different rules, and one with its own days, still each get
    theirs."""
    rng = random.Random(16)
    _random_ward(rng, with_settings=False, own_days=False)
    _random_ward(rng, with_settings=True, own_days=False)
    _random_ward(rng, with_settings=False, own_days=False)
    _random_ward(rng, with_settings=False)
    db.session.commit()
    assert _selection_equals_the_rule(60) > 200


def test_the_pass_leaves_the_cycle_collector_as_it_found_it(app, ward):
    gen_task(ward["plan"], ward["lead"], deadline=date(2024, 3, 12))
    db.session.commit()
    assert gc.isenabled()
    assert select_due(db.session, date(2024, 3, 12)).dues
    assert gc.isenabled()
    gc.disable()
    try:
        select_due(db.session, date(2024, 3, 12))
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_selection_equals_the_rule_asked_task_by_task(app):
    rng = random.Random(4)
    _random_ward(rng, with_settings=False)
    _random_ward(rng, with_settings=True)
    db.session.commit()
    assert _selection_equals_the_rule() > 200  # the data exercised the rule


def test_the_kind_agrees_with_the_status_and_the_day_counts_with_the_calendar(app, ward):
    gen_task(ward["plan"], ward["lead"], deadline=date(2024, 3, 1))
    gen_task(ward["plan"], ward["lead"], deadline=date(2024, 3, 20))
    db.session.commit()
    calendar = WorkCalendar()
    for day in (date(2024, 2, 20) + timedelta(days=i) for i in range(40)):
        for due in select_due(db.session, day).dues:
            if due.role is not RecipientRole.LEAD:
                continue
            status = deadline_class(db.session.get(Task, due.task_id), day)
            if due.kind is ReminderKind.OVERDUE:
                assert status is DeadlineClass.OPEN_OVERDUE
                assert due.days == calendar.working_days_between(due.deadline, day)
            else:
                assert status is DeadlineClass.OPEN_ON_TIME
                assert due.days == calendar.working_days_between(day, due.deadline)


def test_selection_costs_the_same_queries_for_5_or_150_tasks(app, count_queries):
    def ward_with(n: int):
        unit = gen_unit()
        gen_officer(unit, Role.CHAIRPERSON)
        lead, helper = gen_officer(unit), gen_officer(unit)
        plan = gen_plan(unit)
        for i in range(n):
            gen_task(
                plan, lead, deadline=date(2024, 3, 1) + timedelta(days=i % 40), supporters=[helper]
            )

    ward_with(5)
    db.session.commit()
    with count_queries() as small:
        few = select_due(db.session, date(2024, 3, 12))
    ward_with(150)
    db.session.commit()
    with count_queries() as large:
        many = select_due(db.session, date(2024, 3, 12))
    assert len(many.dues) > 10 * len(few.dues) > 0
    assert large.count == small.count <= 10  # 9, and the report reminders' periods
