"""Read-side queries of tasks: a plan's tasks, one officer's tasks, a task's history."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from flask import abort
from sqlalchemy import ColumnElement, Select, and_, bindparam, func, or_, select, union
from sqlalchemy.orm import Session, joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from tracker.core.audit import AuditEvent
from tracker.core.clock import end_of_day
from tracker.core.permissions import Submission
from tracker.core.status import (
    DeadlineClass,
    Occurrence,
    StatusRow,
    deadline_class,
    is_returned,
    parse_deadline_history,
)
from tracker.core.status_sql import RuleColumns
from tracker.core.versions import DataVersion, Kept
from tracker.extensions import db
from tracker.people.history import HistoryEntry, readable_history_and_units
from tracker.people.models import Officer
from tracker.plans.models import Plan, TaskGroup
from tracker.tasks.models import (
    NoteKind,
    Notification,
    Task,
    TaskNote,
    TaskOccurrence,
    TaskState,
    task_supporters,
)
from tracker.tasks.notices import needs_action

# The columns of the status rule's SQL form (core.status_sql), for counting in the database.
RULE_COLUMNS = RuleColumns(
    deadline=Task.deadline,
    completed_on=Task.completed_on,
    entered_on=Task.entered_on,
    withdrawn_on=Task.withdrawn_on,
    cadence_every=Task.cadence_every,
    deadline_history=Task.deadline_history,
    completion_history=Task.completion_history,
)


def status_rows(session: Session, *conditions) -> list[StatusRow]:
    """Live tasks matching `conditions` (on Task and Plan) as light rows for the status rule,
    withdrawn ones included (they count for the dates before their withdrawal: the rule's
    `in_plan_on` says which rows a date counts).

    Two queries whatever the number of tasks: the tasks, then the occurrences of the
    recurring ones among them.
    """
    rows = session.execute(
        select(
            Task.id,
            Task.plan_id,
            Task.group_id,
            Task.lead_officer_id,
            Task.deadline,
            Task.completed_on,
            Task.cadence_every,
            Task.entered_on,
            Task.withdrawn_on,
            Task.confirmed_on,
            Task.deadline_history,
            Task.completion_history,
            Task.lead_history,
        )
        .join(Plan, Plan.id == Task.plan_id)
        .where(Plan.archived_at.is_(None), Task.archived_at.is_(None), *conditions)
        .order_by(Task.id)
    ).all()
    recurring = [row.id for row in rows if row.cadence_every is not None]
    occurrences: dict[int, list[Occurrence]] = defaultdict(list)
    if recurring:
        for task_id, deadline, completed_on in session.execute(
            select(TaskOccurrence.task_id, TaskOccurrence.deadline, TaskOccurrence.completed_on)
            .join(Task, Task.id == TaskOccurrence.task_id)
            .join(Plan, Plan.id == Task.plan_id)
            .where(
                Task.cadence_every.is_not(None),
                Plan.archived_at.is_(None),
                Task.archived_at.is_(None),
                *conditions,
            )
            .order_by(TaskOccurrence.task_id, TaskOccurrence.sequence)
        ):
            occurrences[task_id].append(Occurrence(deadline, completed_on))
    return [
        StatusRow(
            row.id,
            row.plan_id,
            row.group_id,
            row.lead_officer_id,
            row.deadline,
            row.completed_on,
            tuple(occurrences.get(row.id, ())),
            row.entered_on,
            row.withdrawn_on,
            row.confirmed_on,
            parse_deadline_history(row.deadline_history),
            tuple(row.completion_history or ()),
            tuple(row.lead_history or ()),
        )
        for row in rows
    ]


def load_occurrences(session: Session, tasks: list[Task]) -> None:
    """Give the recurring ones among `tasks` their occurrences in one query; most plans have
    none, and then no query at all."""
    recurring = {t.id: t for t in tasks if t.is_recurring}
    if not recurring:
        return
    found: dict[int, list[TaskOccurrence]] = {task_id: [] for task_id in recurring}
    for occurrence in session.scalars(
        select(TaskOccurrence)
        .where(TaskOccurrence.task_id.in_(list(recurring)))
        .order_by(TaskOccurrence.task_id, TaskOccurrence.sequence)
    ):
        found[occurrence.task_id].append(occurrence)
    for task_id, occurrences in found.items():
        set_committed_value(recurring[task_id], "occurrences", occurrences)


def plan_tasks(session: Session, plan: Plan) -> list[Task]:
    """The plan's live tasks with lead, supporters and group loaded (constant query count)."""
    live = (Task.plan_id == plan.id, Task.archived_at.is_(None))
    tasks = list(
        session.scalars(
            select(Task)
            .where(*live)
            .options(joinedload(Task.lead_officer), joinedload(Task.group))
            .order_by(Task.ordinal, Task.id)
        ).unique()
    )
    # Supporters by the plan, not by a list of task ids: the statement stays the same whatever
    # the number of tasks, so it is compiled once and needs no IN list expanded per request.
    supporters: dict[int, list[Officer]] = {task.id: [] for task in tasks}
    for task_id, officer in session.execute(
        select(task_supporters.c.task_id, Officer)
        .join(Officer, Officer.id == task_supporters.c.officer_id)
        .join(Task, Task.id == task_supporters.c.task_id)
        .where(*live)
        .order_by(Officer.full_name)
    ):
        supporters[task_id].append(officer)
    for task in tasks:
        set_committed_value(task, "supporters", supporters[task.id])
    load_occurrences(session, tasks)
    return tasks


