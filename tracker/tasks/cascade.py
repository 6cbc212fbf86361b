"""One task issued by a province to many of its communes at once.

Since 1 July 2025 a province oversees its communes, wards and special zones directly. Its
leader issues a task to a chosen set of them, or all: one PARENT task in the province's own
plan of tasks assigned down (PlanKind.ASSIGNED_TO_LOWER_LEVEL), saved with its five clears by
`save_task`; and one CHILD in each commune's plan of "nhiệm vụ cấp trên giao" of the year
(created if missing; appendix row 1.6). A child is an ordinary task of its commune: its
chairperson (the child's default confirmer) names the lead through the task form, reminders
and Phụ lục 1 count it like any other. A deadline moved on the parent moves the children that
never moved their own (tasks.deadlines).

All of it in one transaction, in a fixed number of statements whatever the number of communes.

A parent is not done by itself when its children are: it shows "n/N xã đã hoàn thành", and
once every commune has finished, the province's leader who confirms it closes it
(`close_parent`): done on the day the last commune finished (so late if that was after the
parent's deadline), with a confirmation note listing each commune's evidence. Explicit, because
the province may still have its own summary to make; the parent's lead may as well report it
done the ordinary way, with the province's own document.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from tracker.core import clock
from tracker.core.locking import hold
from tracker.core.permissions import Action, can
from tracker.core.refusals import Refusal
from tracker.core.status import DeadlineClass, deadline_class, done_on
from tracker.people.models import Officer, OfficerRole, Role, Unit
from tracker.people.operations import ensure_open
from tracker.plans.models import Plan, PlanKind
from tracker.tasks.models import Evidence, NoteKind, Notification, Task, TaskNote, TaskState
from tracker.tasks.operations import SaveResult, TaskInput, notify, save_task

log = logging.getLogger("tracker.tasks")

# The appendix row of a commune's plan of tasks assigned by a higher level.
ASSIGNED_ROW = "1.6"


def issuable_units(session: Session, unit: Unit) -> list[Unit]:
    """The open units directly below `unit`, by name: those it may issue tasks to."""
    return list(
        session.scalars(
            select(Unit)
            .where(Unit.parent_id == unit.id, Unit.closed_at.is_(None))
            .order_by(Unit.name, Unit.id)
        )
    )


def _year_plan(
    session: Session, unit_ids: Sequence[int], kind: PlanKind, year: int
) -> dict[int, Plan]:
    found: dict[int, Plan] = {}
    for plan in session.scalars(
        select(Plan)
        .where(
            Plan.unit_id.in_(unit_ids),
            Plan.kind == kind,
            Plan.archived_at.is_(None),
            Plan.start_year <= year,
            Plan.end_year >= year,
        )
        .order_by(Plan.id)
    ):
        found.setdefault(plan.unit_id, plan)  # the first one, if a unit keeps two
    return found


def _new_year_plan(unit: Unit, kind: PlanKind, year: int) -> Plan:
    # Stored titles are Vietnamese, like every plan's.
    if kind is PlanKind.ASSIGNED_TO_LOWER_LEVEL:
        title = f"Nhiệm vụ giao cấp dưới năm {year}"
        row = None
    else:
        title = f"Nhiệm vụ cấp trên giao năm {year}"
        row = ASSIGNED_ROW
    return Plan(
        unit_id=unit.id,
        kind=kind,
        title=title,
        start_year=year,
        end_year=year,
        appendix_row=row,
    )


def assigned_down_plan(session: Session, unit: Unit, actor: Officer | None) -> Plan:
    """The unit's plan of tasks assigned down for this year, created if missing."""
    year = clock.today().year
    plan = _year_plan(session, [unit.id], PlanKind.ASSIGNED_TO_LOWER_LEVEL, year).get(unit.id)
    if plan is None:
        ensure_open(unit)
        plan = _new_year_plan(unit, PlanKind.ASSIGNED_TO_LOWER_LEVEL, year)
        session.add(plan)
        session.flush()
    return plan


def _targets(session: Session, unit: Unit, unit_ids: Sequence[int]) -> list[Unit]:
    ids = list(dict.fromkeys(unit_ids))
    if not ids:
        raise Refusal({"unit_ids": _("Chọn ít nhất một xã, phường nhận nhiệm vụ.")})
    units = list(
        session.scalars(
            select(Unit)
            .where(Unit.id.in_(ids), Unit.parent_id == unit.id, Unit.closed_at.is_(None))
            .order_by(Unit.id)
        )
    )
    if len(units) != len(ids):
        raise Refusal(
            {"unit_ids": _("Có đơn vị không trực thuộc %(unit)s hoặc đã đóng.", unit=unit.name)}
        )
    return units


