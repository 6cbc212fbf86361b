"""Small helpers shared by the views of every area."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import abort
from sqlalchemy import select

from tracker.extensions import db
from tracker.people.models import Unit

if TYPE_CHECKING:
    from tracker.tasks.models import Task


def unit_or_404(code: str) -> Unit:
    """The unit with this code; a code no unit could have (NUL, too long) is a 404 too,
    before PostgreSQL refuses it with an error."""
    if not code or len(code) > 64 or "\x00" in code:
        abort(404)
    return db.one_or_404(select(Unit).where(Unit.code == code))


def task_or_404(task_id: int, *, details: bool = False) -> Task:
    """A task that is still in use (neither it nor its plan archived); `details` loads what the
    task page shows with it, in its few statements."""
    from tracker.tasks.models import Task  # the tasks area imports this module
    from tracker.tasks.queries import task_with_details

    task = task_with_details(db.session, task_id) if details else db.session.get(Task, task_id)
    if task is None or task.archived_at is not None or task.plan.archived_at is not None:
        abort(404)
    return task
