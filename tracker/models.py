"""Imports every model module so metadata is complete (Alembic, create_all in tests)."""

from tracker.core.audit import AuditEvent
from tracker.people.models import ApiToken, Officer, OfficerRole, Unit, UnitCalendarDay
from tracker.plans.models import Plan, TaskGroup
from tracker.reminders.models import ReminderEmail, ReminderItem, ReminderSettings
from tracker.tasks.models import (
    Evidence,
    Notification,
    Task,
    TaskNote,
    TaskOccurrence,
    task_supporters,
)

__all__ = [
    "ApiToken",
    "AuditEvent",
    "Evidence",
    "Notification",
    "Officer",
    "OfficerRole",
    "Plan",
    "ReminderEmail",
    "ReminderItem",
    "ReminderSettings",
    "Task",
    "TaskGroup",
    "TaskNote",
    "TaskOccurrence",
    "Unit",
    "UnitCalendarDay",
    "task_supporters",
]