@dataclass(frozen=True)
class IssueResult:
    parent: Task
    children: list[Task]
    notice: str = ""


def issue_task(
    session: Session, unit: Unit, data: TaskInput, unit_ids: Sequence[int], actor: Officer | None
) -> IssueResult:
    """Issue one new task of `unit` (a province) to the units `unit_ids` directly below it."""
    if actor is not None and not can(actor, Action.ISSUE_TO_UNITS, unit):
        raise Refusal(_("Bạn không có quyền thực hiện thao tác này."))
    ensure_open(unit)
    # One issue of this unit at a time: the communes' plans are found or created once.
    hold(session, Unit, unit.id)
    targets = _targets(session, unit, unit_ids)
    if data.cadence_every is not None:
        raise Refusal({"deadline": _("Nhiệm vụ giao nhiều xã cần một thời hạn cụ thể.")})
    plan = assigned_down_plan(session, unit, actor)
    saved: SaveResult = save_task(session, plan, data, actor)
    children = _spawn(session, [saved.task], targets, actor)
    return IssueResult(saved.task, children, saved.notice)


def plan_tasks_to_issue(session: Session, plan: Plan) -> list[Task]:
    """The tasks of `plan` that issuing it would make parents: open, one-off, in the plan, not
    issued yet (a task issued once is followed through its children, never copied twice)."""
    issued = select(Task.parent_task_id).where(Task.parent_task_id.is_not(None))
    return list(
        session.scalars(
            select(Task)
            .where(
                Task.plan_id == plan.id,
                Task.archived_at.is_(None),
                Task.withdrawn_on.is_(None),
                Task.cadence_every.is_(None),
                Task.state != TaskState.DONE,
                Task.id.not_in(issued),
            )
            .order_by(Task.ordinal, Task.id)
        )
    )


@dataclass(frozen=True)
class PlanIssuePreview:
    """What issuing a whole plan would create, shown to be confirmed before anything is."""

    plan: Plan
    tasks: list[Task]  # the parents-to-be
    targets: list[Unit]
    new_plans: list[Unit]  # communes whose plan of tasks from above is created for the year
    left_out: int  # the plan's other tasks: done, periodic, withdrawn or issued already

    @property
    def children(self) -> int:
        return len(self.tasks) * len(self.targets)


def preview_issue_plan(
    session: Session, plan: Plan, unit_ids: Sequence[int], actor: Officer | None
) -> PlanIssuePreview:
    """What `issue_plan` would do, refused as it would be; changes nothing."""
    unit = plan.unit
    if actor is not None and not can(actor, Action.ISSUE_TO_UNITS, plan):
        raise Refusal(_("Bạn không có quyền thực hiện thao tác này."))
    ensure_open(unit)
    if plan.archived_at is not None:
        raise Refusal(_("Kế hoạch đã được lưu trữ: không giao được cho cấp dưới."))
    targets = _targets(session, unit, unit_ids)
    tasks = plan_tasks_to_issue(session, plan)
    if not tasks:
        raise Refusal(_("Kế hoạch không còn nhiệm vụ nào chưa giao cho cấp dưới."))
    having = _year_plan(
        session, [u.id for u in targets], PlanKind.ASSIGNED_BY_HIGHER_LEVEL, clock.today().year
    )
    total = session.scalar(
        select(func.count()).select_from(Task).where(
            Task.plan_id == plan.id, Task.archived_at.is_(None)
        )
    )
    return PlanIssuePreview(
        plan=plan,
        tasks=tasks,
        targets=targets,
        new_plans=[u for u in targets if u.id not in having],
        left_out=(total or 0) - len(tasks),
    )


