"""The monthly review meeting (họp giao ban CCHC): its attendance, agenda items with their
decisions, each officer's evaluation, and the unit's list of grades.

Everything here is audited. A closed meeting keeps the figures it saw in `snapshot` (JSON):
later changes to tasks do not alter it.
"""

from __future__ import annotations

import enum
from datetime import date, datetime, time

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.core.audit import Audited
from tracker.core.clock import utcnow
from tracker.core.types import UTCDateTime
from tracker.extensions import db
from tracker.people.models import Officer, Unit, _enum
from tracker.tasks.models import Task


class MeetingStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class ItemKind(enum.StrEnum):
    LEADER = "leader"  # added by a leader
    TASK = "task"  # a decision taken about a task of the built agenda


class Grade(Audited, db.Model):
    """One grade of the unit's list, best first (`rank` 1). Defaults: Nghị định 90/2020."""

    __tablename__ = "meeting_grades"
    __table_args__ = (UniqueConstraint("unit_id", "rank"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    rank: Mapped[int]
    name: Mapped[str] = mapped_column(String(200))

    def audit_unit_id(self) -> int | None:
        return self.unit_id

    def audit_label(self) -> str:
        return f"mức xếp loại: {self.name}"


class Meeting(Audited, db.Model):
    __tablename__ = "meetings"
    __table_args__ = (UniqueConstraint("unit_id", "year", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    year: Mapped[int]
    month: Mapped[int]
    held_on: Mapped[date]
    starts_at: Mapped[time | None]
    place: Mapped[str] = mapped_column(String(300), default="")
    number: Mapped[str] = mapped_column(String(50), default="")  # the minutes' "Số: .../BB-UBND"
    chair_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    secretary_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"))
    status: Mapped[MeetingStatus] = mapped_column(
        _enum(MeetingStatus, "meeting_status"), default=MeetingStatus.OPEN
    )
    conclusions: Mapped[str] = mapped_column(Text, default="")
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    # The figures the meeting saw, frozen at closing (see operations.close_meeting).
    snapshot: Mapped[dict | None] = mapped_column(JSON)

    unit: Mapped[Unit] = relationship()
    chair: Mapped[Officer | None] = relationship(foreign_keys=[chair_id])
    secretary: Mapped[Officer | None] = relationship(foreign_keys=[secretary_id])
    closed_by: Mapped[Officer | None] = relationship(foreign_keys=[closed_by_id])
    opened_by: Mapped[Officer | None] = relationship(foreign_keys=[opened_by_id])
    previous: Mapped[Meeting | None] = relationship(remote_side=[id])
    attendance: Mapped[list[MeetingAttendance]] = relationship(
        back_populates="meeting", order_by="MeetingAttendance.id"
    )
    items: Mapped[list[AgendaItem]] = relationship(
        back_populates="meeting", order_by="AgendaItem.id", foreign_keys="AgendaItem.meeting_id"
    )
    evaluations: Mapped[list[OfficerEvaluation]] = relationship(
        back_populates="meeting", order_by="OfficerEvaluation.id"
    )

    # The snapshot is large and recorded whole at closing; the audit keeps the status change.
    __audit_exclude__ = frozenset({"created_at", "snapshot"})

    @property
    def is_closed(self) -> bool:
        return self.status is MeetingStatus.CLOSED

    @property
    def label(self) -> str:
        return f"{self.month:02d}/{self.year}"

    def audit_unit_id(self) -> int | None:
        return self.unit_id

    def audit_label(self) -> str:
        return f"Họp giao ban CCHC tháng {self.month}/{self.year}"


class MeetingAttendance(Audited, db.Model):
    __tablename__ = "meeting_attendance"
    __table_args__ = (UniqueConstraint("meeting_id", "officer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    officer_id: Mapped[int] = mapped_column(ForeignKey("officers.id"))
    present: Mapped[bool] = mapped_column(default=True)
    absence_reason: Mapped[str] = mapped_column(String(500), default="")

    meeting: Mapped[Meeting] = relationship(back_populates="attendance")
    officer: Mapped[Officer] = relationship()

    def audit_unit_id(self) -> int | None:
        return self.unit_id

    def audit_label(self) -> str:
        return "điểm danh họp giao ban"


class AgendaItem(Audited, db.Model):
    """A leader's item, or a decision about a task; undealt items move to the next meeting."""

    __tablename__ = "agenda_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    kind: Mapped[ItemKind] = mapped_column(_enum(ItemKind, "agenda_item_kind"))
    text: Mapped[str] = mapped_column(Text, default="")
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id"))
    carried_from_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_items.id"))
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    decision: Mapped[str] = mapped_column(Text, default="")
    dealt_with: Mapped[bool] = mapped_column(default=False)
    resulting_task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id"))
    new_deadline: Mapped[date | None]
    # Marked by the leaders as a recommendation (kiến nghị) to the higher level: section V of
    # the quarterly report takes it.
    is_recommendation: Mapped[bool] = mapped_column(default=False, server_default=sa_false())

    meeting: Mapped[Meeting] = relationship(back_populates="items", foreign_keys=[meeting_id])
    task: Mapped[Task | None] = relationship(foreign_keys=[task_id])
    resulting_task: Mapped[Task | None] = relationship(foreign_keys=[resulting_task_id])
    carried_from: Mapped[AgendaItem | None] = relationship(remote_side=[id])

    def audit_unit_id(self) -> int | None:
        return self.unit_id

    def audit_label(self) -> str:
        return "nội dung họp giao ban"


class OfficerEvaluation(Audited, db.Model):
    """The meeting's word on one officer: a grade, or "không đánh giá" (`grade_id` None: on
    leave, newly arrived…) with its reason. Never blank: the database refuses a row with
    neither a grade nor a reason."""

    __tablename__ = "officer_evaluations"
    __table_args__ = (
        UniqueConstraint("meeting_id", "officer_id"),
        CheckConstraint("grade_id IS NOT NULL OR reason <> ''", name="graded_or_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    officer_id: Mapped[int] = mapped_column(ForeignKey("officers.id"), index=True)
    proposed_grade_id: Mapped[int | None] = mapped_column(ForeignKey("meeting_grades.id"))
    grade_id: Mapped[int | None] = mapped_column(ForeignKey("meeting_grades.id"))
    comment: Mapped[str] = mapped_column(Text, default="")
    # Why: the grade differs from the proposal, there was no proposal, or no grade is given.
    reason: Mapped[str] = mapped_column(Text, default="")
    evaluated_by_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))

    meeting: Mapped[Meeting] = relationship(back_populates="evaluations")
    officer: Mapped[Officer] = relationship(foreign_keys=[officer_id])
    grade: Mapped[Grade | None] = relationship(foreign_keys=[grade_id])
    proposed_grade: Mapped[Grade | None] = relationship(foreign_keys=[proposed_grade_id])

    @property
    def evaluated(self) -> bool:
        return self.grade_id is not None

    def audit_unit_id(self) -> int | None:
        return self.unit_id

    def audit_label(self) -> str:
        return "đánh giá cán bộ"
