"""Reminder settings per unit, each reminder once by its key, and the emails that carry them.

A reminder (`ReminderItem`) is one thing to tell one officer: its key (subject, kind, due date,
recipient) is unique, so recording it twice is impossible whoever runs the pass. The emails
(`ReminderEmail`) bundle an officer's queued reminders: at most one daily email per officer and
day, and at most one unsent at a time; each is claimed by one sender before it goes out.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.core.audit import Audited
from tracker.core.clock import utcnow
from tracker.core.types import UTCDateTime
from tracker.extensions import db
from tracker.people.models import Officer, Unit, _enum
from tracker.tasks.models import Task, TaskOccurrence


class ReminderKind(enum.StrEnum):
    BEFORE = "before"  # n working days before the deadline
    DUE = "due"  # on the deadline
    OVERDUE = "overdue"  # after it, every n working days while the task stays overdue
    ESCALATION = "escalation"  # to the chairperson: overdue more than n working days
    DIGEST = "digest"  # to the chairperson, weekly: overdue tasks, pending confirmations
    # Hooks for what builds on the engine (nothing records them yet):
    MEETING = "meeting"  # before a monthly review meeting (issue 5: meetings)
    PROMPT = "prompt"  # a leader prompts by hand (đôn đốc)
    EXPLANATION = "explanation"  # a leader requests an explanation (yêu cầu giải trình)
    REPORT = "report"  # a commune's Phụ lục 1 not frozen as the province's due date nears


class RecipientRole(enum.StrEnum):
    LEAD = "lead"  # chủ trì
    SUPPORTER = "supporter"  # phối hợp: a copy of the lead's reminder
    CHAIR = "chair"  # the unit's chairperson
    MEMBER = "member"  # an attendee (meeting reminders)


class EmailState(enum.StrEnum):
    PENDING = "pending"  # queued; sent when `next_attempt_at` has come
    SENDING = "sending"  # claimed by one sender until `claimed_until`
    SENT = "sent"  # accepted by the mail server
    FAILED = "failed"  # refused for good (a bad address): not retried
    CANCELLED = "cancelled"  # nothing left to say by the time it was to go out


class ItemEmailState(enum.StrEnum):
    QUEUED = "queued"  # waits for the officer's next email
    ATTACHED = "attached"  # carried by `email_id`
    OFF = "off"  # the officer turned email reminders off: in the app only
    DROPPED = "dropped"  # no longer true when its email was written (task submitted …)


# The reminders an officer may turn off for themselves, unless their unit requires them
# (`ReminderSettings.required`). Overdue reminders, and a leader's prompt or explanation
# request, always reach the officer: they are not among these.
OPTIONAL_REMINDERS = ("before", "due", "copy", "meeting", "digest", "escalation")


def preference_keys(kind: ReminderKind, role: RecipientRole) -> frozenset[str]:
    """The choices that may turn this reminder off: its kind, and "copy" for a supporting
    officer's copy; none for an overdue reminder (it cannot be turned off)."""
    if kind is ReminderKind.OVERDUE:
        return frozenset()
    keys = {kind.value} & set(OPTIONAL_REMINDERS)
    if role is RecipientRole.SUPPORTER:
        keys.add("copy")
    return frozenset(keys)


_NO_KEYS: frozenset[str] = frozenset()


def parse_keys(text: str | None) -> frozenset[str]:
    """ "before,copy" -> the known optional reminders named in it."""
    if not text:  # most officers and units: a pass reads tens of thousands of them
        return _NO_KEYS
    return frozenset(k for k in text.split(",") if k in OPTIONAL_REMINDERS)


@dataclass(frozen=True, slots=True)
class ReminderPolicy:
    """The rules in force for a unit: its settings row, or these defaults."""

    days_before: tuple[int, ...] = (7, 3, 1)
    on_deadline: bool = True
    overdue_every: int = 3
    escalate_after: int = 5
    copy_supporters: bool = True
    digest_weekday: int | None = 0
    meeting_days_before: int = 2
    # Optional reminders the unit requires: its officers cannot turn them off.
    required: frozenset[str] = frozenset()

    @classmethod
    def from_settings(cls, row: ReminderSettings | None) -> ReminderPolicy:
        if row is None:
            return cls()
        return cls(
            days_before=parse_days(row.days_before),
            on_deadline=row.on_deadline,
            overdue_every=row.overdue_every,
            escalate_after=row.escalate_after,
            copy_supporters=row.copy_supporters,
            digest_weekday=row.digest_weekday,
            meeting_days_before=row.meeting_days_before,
            required=parse_keys(row.required),
        )


def parse_days(text: str) -> tuple[int, ...]:
    """ "7, 3,1" -> (7, 3, 1): distinct positive numbers, largest first."""
    values = {int(part) for part in (text or "").replace(";", ",").split(",") if part.strip()}
    return tuple(sorted((v for v in values if v > 0), reverse=True))


# The rules of a unit that set none: also what a new settings row starts from.
DEFAULT_POLICY = ReminderPolicy()