@dataclass(frozen=True, slots=True)
class GroupKey:
    """A plan's field as the plan page heads its rows with it."""

    id: int
    ordinal: int
    name: str


@dataclass(slots=True)
class PlanTaskLine:
    """A row of the plan page: what it shows of a task and the columns the status rule reads
    (core.status takes it like a Task), read as plain rows, not ORM objects."""

    id: int
    ordinal: int
    title: str
    deliverable: str
    deadline: date | None
    recurrence_note: str
    completed_on: date | None
    entered_on: date | None
    withdrawn_on: date | None
    confirmed_on: date | None
    deadline_history: list | None
    completion_history: list | None
    cadence_every: int | None
    group: GroupKey | None
    lead_name: str | None
    supporter_names: list[str] = field(default_factory=list)
    occurrences: tuple[Occurrence, ...] = ()

    @property
    def is_recurring(self) -> bool:
        return self.cadence_every is not None


@functools.cache
def _plan_task_lines() -> tuple[Select, Select, Select]:
    # Built once: the plan page runs them on every view.
    live = (Task.plan_id == bindparam("plan_id"), Task.archived_at.is_(None))
    tasks = (
        select(
            Task.id, Task.ordinal, Task.title, Task.deliverable, Task.deadline,
            Task.recurrence_note, Task.completed_on, Task.entered_on, Task.withdrawn_on,
            Task.confirmed_on, Task.deadline_history, Task.completion_history,
            Task.cadence_every, TaskGroup.id, TaskGroup.ordinal, TaskGroup.name,
            Officer.full_name, Officer.unit_id,
        )
        .outerjoin(TaskGroup, TaskGroup.id == Task.group_id)
        .outerjoin(Officer, Officer.id == Task.lead_officer_id)
        .where(*live)
        .order_by(Task.ordinal, Task.id)
    )
    supporters = (
        select(task_supporters.c.task_id, Officer.full_name, Officer.unit_id)
        .join(Officer, Officer.id == task_supporters.c.officer_id)
        .join(Task, Task.id == task_supporters.c.task_id)
        .where(*live)
        .order_by(Officer.full_name)
    )
    occurrences = (
        select(TaskOccurrence.task_id, TaskOccurrence.deadline, TaskOccurrence.completed_on)
        .join(Task, Task.id == TaskOccurrence.task_id)
        .where(*live, Task.cadence_every.is_not(None))
        .order_by(TaskOccurrence.task_id, TaskOccurrence.sequence)
    )
    return tasks, supporters, occurrences


