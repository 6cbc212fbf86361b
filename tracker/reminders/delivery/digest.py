"""The leaders' digest: the units' overdue tasks and pending confirmations."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from tracker.core.status import DeadlineClass, deadline_class, in_plan_on, missed_since
from tracker.core.workdays import CalendarBook
from tracker.people.models import Unit
from tracker.plans.models import Plan
from tracker.reminders.models import ReminderKind
from tracker.reminders.rendering import Digest, Line, status_phrase
from tracker.tasks.models import Task, TaskState
from tracker.tasks.queries import status_rows


def unit_digests(
    session: Session, unit_ids: set[int], today: date, link, days: CalendarBook
) -> dict[int, Digest]:
    """The units' overdue tasks (the status rule, as the dashboard counts them) and pending
    confirmations, as of the day the email goes out: a few queries for all the units."""
    if not unit_ids:
        return {}
    rows = status_rows(session, Plan.unit_id.in_(unit_ids))
    overdue_ids = [
        r.task_id
        for r in rows
        if in_plan_on(r, today) and deadline_class(r, today) is DeadlineClass.OPEN_OVERDUE
    ]
    units = {unit.id: unit for unit in session.scalars(select(Unit).where(Unit.id.in_(unit_ids)))}
    found = {
        unit_id: Digest(
            unit_name=unit.name,
            overdue=[],
            pending=[],
            dashboard_url=link("dashboard.index", unit_code=unit.code),
        )
        for unit_id, unit in units.items()
    }
    overdue = (
        session.scalars(
            select(Task)
            .where(Task.id.in_(overdue_ids))
            .options(
                joinedload(Task.plan), joinedload(Task.lead_officer), selectinload(Task.occurrences)
            )
            .order_by(Task.deadline, Task.id)
        ).all()
        if overdue_ids
        else []
    )
    for task in overdue:
        unit_id = task.plan.unit_id
        late_since = missed_since(task, today)
        status = status_phrase(
            ReminderKind.OVERDUE, days.working_days_between(unit_id, late_since, today), late_since
        )
        if task.state is TaskState.PENDING_CONFIRMATION:
            status += " · đã báo cáo, chờ xác nhận"
        found[unit_id].overdue.append(
            Line(
                title=task.title,
                url=link("tasks.detail", task_id=task.id),
                status=status,
                lead=task.lead_officer.full_name if task.lead_officer else "",
            )
        )
    pending = session.scalars(
        select(Task)
        .join(Plan, Plan.id == Task.plan_id)
        .where(
            Plan.unit_id.in_(unit_ids),
            Plan.archived_at.is_(None),
            Task.archived_at.is_(None),
            Task.state == TaskState.PENDING_CONFIRMATION,
        )
        .options(joinedload(Task.plan), joinedload(Task.lead_officer))
        .order_by(Task.deadline.is_(None), Task.deadline, Task.id)
    ).all()
    for task in pending:
        found[task.plan.unit_id].pending.append(
            Line(
                title=task.title,
                url=link("tasks.detail", task_id=task.id),
                status=f"hạn {task.deadline:%d/%m/%Y}" if task.deadline else "",
                lead=task.lead_officer.full_name if task.lead_officer else "",
            )
        )
    return found
