"""Tasks of a plan, who leads and supports them, and the evidence of their completion."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.core.audit import Audited
from tracker.core.clock import utcnow
from tracker.core.types import UTCDateTime
from tracker.extensions import db
from tracker.people.models import Officer, _enum
from tracker.plans.models import Plan, TaskGroup


class TaskState(enum.StrEnum):
    """Where a task is in its workflow (the deadline class is derived, see core.status)."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    PENDING_CONFIRMATION = "pending_confirmation"
    DONE = "done"
    RETURNED = "returned"


task_supporters = Table(
    "task_supporters",
    db.metadata,
    Column("task_id", ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True),
    Column("officer_id", ForeignKey("officers.id"), primary_key=True, index=True),
)


class Task(Audited, db.Model):
    __tablename__ = "tasks"
    __table_args__ = (Index("ix_tasks_lead_deadline", "lead_officer_id", "deadline"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("task_groups.id"), index=True)
    ordinal: Mapped[int]
    title: Mapped[str] = mapped_column(Text)
    deliverable: Mapped[str] = mapped_column(Text, default="")
    lead_officer_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    deadline: Mapped[date | None]
    # The cadence as the plan words it ("hàng tháng", "thường xuyên"); empty for one-off tasks.
    recurrence_note: Mapped[str] = mapped_column(String(100), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[TaskState] = mapped_column(
        _enum(TaskState, "task_state"), default=TaskState.NOT_STARTED
    )
    progress_percent: Mapped[int] = mapped_column(default=0)
    # Set only when a completion is confirmed: the date of the evidence document.
    completed_on: Mapped[date | None]
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    plan: Mapped[Plan] = relationship()
    group: Mapped[TaskGroup | None] = relationship()
    lead_officer: Mapped[Officer | None] = relationship(foreign_keys=[lead_officer_id])
    supporters: Mapped[list[Officer]] = relationship(
        secondary=task_supporters, order_by=Officer.full_name
    )
    evidence: Mapped[list[Evidence]] = relationship(
        back_populates="task", order_by="Evidence.document_date"
    )

    def audit_unit_id(self) -> int | None:
        return self.plan.unit_id if self.plan else None

    def audit_label(self) -> str:
        return self.title

    def __repr__(self) -> str:
        return f"<Task {self.id}>"


class Evidence(Audited, db.Model):
    """An issued document proving a task's result, optionally with its file."""

    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), index=True)
    document_number: Mapped[str] = mapped_column(String(100))
    document_date: Mapped[date]
    summary: Mapped[str] = mapped_column(Text, default="")
    file_name: Mapped[str | None] = mapped_column(String(255))
    stored_name: Mapped[str | None] = mapped_column(String(64))
    content_type: Mapped[str | None] = mapped_column(String(100))
    size_bytes: Mapped[int | None]
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    task: Mapped[Task] = relationship(back_populates="evidence")
    added_by: Mapped[Officer | None] = relationship()

    def audit_unit_id(self) -> int | None:
        return self.task.plan.unit_id if self.task and self.task.plan else None

    def audit_label(self) -> str:
        return self.document_number
