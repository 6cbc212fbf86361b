"""A unit's reporting periods and the figures typed for them.

A period is open while the focal officer types its figures; submitting it ("chốt số liệu")
freezes the whole table, computed rows included, in `snapshot`: a submitted table never
changes when tasks change later. Reopening is the chairperson's, and audited like the rest.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.core.audit import Audited
from tracker.core.clock import utcnow
from tracker.core.types import UTCDateTime
from tracker.extensions import db
from tracker.people.models import Officer, Unit, _enum


class PeriodKind(enum.StrEnum):
    QUARTER = "quarter"
    HALF = "half"  # sáu tháng
    YEAR = "year"


class PeriodState(enum.StrEnum):
    OPEN = "open"
    SUBMITTED = "submitted"  # chốt số liệu: frozen


class FigureMark(enum.StrEnum):
    """What a typed row holds besides its value."""

    TYPED = "typed"  # the value typed (None: not entered yet, "chưa nhập")
    NOT_ARISING = "not_arising"  # "Không phát sinh": the officer states nothing happened (0)
    NO_DATA = "no_data"  # left blank on purpose, confirmed by the officer when freezing


class PeriodSpan:
    """What a reporting period is, a unit's or the one a province opens for its communes."""

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    kind: Mapped[PeriodKind] = mapped_column(_enum(PeriodKind, "period_kind"))
    label: Mapped[str] = mapped_column(String(100))  # "Quý I năm 2024"
    start: Mapped[date]
    end: Mapped[date]  # the cut-off date: figures are computed as of it


class IndicatorTreeFile(Audited, db.Model):
    """A province's indicator tree of Phụ lục 1 for a year, loaded from a TOML file (the format
    of tracker/appendix/data) without a release. The newest of a (province, year) is the one
    new periods take; a period keeps the tree it was opened with, and its frozen table never
    changes."""

    __tablename__ = "indicator_trees"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    year: Mapped[int]
    file_name: Mapped[str] = mapped_column(String(200))
    content: Mapped[str] = mapped_column(Text)  # the TOML as loaded
    rows: Mapped[int]
    loaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    unit: Mapped[Unit] = relationship()
    loaded_by: Mapped[Officer | None] = relationship()

    __audit_exclude__ = frozenset({"content"})

    def audit_unit_id(self) -> int | None:
        return self.unit_id

    def audit_label(self) -> str:
        return f"{self.year}: {self.file_name}"


class ProvincePeriod(PeriodSpan, Audited, db.Model):
    """A reporting period a province opened for all its communes at once (the national regime:
    Quý I, 6 tháng, Quý III, Năm), with the day the communes' reports are due."""

    __tablename__ = "province_periods"
    __table_args__ = (
        UniqueConstraint("unit_id", "kind", "start", "end"),
        CheckConstraint('"end" >= start', name="dates_ordered"),
    )

    due_on: Mapped[date]
    tree_id: Mapped[int | None] = mapped_column(ForeignKey("indicator_trees.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    unit: Mapped[Unit] = relationship()
    tree: Mapped[IndicatorTreeFile | None] = relationship()

    def audit_unit_id(self) -> int | None:
        return self.unit_id

    def audit_label(self) -> str:
        return self.label


class ReportingPeriod(PeriodSpan, Audited, db.Model):
    __tablename__ = "reporting_periods"
    __table_args__ = (
        UniqueConstraint("unit_id", "kind", "start", "end"),
        CheckConstraint('"end" >= start', name="dates_ordered"),
    )

    state: Mapped[PeriodState] = mapped_column(
        _enum(PeriodState, "period_state"), default=PeriodState.OPEN
    )
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The whole table as submitted: {"rows": [{key, label, value, parts, …}], "documents": […]}
    snapshot: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The same table's figures alone, {key: [value, state]}: what a province's summary of many
    # communes reads (a few KB where the snapshot is some 50 KB).
    figures: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    __audit_exclude__ = frozenset({"created_at", "figures"})  # figures: the snapshot again
    # Cross-check warnings the focal officer acknowledged: their ids ("6.1.b:previous" …).
    acknowledged: Mapped[list[str]] = mapped_column(JSON, default=list)
    reopened_by_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    reopened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reopen_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Opened by the province for all its communes: the due date and the tree come from there.
    province_period_id: Mapped[int | None] = mapped_column(
        ForeignKey("province_periods.id"), index=True
    )
    due_on: Mapped[date | None]
    # The indicator tree the period was opened with (None: the file of its year in data/).
    tree_id: Mapped[int | None] = mapped_column(ForeignKey("indicator_trees.id"))

    unit: Mapped[Unit] = relationship()
    tree: Mapped[IndicatorTreeFile | None] = relationship()
    submitted_by: Mapped[Officer | None] = relationship(foreign_keys=[submitted_by_id])
    reopened_by: Mapped[Officer | None] = relationship(foreign_keys=[reopened_by_id])

    @property
    def is_submitted(self) -> bool:
        return self.state is PeriodState.SUBMITTED

    def audit_unit_id(self) -> int | None:
        return self.unit_id

    def audit_label(self) -> str:
        return self.label

    def __repr__(self) -> str:
        return f"<ReportingPeriod {self.id} {self.label}>"


class EnteredFigure(Audited, db.Model):
    """One typed figure (or note) of one row of the table for one period."""

    __tablename__ = "appendix_figures"
    __table_args__ = (UniqueConstraint("period_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("reporting_periods.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    key: Mapped[str] = mapped_column(String(32))  # the indicator's key ("3.2.1.a")
    value: Mapped[Decimal | None] = mapped_column(Numeric(20, 3))
    note: Mapped[str] = mapped_column(Text, default="")
    mark: Mapped[FigureMark] = mapped_column(
        _enum(FigureMark, "figure_mark"), default=FigureMark.TYPED
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    __audit_exclude__ = frozenset({"updated_at"})

    def audit_unit_id(self) -> int | None:
        return self.unit_id

    def audit_label(self) -> str:
        return self.key
