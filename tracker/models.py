"""Imports every model module so metadata is complete (Alembic, create_all in tests)."""

from tracker.core.audit import AuditEvent
from tracker.people.models import ApiToken, Officer, OfficerRole, Unit
from tracker.plans.models import Plan, TaskGroup
from tracker.tasks.models import Evidence, Task, task_supporters

__all__ = [
    "ApiToken",
    "AuditEvent",
    "Evidence",
    "Officer",
    "OfficerRole",
    "Plan",
    "Task",
    "TaskGroup",
    "Unit",
    "task_supporters",
]