class PlanLines(NamedTuple):
    lines: tuple[PlanTaskLine, ...]
    # Every officer the lines name belongs to the plan's unit: its version covers them.
    covered: bool


# The plan page's lines kept across requests (core.versions), by plan and its unit's version.
_PLAN_LINES: Kept[tuple, PlanLines] = Kept("plan pages' task lines", 256)


def kept_plan_task_lines(session: Session, plan: Plan, version: int) -> PlanLines:
    """The plan page's lines (`_read_plan_task_lines`), kept under the data version of the
    plan's unit, read with the plan before its tasks (core.versions.with_version): every
    change to the plan's tasks renews it. Lines naming an officer of another unit are read
    each time (not `covered`): that officer's renaming renews their unit's version, not this
    one. The lines are shared: never change them."""
    key = (plan.id, plan.unit_id, version)
    found = _PLAN_LINES.find(key)
    if found is None:
        read, named_units = _read_plan_task_lines(session, plan.id)
        found = PlanLines(tuple(read), named_units <= {plan.unit_id})
        if found.covered:
            _PLAN_LINES.put(key, found)
    return found


def _read_plan_task_lines(session: Session, plan_id: int) -> tuple[list[PlanTaskLine], set[int]]:
    """The plan's live tasks as the plan page shows them, in plan_tasks' order, with their
    lead's and supporters' names: two statements (three when some recur), no ORM objects;
    and the units of the officers they name."""
    tasks_query, supporters_query, occurrences_query = _plan_task_lines()
    groups: dict[int, GroupKey] = {}
    lines: dict[int, PlanTaskLine] = {}
    named_units: set[int] = set()
    for row in session.execute(tasks_query, {"plan_id": plan_id}):
        (task_id, ordinal, title, deliverable, deadline, note, completed_on, entered_on,
         withdrawn_on, confirmed_on, deadline_history, completion_history, cadence_every,
         group_id, group_ordinal, group_name, lead_name, lead_unit_id) = row
        group = None
        if group_id is not None:
            group = groups.get(group_id)
            if group is None:
                group = groups[group_id] = GroupKey(group_id, group_ordinal, group_name)
        lines[task_id] = PlanTaskLine(
            task_id, ordinal, title, deliverable, deadline, note, completed_on, entered_on,
            withdrawn_on, confirmed_on, deadline_history, completion_history, cadence_every,
            group, lead_name,
        )
        if lead_unit_id is not None:
            named_units.add(lead_unit_id)
    for task_id, name, unit_id in session.execute(supporters_query, {"plan_id": plan_id}):
        lines[task_id].supporter_names.append(name)
        named_units.add(unit_id)
    if any(line.is_recurring for line in lines.values()):
        found: dict[int, list[Occurrence]] = defaultdict(list)
        for task_id, deadline, completed_on in session.execute(
            occurrences_query, {"plan_id": plan_id}
        ):
            found[task_id].append(Occurrence(deadline, completed_on))
        for task_id, occurrences in found.items():
            lines[task_id].occurrences = tuple(occurrences)
    return list(lines.values()), named_units


@dataclass(frozen=True, slots=True)
class OfficerTask:
    task: MyTaskLine
    status: DeadlineClass
    leads: bool  # False: the officer supports it
    # The return that sent the completion back (reason, who, when), while it is returned.
    returned: TaskNote | None = None

    @property
    def to_resubmit(self) -> bool:
        """Returned work the officer leads: it needs them first."""
        return self.returned is not None and self.leads


# Urgency order for "Việc của tôi": overdue first, then open by deadline, then done.
_URGENCY = {
    DeadlineClass.OPEN_OVERDUE: 0,
    DeadlineClass.OPEN_ON_TIME: 1,
    DeadlineClass.DONE_LATE: 2,
    DeadlineClass.DONE_ON_TIME: 2,
}


@dataclass(frozen=True, slots=True)
class PlanName:
    title: str
    document_number: str | None


