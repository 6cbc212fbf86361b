"""Tasks of a plan, who leads and supports them, and the evidence of their completion."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
    event,
    inspect,
    text,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from tracker.core.audit import Audited
from tracker.core.clock import today, utcnow
from tracker.core.status import OPEN_STATES, TaskState  # noqa: F401 (stored here, defined there)
from tracker.core.text import fold
from tracker.core.types import UTCDateTime
from tracker.core.versions import changed
from tracker.extensions import db
from tracker.people.models import Officer, _enum
from tracker.plans.models import Plan, TaskGroup

if TYPE_CHECKING:  # a task's evidence names its register entry; the register's models come
    # after the tasks' in the import order (they read people), resolved by name at mapping.
    from tracker.documents.models import IssuedDocument


class CadenceUnit(enum.StrEnum):
    MONTH = "month"
    WEEK = "week"


class CadenceMode(enum.StrEnum):
    FIXED = "fixed"  # each occurrence falls due on schedule
    FLEXIBLE = "flexible"  # the next occurrence opens when the previous one is done


class NoteKind(enum.StrEnum):
    NOTE = "note"
    PROGRESS = "progress"
    SUBMISSION = "submission"
    CONFIRMATION = "confirmation"
    RETURN = "return"
    REOPEN = "reopen"
    ASSIGNMENT = "assignment"


task_supporters = Table(
    "task_supporters",
    db.metadata,
    Column("task_id", ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True),
    Column("officer_id", ForeignKey("officers.id"), primary_key=True, index=True),
)


# What the status rule's SQL form (core.status_sql) and the pending count read of a task.
LIVE_FIGURE_COLUMNS = [
    "deadline", "completed_on", "entered_on", "withdrawn_on", "state", "cadence_every",
    "deadline_history", "completion_history",
]  # fmt: skip


class Task(Audited, db.Model):
    __tablename__ = "tasks"
    __table_args__ = (
        Index("ix_tasks_lead_deadline", "lead_officer_id", "deadline"),
        # The province and national pages count every live task of hundreds of communes by
        # the status rule's columns: read from this index alone (an index-only scan, a tenth
        # of the table's pages), not from the table's rows.
        Index(
            "ix_tasks_live_figures",
            "plan_id",
            postgresql_include=LIVE_FIGURE_COLUMNS,
            postgresql_where=text("archived_at IS NULL"),
            sqlite_where=text("archived_at IS NULL"),
        ),
        # STT: one number per task of a plan (operations.next_ordinal allocates it).
        UniqueConstraint("plan_id", "ordinal"),
    )

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
    # Set only when a completion is confirmed: the date of the evidence document. For a
    # recurring task: when its last occurrence was confirmed, all of them being done.
    completed_on: Mapped[date | None]
    # The leader who confirms the completion and answers for the task (the fifth "rõ").
    confirmer_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    # A deadline counted in working days from a start date keeps how it was counted.
    start_date: Mapped[date | None]
    deadline_working_days: Mapped[int | None]
    cadence_every: Mapped[int | None]
    cadence_unit: Mapped[CadenceUnit | None] = mapped_column(_enum(CadenceUnit, "cadence_unit"))
    cadence_mode: Mapped[CadenceMode | None] = mapped_column(_enum(CadenceMode, "cadence_mode"))
    # Title, deliverable and notes folded for diacritics-insensitive search (core.text.fold).
    search_text: Mapped[str] = mapped_column(Text, default="")
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The day the task entered its plan (ngày giao): a plan's original tasks take the plan's
    # document date, a task added later the day it was added. Figures of an earlier date
    # do not count it.
    entered_on: Mapped[date] = mapped_column(default=today)
    # Withdrawn from the plan (rút khỏi kế hoạch): kept, and counted for dates before this one.
    withdrawn_on: Mapped[date | None]
    withdrawn_reason: Mapped[str] = mapped_column(Text, default="")
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    # The local day the completion was confirmed: a confirmation later than the evidence date
    # changes the figures of the days in between (the one way a past figure may change).
    confirmed_on: Mapped[date | None]
    # The deadlines the status rule judges by, as [from_day, deadline] pairs in ISO text, the
    # first from None (the original deadline); empty while the deadline never moved. Written
    # only by tasks.deadlines.move_deadline with its DeadlineChange record, so that figures of
    # many tasks as of a past date need no second query.
    deadline_history: Mapped[list] = mapped_column(JSON, default=list)
    # Completions undone by a reopening, as [completed_on, confirmed_on, reopened_on] in ISO
    # text: the task counted done from its evidence date until it was reopened, and still does
    # for those dates.
    completion_history: Mapped[list] = mapped_column(JSON, default=list)
    # Who led the task from when, as [from_day, officer_id] pairs (the first from None), written
    # by tasks.operations.record_lead_change; empty while the lead never changed.
    lead_history: Mapped[list] = mapped_column(JSON, default=list)
    # One more with each change to what the task form edits (EDITED): an edit started from an
    # older version is refused, not saved over the other officer's change.
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    # Issued by a higher level to many units at once (tasks.cascade): the task in the issuing
    # unit's plan of tasks assigned down; this one is its copy in one commune's plan.
    parent_task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id"), index=True)

    plan: Mapped[Plan] = relationship()
    group: Mapped[TaskGroup | None] = relationship()
    lead_officer: Mapped[Officer | None] = relationship(foreign_keys=[lead_officer_id])
    confirmer: Mapped[Officer | None] = relationship(foreign_keys=[confirmer_id])
    occurrences: Mapped[list[TaskOccurrence]] = relationship(
        back_populates="task", order_by="TaskOccurrence.sequence", cascade="all, delete-orphan"
    )
    supporters: Mapped[list[Officer]] = relationship(
        secondary=task_supporters, order_by=Officer.full_name
    )
    evidence: Mapped[list[Evidence]] = relationship(
        back_populates="task", order_by="Evidence.document_date"
    )

    __audit_exclude__ = frozenset(
        {"created_at", "search_text", "deadline_history", "completion_history", "lead_history"}
    )

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_on is not None

    @property
    def is_recurring(self) -> bool:
        return self.cadence_every is not None

    def audit_unit_id(self) -> int | None:
        return self.plan.unit_id if self.plan else None

    def audit_label(self) -> str:
        return self.title

    def __repr__(self) -> str:
        return f"<Task {self.id}>"


# What the task form edits (and bulk assignment, a meeting's or an explanation's new deadline).
EDITED = (
    "title",
    "deliverable",
    "group_id",
    "group",
    "lead_officer_id",
    "lead_officer",
    "confirmer_id",
    "confirmer",
    "supporters",
    "deadline",
    "start_date",
    "deadline_working_days",
    "cadence_every",
    "cadence_unit",
    "cadence_mode",
    "recurrence_note",
    "notes",
)


@event.listens_for(Task, "before_update")
def _next_version(mapper, connection, task: Task) -> None:
    state = inspect(task)
    if any(state.attrs[key].history.has_changes() for key in EDITED):
        task.version = (task.version or 0) + 1


@event.listens_for(Task, "before_insert")
@event.listens_for(Task, "before_update")
def _fold_search_text(mapper, connection, task: Task) -> None:
    task.search_text = fold(" ".join((task.title or "", task.deliverable or "", task.notes or "")))


class TaskOccurrence(Audited, db.Model):
    """One period of a recurring task, with its own deadline and completion."""

    __tablename__ = "task_occurrences"
    __table_args__ = (UniqueConstraint("task_id", "sequence"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), index=True)
    sequence: Mapped[int]
    label: Mapped[str] = mapped_column(String(100), default="")  # "Tháng 3/2024"
    deadline: Mapped[date | None]
    state: Mapped[TaskState] = mapped_column(
        _enum(TaskState, "task_state"), default=TaskState.NOT_STARTED
    )
    completed_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    task: Mapped[Task] = relationship(back_populates="occurrences")

    def audit_unit_id(self) -> int | None:
        return self.task.plan.unit_id if self.task and self.task.plan else None

    def audit_label(self) -> str:
        return self.label


class TaskNote(db.Model):
    """The task's journal: notes, progress reports, submissions, confirmations, returns."""

    __tablename__ = "task_notes"
    __table_args__ = (Index("ix_task_notes_task", "task_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"))
    occurrence_id: Mapped[int | None] = mapped_column(ForeignKey("task_occurrences.id"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    kind: Mapped[NoteKind] = mapped_column(_enum(NoteKind, "note_kind"))
    body: Mapped[str] = mapped_column(Text, default="")
    progress_percent: Mapped[int | None]
    evidence_id: Mapped[int | None] = mapped_column(ForeignKey("evidence.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    task: Mapped[Task] = relationship()
    author: Mapped[Officer | None] = relationship()
    evidence: Mapped[Evidence | None] = relationship()


@event.listens_for(Session, "before_flush")
def _journal_changes_its_unit(session: Session, flush_context, instances) -> None:
    """A journal entry is not audited (its author and time are its own record), yet the task
    page shows it: it renews its task's unit's data version like an audited change."""
    units = []
    with session.no_autoflush:
        for obj in session.new:
            if isinstance(obj, TaskNote):
                task = obj.task or (session.get(Task, obj.task_id) if obj.task_id else None)
                if task is not None:
                    units.append(task.plan.unit_id)
    changed(session, units)


class Evidence(Audited, db.Model):
    """An issued document proving a task's result, optionally with its file."""

    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), index=True)
    occurrence_id: Mapped[int | None] = mapped_column(ForeignKey("task_occurrences.id"))
    # The register's entry (sổ văn bản đi) this evidence is; None for a working file. Its
    # number and date are copied here, as the entry's never change.
    document_id: Mapped[int | None] = mapped_column(
        ForeignKey("issued_documents.id"), index=True
    )
    document_number: Mapped[str] = mapped_column(String(100))
    # A supporting officer's working file has no document of its own.
    document_date: Mapped[date | None]
    summary: Mapped[str] = mapped_column(Text, default="")
    file_name: Mapped[str | None] = mapped_column(String(255))
    stored_name: Mapped[str | None] = mapped_column(String(64))
    content_type: Mapped[str | None] = mapped_column(String(100))
    size_bytes: Mapped[int | None]
    # SHA-256 of the file as uploaded (hex); None for files stored before it was kept.
    sha256: Mapped[str | None] = mapped_column(String(64))
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    task: Mapped[Task] = relationship(back_populates="evidence")
    added_by: Mapped[Officer | None] = relationship()
    document: Mapped[IssuedDocument | None] = relationship()

    def audit_unit_id(self) -> int | None:
        return self.task.plan.unit_id if self.task and self.task.plan else None

    def audit_label(self) -> str:
        return self.document_number


class DeadlineChange(db.Model):
    """One move of a task's deadline: who moved it, when, why, on whose decision.

    Append-only. `counts` says whether the status rule judges by the new deadline: a deadline
    moved after it had passed does not turn lateness into punctuality unless the unit's
    setting says so (`tasks.deadlines.late_extension_counts`)."""

    __tablename__ = "deadline_changes"
    __table_args__ = (Index("ix_deadline_changes_task", "task_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"))
    old_deadline: Mapped[date | None]
    new_deadline: Mapped[date | None]
    effective_on: Mapped[date]
    counts: Mapped[bool]
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    reason: Mapped[str] = mapped_column(Text, default="")
    # Whose decision: "Kết luận cuộc họp giao ban tháng 3/2024", "Chấp nhận giải trình" …
    decision: Mapped[str] = mapped_column(Text, default="")
    # The parent task's move this one followed (tasks.cascade); None: moved on this task itself.
    followed_change_id: Mapped[int | None] = mapped_column(ForeignKey("deadline_changes.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    changed_by: Mapped[Officer | None] = relationship()


class Notification(db.Model):
    """An in-app notice to one officer (assignment, return, confirmation …); the day's
    reminders are one notice (kind "reminders", `day` the pass's day). Which notices need the
    officer's action is decided in tasks.notices."""

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_officer_unread", "officer_id", "read_at"),
        # One notice of the day's reminders per officer (kinds without a day are not bound).
        UniqueConstraint("officer_id", "kind", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("officers.id"))
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The day it is about: the reminders' day (kind "reminders"), the meeting's date.
    day: Mapped[date | None]
    # When what it asked of the officer was done (confirmed, resubmitted, answered …), by
    # whoever did it: it no longer needs action.
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    task: Mapped[Task | None] = relationship()