def issue_plan(
    session: Session,
    plan: Plan,
    unit_ids: Sequence[int],
    actor: Officer | None,
    task_ids: Sequence[int] | None = None,
) -> list[Task]:
    """Issue every open one-off task of `plan` (the province's own) not issued yet to the
    units `unit_ids` below it: each task becomes a parent, with one child in each unit. With
    `task_ids` (those a preview showed), refused unless they are still exactly those."""
    if actor is not None and not can(actor, Action.ISSUE_TO_UNITS, plan):
        raise Refusal(_("Bạn không có quyền thực hiện thao tác này."))
    # One issue of this unit at a time, then what is left to issue is read again under it.
    hold(session, Unit, plan.unit_id)
    preview = preview_issue_plan(session, plan, unit_ids, actor)
    if task_ids is not None and [t.id for t in preview.tasks] != list(task_ids):
        raise Refusal(_("Danh sách đã thay đổi so với bản xem trước: xem lại rồi xác nhận."))
    return _spawn(session, preview.tasks, preview.targets, actor)


def _spawn(
    session: Session, parents: list[Task], targets: list[Unit], actor: Officer | None
) -> list[Task]:
    """One child of each parent in each target's plan of tasks assigned by a higher level."""
    today = clock.today()
    ids = [u.id for u in targets]
    plans = _year_plan(session, ids, PlanKind.ASSIGNED_BY_HIGHER_LEVEL, today.year)
    missing = [u for u in targets if u.id not in plans]
    for target in missing:
        plans[target.id] = _new_year_plan(target, PlanKind.ASSIGNED_BY_HIGHER_LEVEL, today.year)
        session.add(plans[target.id])
    session.flush()
    plan_ids = sorted(p.id for p in plans.values())
    # The plans' row locks: a task added by hand meanwhile waits for these numbers (STT).
    session.execute(
        select(Plan.id).where(Plan.id.in_(plan_ids)).order_by(Plan.id).with_for_update(
            key_share=True
        )
    )
    last = dict(
        session.execute(
            select(Task.plan_id, func.max(Task.ordinal))
            .where(Task.plan_id.in_(plan_ids))
            .group_by(Task.plan_id)
        ).all()
    )
    chairs: dict[int, list[int]] = defaultdict(list)
    for officer_id, unit_id in session.execute(
        select(Officer.id, Officer.unit_id)
        .join(OfficerRole, OfficerRole.officer_id == Officer.id)
        .where(
            Officer.unit_id.in_(ids), Officer.active, OfficerRole.role == Role.CHAIRPERSON
        )
        .order_by(Officer.id)
    ):
        chairs[unit_id].append(officer_id)
    issuer = parents[0].plan.unit
    children: list[Task] = []
    for target in targets:
        plan = plans[target.id]
        ordinal = last.get(plan.id) or 0
        for parent in parents:
            ordinal += 1
            child = Task(
                plan=plan,
                ordinal=ordinal,
                title=parent.title,
                deliverable=parent.deliverable,
                deadline=parent.deadline,
                start_date=parent.start_date,
                deadline_working_days=parent.deadline_working_days,
                notes=parent.notes,
                recurrence_note=parent.recurrence_note,
                parent_task_id=parent.id,
                # The commune's chairperson answers for it until they name another leader.
                confirmer_id=chairs[target.id][0] if chairs[target.id] else None,
                entered_on=today,
            )
            children.append(child)
            for chair_id in chairs[target.id]:
                # Stored text: notices are written in Vietnamese, like the others.
                session.add(
                    Notification(
                        officer_id=chair_id,
                        task=child,
                        kind="issued",
                        message=f"{issuer.name} giao nhiệm vụ “{parent.title}”, hạn "
                        f"{_deadline_text(parent.deadline)}: chọn người chủ trì.",
                    )
                )
    session.add_all(children)
    session.flush()
    log.info(
        "officer %s issued tasks %s of unit %s to %s units (%s tasks)",
        actor.id if actor else None,
        [p.id for p in parents],
        issuer.id,
        len(targets),
        len(children),
    )
    return children


def _deadline_text(day: date | None) -> str:
    return f"{day:%d/%m/%Y}" if day is not None else "—"


# ---------------------------------------------------------------------------- reading

# Laggards first: overdue, then open, then done late, then done on time.
_ORDER = {
    DeadlineClass.OPEN_OVERDUE: 0,
    DeadlineClass.OPEN_ON_TIME: 1,
    DeadlineClass.DONE_LATE: 2,
    DeadlineClass.DONE_ON_TIME: 3,
}


@dataclass(frozen=True, slots=True)
class ChildRow:
    task: Task
    status: DeadlineClass
    evidence: list[Evidence]


@dataclass(frozen=True)
class Children:
    rows: list[ChildRow]
    done: int
    total: int