@dataclass(slots=True)
class MyTaskLine:
    """A card of "Việc của tôi": what it shows of a task and the columns the status rule
    reads (core.status takes it like a Task), read as plain rows, not ORM objects."""

    id: int
    title: str
    deliverable: str
    deadline: date | None
    recurrence_note: str
    state: TaskState
    lead_officer_id: int | None
    completed_on: date | None
    entered_on: date | None
    withdrawn_on: date | None
    confirmed_on: date | None
    deadline_history: list | None
    completion_history: list | None
    cadence_every: int | None
    plan: PlanName
    occurrences: tuple[Occurrence, ...] = ()

    @property
    def is_recurring(self) -> bool:
        return self.cadence_every is not None


@functools.cache
def _officer_task_lines() -> Select:
    # Built once: every officer's first page runs it. A recurring task comes once per
    # occurrence (joined, in order): one statement whether or not the officer has any.
    # Each half by its own index: an OR of the two would scan every task of every unit.
    mine = union(
        select(Task.id).where(Task.lead_officer_id == bindparam("officer_id")),
        select(task_supporters.c.task_id).where(
            task_supporters.c.officer_id == bindparam("officer_id")
        ),
    )
    return (
        select(
            Task.id, Task.title, Task.deliverable, Task.deadline, Task.recurrence_note,
            Task.state, Task.lead_officer_id, Task.completed_on, Task.entered_on,
            Task.withdrawn_on, Task.confirmed_on, Task.deadline_history,
            Task.completion_history, Task.cadence_every, Plan.title, Plan.document_number,
            TaskOccurrence.id, TaskOccurrence.deadline, TaskOccurrence.completed_on,
        )
        .join(Plan, Plan.id == Task.plan_id)
        .outerjoin(
            TaskOccurrence,
            and_(TaskOccurrence.task_id == Task.id, Task.cadence_every.is_not(None)),
        )
        .where(
            Task.archived_at.is_(None),
            Task.withdrawn_on.is_(None),
            Plan.archived_at.is_(None),
            Task.id.in_(mine),
        )
        .order_by(Task.id, TaskOccurrence.sequence)
    )


def officer_tasks(session: Session, officer_id: int, as_of: date) -> list[OfficerTask]:
    """Tasks the officer leads or supports: what needs doing first on top."""
    lines: dict[int, MyTaskLine] = {}
    occurrences: dict[int, list[Occurrence]] = defaultdict(list)
    for row in session.execute(_officer_task_lines(), {"officer_id": officer_id}):
        if row[0] not in lines:
            lines[row[0]] = MyTaskLine(*row[:14], PlanName(row[14], row[15]))
        if row[16] is not None:
            occurrences[row[0]].append(Occurrence(row[17], row[18]))
    for task_id, found in occurrences.items():
        lines[task_id].occurrences = tuple(found)
    tasks = list(lines.values())
    returns = latest_returns(session, [t.id for t in tasks if is_returned(t)])
    rows = [
        OfficerTask(
            task,
            deadline_class(task, as_of),
            task.lead_officer_id == officer_id,
            returns.get(task.id),
        )
        for task in tasks
    ]
    far = date.max
    rows.sort(
        key=lambda r: (
            not r.to_resubmit,  # returned work first: a leader waits for it
            _URGENCY[r.status],
            not r.leads,
            (r.task.deadline or far) if not r.status.is_done else far,
            -(r.task.completed_on or date.min).toordinal() if r.status.is_done else 0,
            r.task.id,
        )
    )
    return rows


def latest_returns(session: Session, task_ids: Sequence[int]) -> dict[int, TaskNote]:
    """The latest return of each task's completion, with who returned it; one query, none
    when no task is returned."""
    if not task_ids:
        return {}
    notes = session.scalars(
        select(TaskNote)
        .where(TaskNote.task_id.in_(list(task_ids)), TaskNote.kind == NoteKind.RETURN)
        .options(joinedload(TaskNote.author))
        .order_by(TaskNote.id)
    )
    return {note.task_id: note for note in notes}  # the latest wins


