"""What the API answers: units, officers, plans and tasks as JSON-ready dicts (described in
tracker/api/openapi.py, checked against it by tests/api/test_openapi.py)."""

from __future__ import annotations

from datetime import date
from typing import Any

from tracker.core.status import deadline_class, deadline_on, done_as_of
from tracker.people.models import Officer, Unit
from tracker.plans.models import Plan
from tracker.tasks.models import Task


def iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def unit_json(unit: Unit) -> dict[str, Any]:
    return {"code": unit.code, "name": unit.name}


def officer_ref(officer: Officer | None) -> dict[str, Any] | None:
    if officer is None:
        return None
    return {"id": officer.id, "full_name": officer.full_name}


def plan_ref(plan: Plan) -> dict[str, Any]:
    return {
        "id": plan.id,
        "kind": plan.kind.value,
        "title": plan.title,
        "document": plan.document_number,
        "document_date": iso(plan.document_date),
        "appendix_row": plan.appendix_row,
    }


def task_item(task: Task, as_of: date) -> dict[str, Any]:
    """A task as a plan's task list shows it, as of a date."""
    group = task.group
    return {
        "id": task.id,
        "ordinal": task.ordinal,
        "group": (
            {"id": group.id, "ordinal": group.ordinal, "name": group.name}
            if group is not None
            else None
        ),
        "title": task.title,
        "deliverable": task.deliverable,
        "lead_officer": officer_ref(task.lead_officer),
        "supporters": [officer_ref(o) for o in task.supporters],
        "deadline": iso(deadline_on(task, as_of)),
        "entered_on": iso(task.entered_on),
        "recurrence_note": task.recurrence_note,
        "completed_on": iso(done_as_of(task, as_of)),
        "status": deadline_class(task, as_of).value,
    }


def task_detail(task: Task, as_of: date) -> dict[str, Any]:
    """A task with what a writer needs next: its plan, workflow state, progress, confirmer and
    version (send it back as `version` or If-Match: a change made since is refused)."""
    return task_item(task, as_of) | {
        "plan_id": task.plan_id,
        "state": task.state.value,
        "progress_percent": task.progress_percent,
        "confirmer": officer_ref(task.confirmer),
        "version": task.version,
        "withdrawn_on": iso(task.withdrawn_on),
    }
