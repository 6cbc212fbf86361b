"""Reform plans and their groups (the 9 reform fields, the 8 PAPI dimensions)."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.core.audit import Audited
from tracker.core.clock import utcnow
from tracker.core.types import UTCDateTime
from tracker.extensions import db
from tracker.people.models import Officer, Unit, _enum


class PlanKind(enum.StrEnum):
    ANNUAL_REFORM = "annual_reform"
    PAPI = "papi"
    CONCLUSION_91 = "conclusion_91"
    ASSIGNED_BY_HIGHER_LEVEL = "assigned_by_higher_level"
    # A province's tasks issued to its communes (each commune's copy: ASSIGNED_BY_HIGHER_LEVEL).
    ASSIGNED_TO_LOWER_LEVEL = "assigned_to_lower_level"
    OTHER = "other"


# The appendix (Phụ lục 1) rows a plan may feed.
APPENDIX_ROWS = ("1.2", "1.3", "1.4", "1.6")


class Plan(Audited, db.Model):
    __tablename__ = "plans"
    __table_args__ = (CheckConstraint("end_year >= start_year", name="years_ordered"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    kind: Mapped[PlanKind] = mapped_column(_enum(PlanKind, "plan_kind"))
    title: Mapped[str] = mapped_column(String(500))
    document_number: Mapped[str] = mapped_column(String(100), default="")
    document_date: Mapped[date | None]
    start_year: Mapped[int]
    end_year: Mapped[int]
    appendix_row: Mapped[str | None] = mapped_column(String(16))
    # The leader (chairperson or a vice chairperson) who oversees the plan as a whole.
    leader_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    # Archived: kept, out of the lists and the figures (operations.archive_plan).
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Counts the edits of the particulars (editing.update_plan): a form filled from an older
    # version is refused, not saved over the other leader's change.
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    unit: Mapped[Unit] = relationship()
    leader: Mapped[Officer | None] = relationship()
    groups: Mapped[list[TaskGroup]] = relationship(
        back_populates="plan", order_by="TaskGroup.ordinal", cascade="all, delete-orphan"
    )

    def audit_unit_id(self) -> int | None:
        return self.unit_id

    def audit_label(self) -> str:
        return self.title

    def __repr__(self) -> str:
        return f"<Plan {self.id} {self.document_number}>"


class TaskGroup(Audited, db.Model):
    __tablename__ = "task_groups"
    __table_args__ = (UniqueConstraint("plan_id", "ordinal"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    ordinal: Mapped[int]
    name: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    # The vice chairperson who oversees this field (Thông báo 53/QĐ-UBND divides them).
    overseer_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))

    plan: Mapped[Plan] = relationship(back_populates="groups")

    def audit_unit_id(self) -> int | None:
        return self.plan.unit_id if self.plan else None

    def audit_label(self) -> str:
        return self.name


class PlanUnitMove(db.Model):
    """A plan handed to another unit (a merger, people.merging): the plan belonged to
    `from_unit_id` before `moved_on`, so figures of an earlier date count it there."""

    __tablename__ = "plan_unit_moves"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    from_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    to_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    moved_on: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