def returned_evidence(journal: Sequence[TaskNote]) -> dict[int, TaskNote]:
    """Evidence id -> the return that sent it back, read from the task's journal (newest
    first). A return names its evidence; one written before it did returned the submission
    just before it (of the same period)."""
    submitted: dict[int | None, int | None] = {}
    found: dict[int, TaskNote] = {}
    for note in reversed(journal):
        if note.kind is NoteKind.SUBMISSION:
            submitted[note.occurrence_id] = note.evidence_id
        elif note.kind is NoteKind.RETURN:
            evidence_id = note.evidence_id or submitted.get(note.occurrence_id)
            if evidence_id is not None:
                found[evidence_id] = note
    return found


@functools.cache
def _task_with_details() -> Select:
    # Built once: every task page runs it, and its six loader options cost to build anew.
    return (
        select(Task)
        .where(Task.id == bindparam("task_id"))
        .options(
            joinedload(Task.plan).joinedload(Plan.unit),
            joinedload(Task.group),
            joinedload(Task.lead_officer),
            joinedload(Task.confirmer),
            selectinload(Task.supporters),
            selectinload(Task.evidence),
        )
    )


def task_with_details(session: Session, task_id: int) -> Task | None:
    return session.scalar(_task_with_details(), {"task_id": task_id})


@functools.cache
def _task_page(probes: tuple[Callable[[], ColumnElement], ...]) -> Select:
    # As _task_with_details, the supporters and the evidence joined (a task has a handful of
    # each: their product is a few rows, two round trips less) and a column per probe; built
    # once per set of probes.
    return (
        select(Task, *(probe() for probe in probes))
        .where(Task.id == bindparam("task_id"))
        .options(
            joinedload(Task.plan).joinedload(Plan.unit),
            joinedload(Task.group),
            joinedload(Task.lead_officer),
            joinedload(Task.confirmer),
            joinedload(Task.supporters),
            joinedload(Task.evidence),
        )
    )


def task_page_or_404(
    session: Session, task_id: int, probes: tuple[Callable[[], ColumnElement], ...] = ()
) -> tuple[Task, tuple[Any, ...]]:
    """The task as `task_or_404(details=True)` loads it, and the value of each probe (a SQL
    expression on Task, such as whether the task has children), read in the same statement:
    the task page asks its sections' questions without a round trip each."""
    row = session.execute(_task_page(probes), {"task_id": task_id}).unique().first()
    if row is None:
        abort(404)
    task = row[0]
    if task.archived_at is not None or task.plan.archived_at is not None:
        abort(404)
    return task, tuple(row[1:])


# Audited columns that hold an officer id, shown by name in the history.
OFFICER_FIELDS = ("lead_officer_id", "added_by_id", "confirmer_id", "withdrawn_by_id")


def task_or_404(task_id: int, *, details: bool = False) -> Task:
    """A task that is still in use (neither it nor its plan archived); `details` loads what the
    task page shows with it, in its few statements."""
    task = task_with_details(db.session, task_id) if details else db.session.get(Task, task_id)
    if task is None or task.archived_at is not None or task.plan.archived_at is not None:
        abort(404)
    return task


def task_history(session: Session, task: Task) -> list[HistoryEntry]:
    """The task's audit trail and its evidence's, newest first, officer ids shown as names."""
    return task_history_and_units(session, task)[0]


def task_history_and_units(session: Session, task: Task) -> tuple[list[HistoryEntry], set[int]]:
    """`task_history`, and the units of the officers it names."""
    evidence_ids = [e.id for e in task.evidence]
    conditions = [and_(AuditEvent.entity_type == "tasks", AuditEvent.entity_id == task.id)]
    if evidence_ids:
        conditions.append(
            and_(AuditEvent.entity_type == "evidence", AuditEvent.entity_id.in_(evidence_ids))
        )
    return readable_history_and_units(session, or_(*conditions), OFFICER_FIELDS)


