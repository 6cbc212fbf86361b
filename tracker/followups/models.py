"""A leader's prompt (đôn đốc) about a task, and an explanation request (yêu cầu giải trình).

Both are kept for the monthly review meeting and audited (changes are in the audit trail). The
lead officer at the time is kept too: the meeting counts them per officer, even after a task
was reassigned.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.core.audit import Audited
from tracker.core.clock import utcnow
from tracker.core.types import UTCDateTime
from tracker.extensions import db
from tracker.people.models import Officer, _enum
from tracker.tasks.models import Task, TaskOccurrence


class Decision(enum.StrEnum):
    ACCEPTED = "accepted"  # the proposed deadline becomes the task's
    REFUSED = "refused"  # the deadline stays


class TaskPrompt(Audited, db.Model):
    """A leader prompts the lead officer of an open task, now, with a message."""

    __tablename__ = "task_prompts"
    __table_args__ = (Index("ix_task_prompts_unit_created", "unit_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    sender_id: Mapped[int] = mapped_column(ForeignKey("officers.id"))
    lead_officer_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    deadline: Mapped[date | None]  # the task's deadline when prompted
    message: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    task: Mapped[Task] = relationship()
    sender: Mapped[Officer] = relationship(foreign_keys=[sender_id])
    lead_officer: Mapped[Officer | None] = relationship(foreign_keys=[lead_officer_id])

    def audit_unit_id(self) -> int | None:
        return self.unit_id

    def audit_label(self) -> str:
        return "đôn đốc"


class ExplanationRequest(Audited, db.Model):
    """A leader asks the lead officer of an overdue task why; the lead answers with a reason
    and a proposed date; a leader accepts the new deadline or refuses it.

    `open_task_id` is the task's id while the request waits for a decision, NULL after: its
    unique constraint allows one open request per task on every database."""

    __tablename__ = "explanation_requests"
    __table_args__ = (Index("ix_explanation_requests_unit_requested", "unit_id", "requested_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), index=True)
    open_task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id"), unique=True)
    occurrence_id: Mapped[int | None] = mapped_column(ForeignKey("task_occurrences.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("officers.id"))
    lead_officer_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    deadline: Mapped[date | None]  # the overdue deadline when requested
    message: Mapped[str] = mapped_column(Text, default="")
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reason: Mapped[str] = mapped_column(Text, default="")
    proposed_deadline: Mapped[date | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision: Mapped[Decision | None] = mapped_column(_enum(Decision, "explanation_decision"))
    decision_note: Mapped[str] = mapped_column(Text, default="")
    new_deadline: Mapped[date | None]  # the deadline applied on acceptance

    task: Mapped[Task] = relationship(foreign_keys=[task_id])
    occurrence: Mapped[TaskOccurrence | None] = relationship()
    requested_by: Mapped[Officer] = relationship(foreign_keys=[requested_by_id])
    lead_officer: Mapped[Officer | None] = relationship(foreign_keys=[lead_officer_id])
    answered_by: Mapped[Officer | None] = relationship(foreign_keys=[answered_by_id])
    decided_by: Mapped[Officer | None] = relationship(foreign_keys=[decided_by_id])

    __audit_exclude__ = frozenset({"requested_at"})

    @property
    def is_open(self) -> bool:
        return self.decided_at is None

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None

    def audit_unit_id(self) -> int | None:
        return self.unit_id

    def audit_label(self) -> str:
        return "yêu cầu giải trình"
