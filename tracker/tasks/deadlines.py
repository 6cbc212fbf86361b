"""Moving a task's deadline, and the rule that decides whether the move counts.

A deadline's history is kept (`DeadlineChange`: who, when, why, on whose decision) so that a
figure as of a past date judges each task by the deadline in force that day
(`core.status.deadline_on`).

Whether a deadline moved after it had already passed turns a late completion into an on-time
one differs between provinces' rules on tracking assigned tasks. Here it is one setting,
`Unit.late_extension_counts`, taken from the unit or the nearest unit above it that sets it,
off by default: a task extended once it is overdue stays judged by the deadline it missed. The
setting in force on the day of the move decides, and the move records the answer (`counts`).
"""

from __future__ import annotations

import logging
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.core import clock
from tracker.core.status import deadline_on
from tracker.people.models import Officer, Unit
from tracker.tasks.models import DeadlineChange, Task

log = logging.getLogger("tracker.tasks")

# How far up the tree of units a setting is looked for (a province is two levels up).
_MAX_DEPTH = 8


def late_extension_counts(session: Session, unit_id: int) -> bool:
    """The unit's setting, or the nearest unit's above it; off when none sets it."""
    for _ in range(_MAX_DEPTH):
        row = session.execute(
            select(Unit.late_extension_counts, Unit.parent_id).where(Unit.id == unit_id)
        ).one_or_none()
        if row is None:
            return False
        if row.late_extension_counts is not None:
            return row.late_extension_counts
        if row.parent_id is None:
            return False
        unit_id = row.parent_id
    return False


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def move_deadline(
    session: Session,
    task: Task,
    new_deadline: date | None,
    *,
    actor: Officer | None,
    reason: str = "",
    decision: str = "",
) -> DeadlineChange | None:
    """Set a one-off task's deadline to `new_deadline`, recording the move; None if it did
    not move. The move counts for the status rule from today, unless it extends a deadline
    that had already passed and the unit's setting does not allow that."""
    old = task.deadline
    if new_deadline == old:
        return None
    today = clock.today()
    judged = deadline_on(task, today)
    extends_a_missed_deadline = (
        judged is not None and judged < today and (new_deadline is None or new_deadline > judged)
    )
    counts = not extends_a_missed_deadline or late_extension_counts(session, task.plan.unit_id)
    history = [list(pair) for pair in task.deadline_history or ()] or [[None, _iso(old)]]
    if counts:
        if history[-1][0] == today.isoformat():  # moved twice in a day: the last one holds
            history[-1][1] = _iso(new_deadline)
        else:
            history.append([today.isoformat(), _iso(new_deadline)])
    task.deadline_history = history  # a new list, so the change is seen and saved
    task.deadline = new_deadline
    change = DeadlineChange(
        task_id=task.id,
        old_deadline=old,
        new_deadline=new_deadline,
        effective_on=today,
        counts=counts,
        changed_by_id=actor.id if actor is not None else None,
        reason=(reason or "").strip(),
        decision=(decision or "").strip(),
    )
    session.add(change)
    log.info(
        "officer %s moved the deadline of task %s from %s to %s (%s)",
        actor.id if actor else None,
        task.id,
        old,
        new_deadline,
        "counts" if counts else "late extension, not counted",
    )
    return change


def deadline_changes(session: Session, task_id: int) -> list[DeadlineChange]:
    return list(
        session.scalars(
            select(DeadlineChange)
            .where(DeadlineChange.task_id == task_id)
            .order_by(DeadlineChange.id)
        )
    )
