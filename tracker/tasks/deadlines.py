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
from tracker.core.formatting import format_date
from tracker.core.status import deadline_on
from tracker.people.models import Officer, Unit
from tracker.tasks.models import DeadlineChange, Notification, Task, TaskState

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
    followed: DeadlineChange | None = None,
) -> DeadlineChange | None:
    """Set a one-off task's deadline to `new_deadline`, recording the move; None if it did
    not move. The move counts for the status rule from today, unless it extends a deadline
    that had already passed and the unit's setting does not allow that.

    A task issued to many units (tasks.cascade) moves its copies that never moved their own
    deadline with it; `followed` is that parent's move, when this is one of those copies."""
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
        followed_change_id=followed.id if followed is not None else None,
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
    if followed is None:
        _move_following_children(session, task, change, actor=actor)
    return change


def _move_following_children(
    session: Session, parent: Task, change: DeadlineChange, *, actor: Officer | None
) -> None:
    """The copies of `parent` in the units it was issued to (tasks.cascade) whose deadline never
    moved on its own, not done nor withdrawn, take the parent's new deadline, each move recorded
    as following the parent's (`followed_change_id`)."""
    children = session.scalars(
        select(Task)
        .where(
            Task.parent_task_id == parent.id,
            Task.withdrawn_on.is_(None),
            Task.archived_at.is_(None),
            Task.state != TaskState.DONE,
            Task.cadence_every.is_(None),
        )
        .order_by(Task.id)  # one lock order: no deadlock with another mover
        .with_for_update(of=Task, key_share=True)
        .execution_options(populate_existing=True)
    ).all()
    if not children:
        return
    session.flush()  # the parent's change has its id
    # Read once the children are locked: a commune's own move committed meanwhile is seen.
    moved_their_own = set(
        session.scalars(
            select(DeadlineChange.task_id).where(
                DeadlineChange.task_id.in_([c.id for c in children]),
                DeadlineChange.followed_change_id.is_(None),
            )
        )
    )
    followers = [c for c in children if c.id not in moved_their_own]
    for child in followers:
        move_deadline(
            session,
            child,
            change.new_deadline,
            actor=actor,
            reason=change.reason,
            decision=change.decision,
            followed=change,
        )
        if child.lead_officer_id is not None and child.lead_officer_id != (
            actor.id if actor else None
        ):
            # Stored text: notices are written in Vietnamese, like the others.
            session.add(
                Notification(
                    officer_id=child.lead_officer_id,
                    task_id=child.id,
                    kind="deadline_moved",
                    message=f"Hạn nhiệm vụ “{child.title}” được cấp trên điều chỉnh thành "
                    f"{format_date(change.new_deadline)}.",
                )
            )
    log.info(
        "task %s: deadline moved on %s of its %s copies (the others moved their own)",
        parent.id,
        len(followers),
        len(children),
    )


def deadline_changes(session: Session, task_id: int) -> list[DeadlineChange]:
    return list(
        session.scalars(
            select(DeadlineChange)
            .where(DeadlineChange.task_id == task_id)
            .order_by(DeadlineChange.id)
        )
    )
