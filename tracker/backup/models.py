"""How many backups to keep: a setting an administrator changes (`tracker backup retention`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Mapped, Session, mapped_column

from tracker.core.audit import Audited
from tracker.core.clock import utcnow
from tracker.core.types import UTCDateTime
from tracker.extensions import db


@dataclass(frozen=True, slots=True)
class Retention:
    """An archive is kept while it is one of the newest `keep_count`, or younger than
    `keep_days` days; only archives that are neither are deleted."""

    keep_count: int = 14
    keep_days: int = 30


DEFAULT_RETENTION = Retention()


class BackupSettings(Audited, db.Model):
    """The instance's one row (none: the defaults)."""

    __tablename__ = "backup_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    keep_count: Mapped[int] = mapped_column(default=DEFAULT_RETENTION.keep_count)
    keep_days: Mapped[int] = mapped_column(default=DEFAULT_RETENTION.keep_days)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    __audit_exclude__ = frozenset({"updated_at"})

    def audit_unit_id(self) -> int | None:
        return None

    def audit_label(self) -> str:
        return "backup retention"


def retention(session: Session) -> Retention:
    row = session.scalar(select(BackupSettings).order_by(BackupSettings.id).limit(1))
    return Retention(row.keep_count, row.keep_days) if row is not None else DEFAULT_RETENTION


def set_retention(session: Session, keep_count: int, keep_days: int) -> Retention:
    """Change the retention (flushes; the caller commits). At least one archive is kept."""
    if keep_count < 1 or keep_days < 0:
        raise ValueError("keep at least 1 archive, and 0 days or more")
    row = session.scalar(select(BackupSettings).order_by(BackupSettings.id).limit(1))
    if row is None:
        row = BackupSettings()
        session.add(row)
    row.keep_count, row.keep_days = keep_count, keep_days
    session.flush()
    return Retention(keep_count, keep_days)
