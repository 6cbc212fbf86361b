"""Imports every model module so metadata is complete (Alembic, create_all in tests)."""

from tracker.appendix.models import (
    EnteredFigure,
    IndicatorTreeFile,
    ProvincePeriod,
    ReportingPeriod,
)
from tracker.auth.drafts import FormDraft
from tracker.backup.models import BackupSettings
from tracker.core.audit import AuditEvent
from tracker.core.once import FormUse
from tracker.core.versions import DataVersion
from tracker.documents.models import IssuedDocument
from tracker.followups.models import ExplanationRequest, TaskPrompt
from tracker.meetings.models import (
    AgendaItem,
    Grade,
    Meeting,
    MeetingAttendance,
    OfficerEvaluation,
)
from tracker.people.models import ApiToken, Officer, OfficerRole, Unit, UnitCalendarDay
from tracker.plans.models import Plan, PlanUnitMove, TaskGroup
from tracker.reminders.models import (
    ReminderEmail,
    ReminderItem,
    ReminderPreference,
    ReminderSettings,
)
from tracker.tasks.models import (
    Evidence,
    Notification,
    Task,
    TaskNote,
    TaskOccurrence,
    task_supporters,
)

__all__ = [
    "AgendaItem",
    "ApiToken",
    "AuditEvent",
    "BackupSettings",
    "DataVersion",
    "EnteredFigure",
    "Evidence",
    "ExplanationRequest",
    "FormDraft",
    "FormUse",
    "Grade",
    "IndicatorTreeFile",
    "IssuedDocument",
    "Meeting",
    "MeetingAttendance",
    "Notification",
    "Officer",
    "OfficerEvaluation",
    "OfficerRole",
    "Plan",
    "PlanUnitMove",
    "ProvincePeriod",
    "ReminderEmail",
    "ReminderItem",
    "ReminderPreference",
    "ReminderSettings",
    "ReportingPeriod",
    "Task",
    "TaskGroup",
    "TaskNote",
    "TaskOccurrence",
    "TaskPrompt",
    "Unit",
    "UnitCalendarDay",
    "task_supporters",
]
