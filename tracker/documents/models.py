"""An issued document: one line of the unit's register (sổ văn bản đi)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.core.audit import Audited
from tracker.core.clock import utcnow
from tracker.core.types import UTCDateTime
from tracker.documents.rules import DocumentKind, directs_reform
from tracker.extensions import db
from tracker.people.models import Officer, Unit, _enum


class IssuedDocument(Audited, db.Model):
    """One document the unit issued: its number and symbol, date, kind, subject and signer.

    The number is unique per unit and year among the entries not cancelled (`number_key`: the
    number compared without case and spaces). Never deleted: cancelled with a reason. Whether
    it directs reform work is `documents.rules.directs_reform` (its kind), unless
    `directing_override` says otherwise."""

    __tablename__ = "issued_documents"
    __table_args__ = (
        Index(
            "uq_issued_documents_number",
            "unit_id",
            "year",
            "number_key",
            unique=True,
            sqlite_where=text("cancelled_at IS NULL"),
            postgresql_where=text("cancelled_at IS NULL"),
        ),
        Index("ix_issued_documents_unit_issued", "unit_id", "issued_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    number: Mapped[str] = mapped_column(String(100))  # "39/QĐ-UBND", as issued
    number_key: Mapped[str] = mapped_column(String(100))
    year: Mapped[int]  # the issue date's: numbers start again each year
    issued_on: Mapped[date]
    kind: Mapped[DocumentKind] = mapped_column(_enum(DocumentKind, "document_kind"))
    subject: Mapped[str] = mapped_column(Text, default="")  # trích yếu
    signer: Mapped[str] = mapped_column(String(200), default="")
    # None: the rule decides; True/False: a leader's decision for this document.
    directing_override: Mapped[bool | None]
    file_name: Mapped[str | None] = mapped_column(String(255))
    stored_name: Mapped[str | None] = mapped_column(String(64))
    content_type: Mapped[str | None] = mapped_column(String(100))
    size_bytes: Mapped[int | None]
    sha256: Mapped[str | None] = mapped_column(String(64))
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    cancel_reason: Mapped[str] = mapped_column(Text, default="")

    unit: Mapped[Unit] = relationship()
    added_by: Mapped[Officer | None] = relationship(foreign_keys=[added_by_id])
    cancelled_by: Mapped[Officer | None] = relationship(foreign_keys=[cancelled_by_id])

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def directs_reform(self) -> bool:
        return directs_reform(self.kind, self.directing_override)

    def audit_unit_id(self) -> int | None:
        return self.unit_id

    def audit_label(self) -> str:
        return self.number