class ReminderSettings(Audited, db.Model):
    """A unit's reminder rules; a unit without a row uses the defaults (`ReminderPolicy`)."""

    __tablename__ = "reminder_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), unique=True)
    # Working days before a deadline, comma-separated, largest first ("7,3,1"); "" = none.
    days_before: Mapped[str] = mapped_column(
        String(60), default=",".join(map(str, DEFAULT_POLICY.days_before))
    )
    on_deadline: Mapped[bool] = mapped_column(default=DEFAULT_POLICY.on_deadline)
    # working days; 0 = no overdue reminders
    overdue_every: Mapped[int] = mapped_column(default=DEFAULT_POLICY.overdue_every)
    # working days overdue; 0 = never
    escalate_after: Mapped[int] = mapped_column(default=DEFAULT_POLICY.escalate_after)
    copy_supporters: Mapped[bool] = mapped_column(default=DEFAULT_POLICY.copy_supporters)
    # 0 = Monday; None = no digest. No column default: the ORM would put it in place of None.
    digest_weekday: Mapped[int | None]
    # working days (issue 5)
    meeting_days_before: Mapped[int] = mapped_column(default=DEFAULT_POLICY.meeting_days_before)
    # The optional reminders every officer of the unit receives (OPTIONAL_REMINDERS, commas).
    required: Mapped[str] = mapped_column(String(200), default="", server_default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    unit: Mapped[Unit] = relationship()

    __audit_exclude__ = frozenset({"updated_at"})

    def audit_unit_id(self) -> int | None:
        return self.unit_id

    def audit_label(self) -> str:
        return "reminder settings"


class ReminderPreference(Audited, db.Model):
    """An officer's own choices (Cài đặt thông báo): the hour of their daily email and the
    optional reminders they turned off. No row: the unit's hour, every reminder."""

    __tablename__ = "reminder_preferences"

    id: Mapped[int] = mapped_column(primary_key=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("officers.id"), unique=True)
    # Local hour of the daily email (None: at the daily pass, TRACKER_REMINDER_TIME).
    email_hour: Mapped[int | None]
    # The optional reminders turned off (OPTIONAL_REMINDERS, commas); the unit's required
    # ones reach the officer all the same.
    muted: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    officer: Mapped[Officer] = relationship()

    __audit_exclude__ = frozenset({"updated_at"})

    def audit_unit_id(self) -> int | None:
        return self.officer.unit_id if self.officer is not None else None

    def audit_label(self) -> str:
        return "cài đặt thông báo"


class ReminderEmail(db.Model):
    """One email to one officer, carrying every reminder queued for them when it was claimed."""

    __tablename__ = "reminder_emails"
    __table_args__ = (
        UniqueConstraint("recipient_id", "send_on", "batch"),
        Index("ix_reminder_emails_state_next", "state", "next_attempt_at"),
        Index("ix_reminder_emails_unit", "unit_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("officers.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    # "daily": the one automatic email of the day; prompting by hand may add its own batches.
    batch: Mapped[str] = mapped_column(String(40), default="daily")
    send_on: Mapped[date]  # the working day it was queued for (local date)
    state: Mapped[EmailState] = mapped_column(
        _enum(EmailState, "reminder_email_state"), default=EmailState.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str] = mapped_column(Text, default="")
    # What went out, kept as written (the officer's and the leaders' record, the outbox).
    to_address: Mapped[str] = mapped_column(String(254), default="")
    subject: Mapped[str] = mapped_column(Text, default="")
    body_text: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    message_id: Mapped[str] = mapped_column(String(255), default="")
    transport: Mapped[str] = mapped_column(String(16), default="")  # smtp | outbox
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    recipient: Mapped[Officer] = relationship()
    items: Mapped[list[ReminderItem]] = relationship(
        back_populates="email", order_by="ReminderItem.id"
    )


class ReminderItem(db.Model):
    """One reminder to one officer, recorded once: its key is unique."""

    __tablename__ = "reminder_items"
    __table_args__ = (
        UniqueConstraint("subject", "kind", "due_on", "recipient_id"),
        Index("ix_reminder_items_recipient", "recipient_id", "id"),
        Index("ix_reminder_items_unit", "unit_id", "id"),
        Index("ix_reminder_items_kind_due", "kind", "due_on"),
        Index("ix_reminder_items_email_state", "email_state", "recipient_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # What it is about, as a key: "task:12", "occurrence:34", "unit:5" (later "meeting:7").
    subject: Mapped[str] = mapped_column(String(40))
    kind: Mapped[ReminderKind] = mapped_column(_enum(ReminderKind, "reminder_kind"))
    # The day the schedule put it on (a catch-up keeps it: one reminder, not one per day).
    due_on: Mapped[date]
    recipient_id: Mapped[int] = mapped_column(ForeignKey("officers.id"))
    role: Mapped[RecipientRole] = mapped_column(_enum(RecipientRole, "reminder_role"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id"))
    occurrence_id: Mapped[int | None] = mapped_column(ForeignKey("task_occurrences.id"))
    deadline: Mapped[date | None]
    # Working days left (before, due) or overdue (overdue, escalation) on `recorded_on`.
    days: Mapped[int | None]
    recorded_on: Mapped[date]  # the pass's day
    message: Mapped[str] = mapped_column(Text, default="")  # the in-app notice's text
    sender_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))  # prompts by hand
    email_state: Mapped[ItemEmailState] = mapped_column(
        _enum(ItemEmailState, "reminder_item_email_state"), default=ItemEmailState.QUEUED
    )
    email_id: Mapped[int | None] = mapped_column(ForeignKey("reminder_emails.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    recipient: Mapped[Officer] = relationship(foreign_keys=[recipient_id])
    sender: Mapped[Officer | None] = relationship(foreign_keys=[sender_id])
    task: Mapped[Task | None] = relationship()
    occurrence: Mapped[TaskOccurrence | None] = relationship()
    email: Mapped[ReminderEmail | None] = relationship(back_populates="items")
