"""Next year's plan from this year's: the same fields and tasks, deadlines a year later.

Most of a ward's plans repeat yearly with new dates. A copied task keeps its field, content
and deliverable (the plan's own years in them moved on), cadence and leads; its deadline is the
original one (before any extension of this year) a year later, 29/02 becoming 28/02, and a
deadline on a day off moves to the next working day as a typed one does (tasks.operations). An
officer no longer active leads nothing: the task is left for the user to assign, and listed.
Completions, progress and history are not copied; the tasks enter the new plan on its document
date (today, if it has none).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.core import clock
from tracker.core.workdays import WorkCalendar
from tracker.people.models import Officer
from tracker.people.queries import unit_calendar
from tracker.plans.editing import PlanInput, create_plan
from tracker.plans.models import Plan, TaskGroup
from tracker.tasks.models import Task
from tracker.tasks.operations import default_confirmer
from tracker.tasks.queries import plan_tasks
from tracker.tasks.recurrence import build_occurrences

log = logging.getLogger("tracker.plans")


def a_year_later(day: date) -> date:
    """The same day next year; 29/02 becomes 28/02."""
    if day.month == 2 and day.day == 29:
        return date(day.year + 1, 2, 28)
    return day.replace(year=day.year + 1)


def original_deadline(task: Task) -> date | None:
    """The deadline the plan set, before any extension (tasks.deadlines.move_deadline)."""
    history = task.deadline_history or ()
    if history and history[0][1]:
        return date.fromisoformat(history[0][1])
    return task.deadline


@dataclass(frozen=True, slots=True)
class CopiedTask:
    source: Task
    title: str  # the plan's years moved on ("… năm 2024" -> "… năm 2025")
    deliverable: str
    deadline: date | None  # the new one-off deadline (None: recurring, or none)
    start_date: date | None
    lead: Officer | None  # None while the source's lead is no longer active
    supporters: tuple[Officer, ...]

    @property
    def lead_left(self) -> bool:
        """The source had a lead who no longer works here: to be assigned."""
        return self.source.lead_officer is not None and self.lead is None


def _active(officer: Officer | None) -> Officer | None:
    return officer if officer is not None and officer.active else None


def next_deadline(task: Task, calendar: WorkCalendar) -> date | None:
    if task.is_recurring:
        return None
    if task.deadline_working_days and task.start_date:
        return calendar.add_working_days(a_year_later(task.start_date), task.deadline_working_days)
    deadline = original_deadline(task)
    if deadline is None:
        return None
    return calendar.next_working_day(a_year_later(deadline))


def draft_tasks(session: Session, plan: Plan) -> list[CopiedTask]:
    """What the new plan's tasks will be (the preview shows them): the plan's tasks still in
    it (not withdrawn), in order."""
    calendar = unit_calendar(session, plan.unit_id)
    return [
        CopiedTask(
            source=task,
            title=moved_years(plan, task.title),
            deliverable=moved_years(plan, task.deliverable),
            deadline=next_deadline(task, calendar),
            start_date=a_year_later(task.start_date) if task.start_date else None,
            lead=_active(task.lead_officer),
            supporters=tuple(o for o in task.supporters if o.active),
        )
        for task in plan_tasks(session, plan)
        if task.withdrawn_on is None
    ]


def moved_years(plan: Plan, text: str) -> str:
    """The plan's own years a year later in `text`: '… năm 2024' -> '… năm 2025',
    '2023 - 2025' -> '2024 - 2026'; other years (a directive of 2017) stay."""
    years = {str(y): str(y + 1) for y in range(plan.start_year, plan.end_year + 1)}
    return re.sub(r"\b(19|20)\d\d\b", lambda m: years.get(m.group(0), m.group(0)), text)


def next_title(plan: Plan) -> str:
    return moved_years(plan, plan.title)


def next_year_input(plan: Plan) -> PlanInput:
    """The new plan's particulars as the form first shows them."""
    leader = _active(plan.leader)
    return PlanInput(
        title=next_title(plan),
        kind=plan.kind,
        document_number="",
        document_date=None,
        start_year=plan.start_year + 1,
        end_year=plan.end_year + 1,
        appendix_row=plan.appendix_row,
        leader_id=leader.id if leader else None,
    )


@dataclass(frozen=True, slots=True)
class NextYearResult:
    plan: Plan
    tasks: int
    to_assign: tuple[Task, ...]  # the new plan's tasks left without a lead


def start_next_year(
    session: Session, plan: Plan, data: PlanInput, actor: Officer | None
) -> NextYearResult:
    """Create next year's plan from `plan` with the particulars `data` (refused as a new
    plan's are). Flushes, never commits."""
    drafts = draft_tasks(session, plan)
    new = create_plan(session, plan.unit, data, actor)
    overseer_ids = {g.overseer_id for g in plan.groups if g.overseer_id}
    active_overseers = set(
        session.scalars(select(Officer.id).where(Officer.id.in_(overseer_ids), Officer.active))
        if overseer_ids
        else ()
    )
    groups = {}
    for group in plan.groups:
        groups[group.id] = TaskGroup(
            plan=new,
            ordinal=group.ordinal,
            name=group.name,
            description=group.description,
            overseer_id=group.overseer_id if group.overseer_id in active_overseers else None,
        )
    session.add_all(groups.values())
    calendar = unit_calendar(session, plan.unit_id)
    fallback_confirmer = default_confirmer(session, plan.unit_id)
    entered = new.document_date or clock.today()
    to_assign = []
    for ordinal, draft in enumerate(drafts, start=1):
        source = draft.source
        confirmer = _active(source.confirmer)
        if confirmer is None or (draft.lead is not None and confirmer.id == draft.lead.id):
            confirmer = fallback_confirmer
        task = Task(
            plan=new,
            group=groups.get(source.group_id),
            ordinal=ordinal,
            title=draft.title,
            deliverable=draft.deliverable,
            lead_officer=draft.lead,
            supporters=[o for o in draft.supporters if o is not draft.lead],
            confirmer=confirmer,
            deadline=draft.deadline,
            recurrence_note=source.recurrence_note,
            notes=source.notes,
            start_date=draft.start_date,
            deadline_working_days=source.deadline_working_days,
            cadence_every=source.cadence_every,
            cadence_unit=source.cadence_unit,
            cadence_mode=source.cadence_mode,
            entered_on=entered,
        )
        session.add(task)
        if task.is_recurring:
            build_occurrences(task, new, calendar)
        if draft.lead_left:
            to_assign.append(task)
    session.flush()
    log.info(
        "officer %s started plan %s from plan %s with %s tasks (%s to assign), unit %s",
        actor and actor.id,
        new.id,
        plan.id,
        len(drafts),
        len(to_assign),
        plan.unit_id,
    )
    return NextYearResult(new, len(drafts), tuple(to_assign))