def children_of(session: Session, parent: Task, as_of: date) -> Children:
    """The parent's children still in their plans, the laggards first, each with its status
    (core.status) and evidence documents: three statements whatever their number."""
    tasks = session.scalars(
        select(Task)
        .where(Task.parent_task_id == parent.id, Task.archived_at.is_(None))
        .options(
            joinedload(Task.plan).joinedload(Plan.unit),
            joinedload(Task.lead_officer),
            selectinload(Task.evidence),
        )
    ).unique().all()
    rows = []
    for task in tasks:
        if task.withdrawn_on is not None and task.withdrawn_on <= as_of:
            continue
        evidence = [e for e in task.evidence if e.archived_at is None and e.document_number]
        rows.append(ChildRow(task, deadline_class(task, as_of), evidence))
    rows.sort(key=lambda r: (_ORDER[r.status], r.task.plan.unit.name, r.task.id))
    done = sum(1 for r in rows if r.status.is_done)
    return Children(rows, done, len(rows))


def may_close(session: Session, parent: Task, children: Children, actor) -> bool:
    """Whether the page offers `actor` to close the parent now (close_parent decides)."""
    return (
        parent.state.is_open
        and parent.cadence_every is None
        and children.total > 0
        and children.done == children.total
        and can(actor, Action.CONFIRM_COMPLETION, parent)
    )


def close_parent(session: Session, parent: Task, actor: Officer) -> Task:
    """The province's leader closes a task issued to communes once all of them have done it
    (see the module's docstring). Refused while one has not, or if it is not a parent."""
    if not can(actor, Action.CONFIRM_COMPLETION, parent):
        raise Refusal(_("Bạn không có quyền thực hiện thao tác này."))
    hold(session, Task, parent.id)
    session.refresh(parent)
    if not parent.state.is_open:
        raise Refusal(_("Nhiệm vụ đã được báo cáo hoàn thành, đang chờ xác nhận hoặc đã xong."))
    if parent.cadence_every is not None:
        raise Refusal(_("Nhiệm vụ định kỳ không đóng theo kết quả các xã."))
    today = clock.today()
    children = children_of(session, parent, today)
    if not children.total:
        raise Refusal(_("Nhiệm vụ này chưa giao cho xã, phường nào."))
    if children.done < children.total:
        raise Refusal(
            _(
                "Còn %(n)s trên %(total)s xã, phường chưa hoàn thành: chưa thể xác nhận.",
                n=children.total - children.done,
                total=children.total,
            )
        )
    finished = max(d for d in (done_on(r.task) for r in children.rows) if d is not None)
    parent.state = TaskState.DONE
    parent.completed_on = finished
    parent.confirmed_on = today
    parent.progress_percent = 100
    # Stored text, Vietnamese like every note: each commune and the evidence it gave.
    # One sentence per commune: the journal shows a note as one paragraph.
    lines = []
    for row in sorted(children.rows, key=lambda r: r.task.plan.unit.name):
        documents = ", ".join(
            f"{e.document_number} ngày {e.document_date:%d/%m/%Y}" for e in row.evidence
        )
        lines.append(f"{row.task.plan.unit.name}: {documents or 'không có văn bản'}.")
    body = (
        f"Tất cả {children.total} xã, phường đã hoàn thành; xã cuối cùng ngày "
        f"{finished:%d/%m/%Y}. " + " ".join(lines)
    )
    session.add(TaskNote(task=parent, author_id=actor.id, kind=NoteKind.CONFIRMATION, body=body))
    notify(
        session,
        [parent.lead_officer_id],
        parent,
        "confirmed",
        f"Hoàn thành “{parent.title}” đã được xác nhận (tất cả xã, phường đã hoàn thành).",
        skip=actor.id,
    )
    session.flush()
    log.info(
        "officer %s closed task %s issued to %s units (last done %s)",
        actor.id, parent.id, children.total, finished,
    )
    return parent


def parent_of(session: Session, task: Task) -> Task | None:
    if task.parent_task_id is None:
        return None
    return session.scalar(
        select(Task)
        .where(Task.id == task.parent_task_id)
        .options(joinedload(Task.plan).joinedload(Plan.unit))
    )


def has_children(session: Session, task: Task) -> bool:
    return (
        session.scalar(select(Task.id).where(Task.parent_task_id == task.id).limit(1))
        is not None
    )