def unit_version() -> ColumnElement:
    """The data version of the task's unit (core.versions), read with the task by the task
    page, in its one statement (0 for a unit never changed since versions began)."""
    return func.coalesce(
        select(DataVersion.version)
        .join(Plan, Plan.unit_id == DataVersion.unit_id)
        .where(Plan.id == Task.plan_id)
        .scalar_subquery(),
        0,
    )


def task_journal(session: Session, task: Task) -> list[TaskNote]:
    return list(
        session.scalars(
            select(TaskNote)
            .where(TaskNote.task_id == task.id)
            .options(joinedload(TaskNote.author), joinedload(TaskNote.evidence))
            .order_by(TaskNote.id.desc())
        )
    )


def pending_submission(task: Task, journal: Sequence[TaskNote]) -> Submission | None:
    """The completion a leader would decide on now (the first pending occurrence's, for a
    recurring task), with who submitted it, read from the task's journal (newest first)."""
    if task.state is not TaskState.PENDING_CONFIRMATION:  # no journal to read
        return None
    return waiting_submission(task, submitter_id(task, journal))


def waiting_submission(task: Task, submitter: int | None) -> Submission | None:
    """The completion waiting for a decision, its submitter already known (a kept page's)."""
    return Submission(task, submitter) if task.state is TaskState.PENDING_CONFIRMATION else None


def submitter_id(task: Task, journal: Sequence[TaskNote]) -> int | None:
    """Who submitted the completion waiting for a decision (see `pending_submission`)."""
    occurrence = None
    if task.is_recurring:
        occurrence = next(
            (o for o in task.occurrences if o.state is TaskState.PENDING_CONFIRMATION), None
        )
    note = next(
        (
            n
            for n in journal
            if n.kind is NoteKind.SUBMISSION
            and (occurrence is None or n.occurrence_id == occurrence.id)
        ),
        None,
    )
    return note.author_id if note is not None else None


# The journal entries that move a completion in or out of "waiting for confirmation".
_DECISION_KINDS = (NoteKind.SUBMISSION, NoteKind.CONFIRMATION, NoteKind.RETURN, NoteKind.REOPEN)


def pending_on(session: Session, unit_id: int, day: date) -> set[int]:
    """The unit's tasks whose completion waited for confirmation at the end of `day`, read from
    the journal: the last submission or decision written by then was a submission. One query."""
    last: dict[int, NoteKind] = {}
    for task_id, kind in session.execute(
        select(TaskNote.task_id, TaskNote.kind)
        .join(Task, Task.id == TaskNote.task_id)
        .join(Plan, Plan.id == Task.plan_id)
        .where(
            Plan.unit_id == unit_id,
            TaskNote.kind.in_(_DECISION_KINDS),
            TaskNote.created_at < end_of_day(day),
        )
        .order_by(TaskNote.task_id, TaskNote.id)
    ):
        last[task_id] = kind
    return {task_id for task_id, kind in last.items() if kind is NoteKind.SUBMISSION}


def pending_confirmations(session: Session, unit_id: int) -> list[Task]:
    """Tasks whose completion waits for a leader, oldest submission first."""
    return list(
        session.scalars(
            select(Task)
            .join(Plan, Plan.id == Task.plan_id)
            .where(
                Plan.unit_id == unit_id,
                Plan.archived_at.is_(None),
                Task.archived_at.is_(None),
                Task.withdrawn_on.is_(None),
                Task.state == TaskState.PENDING_CONFIRMATION,
            )
            .options(joinedload(Task.plan), joinedload(Task.lead_officer))
            .order_by(Task.deadline.is_(None), Task.deadline, Task.id)
        )
    )


def recent_notifications(
    session: Session, officer_id: int, today: date, limit: int = 100
) -> list[tuple[Notification, bool]]:
    """The officer's latest notices, newest first, each with whether it needs their action
    (the one rule: tasks.notices.needs_action)."""
    return [
        (notice, bool(action))
        for notice, action in session.execute(
            select(Notification, needs_action(today).label("needs_action"))
            .where(Notification.officer_id == officer_id)
            .order_by(Notification.id.desc())
            .limit(limit)
        )
    ]
