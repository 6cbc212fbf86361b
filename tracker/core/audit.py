"""One audit mechanism: every flush records what changed on audited models.

Models opt in by inheriting `Audited`. The listener runs after each flush, so ids exist and
the audit rows land in the same transaction as the change: both commit or neither does.
"""

from __future__ import annotations

import contextlib
import contextvars
import enum
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask import has_request_context
from flask_login import current_user
from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    String,
    event,
    insert,
    inspect,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship
from sqlalchemy.orm.attributes import NO_VALUE

from tracker.core.clock import utcnow
from tracker.core.types import UTCDateTime
from tracker.core.versions import changed
from tracker.extensions import db

_actor_id: contextvars.ContextVar[int | None] = contextvars.ContextVar("audit_actor", default=None)


class AuditAction(enum.StrEnum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"


class Audited:
    """Mixin for models whose changes are audited."""

    __audit_exclude__: frozenset[str] = frozenset({"created_at"})

    def audit_unit_id(self) -> int | None:
        return None

    def audit_label(self) -> str:
        return ""


class AuditEvent(db.Model):
    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_entity", "entity_type", "entity_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    entity_type: Mapped[str] = mapped_column(String(50))
    entity_id: Mapped[int]
    action: Mapped[str] = mapped_column(String(16))
    label: Mapped[str] = mapped_column(String(300), default="")
    # {field: [before, after]}
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    actor = relationship("Officer", lazy="raise")


@contextlib.contextmanager
def acting_as(officer_id: int | None) -> Iterator[None]:
    """Attribute changes made inside the block to this officer (CLI, jobs, tests)."""
    token = _actor_id.set(officer_id)
    try:
        yield
    finally:
        _actor_id.reset(token)


def set_actor(officer_id: int | None) -> contextvars.Token:
    return _actor_id.set(officer_id)


def current_actor_id() -> int | None:
    """The officer acting now: set explicitly (CLI, jobs), else the logged-in user."""
    actor = _actor_id.get()
    if actor is None and has_request_context():
        user = current_user
        if user is not None and user.is_authenticated:
            actor = user.id
    return actor


def _plain(value: Any) -> Any:
    """A JSON-safe rendering of a column value."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, db.Model):
        return {
            "id": getattr(value, "id", None),
            "label": getattr(value, "full_name", None) or str(value),
        }
    return str(value)


def _changes(obj: Audited, action: AuditAction) -> dict[str, list[Any]]:
    state = inspect(obj)
    mapper = state.mapper
    exclude = obj.__audit_exclude__
    changes: dict[str, list[Any]] = {}
    for attr in mapper.column_attrs:
        key = attr.key
        if key in exclude or key == "id":
            continue
        hist = state.attrs[key].history
        if action is AuditAction.CREATE:
            value = state.attrs[key].value
            if value is not None and value is not NO_VALUE and value != "":
                changes[key] = [None, _plain(value)]
        elif hist.has_changes():
            before = hist.deleted[0] if hist.deleted else None
            after = hist.added[0] if hist.added else None
            if before != after:
                changes[key] = [_plain(before), _plain(after)]
    for rel in mapper.relationships:
        if not rel.uselist or rel.key in exclude or rel.secondary is None:
            continue
        # Many-to-many assignments (supporting officers) are part of the entity's state.
        hist = state.attrs[rel.key].history
        if hist.added or hist.deleted:
            before = sorted(_plain(o)["label"] for o in (*hist.unchanged, *hist.deleted))
            after = sorted(_plain(o)["label"] for o in (*hist.unchanged, *hist.added))
            if before != after:
                changes[rel.key] = [before, after]
    return changes


@event.listens_for(Session, "after_flush")
def _record_audit_events(session: Session, flush_context) -> None:
    rows: list[dict[str, Any]] = []
    now = utcnow()
    actor = current_actor_id()
    for collection, action in (
        (session.new, AuditAction.CREATE),
        (session.dirty, AuditAction.UPDATE),
        (session.deleted, AuditAction.DELETE),
    ):
        for obj in collection:
            if isinstance(obj, AuditEvent):  # record_change's: its unit's data changed too
                changed(session, (obj.unit_id,))
            if not isinstance(obj, Audited):
                continue
            changes = _changes(obj, action) if action is not AuditAction.DELETE else {}
            if action is AuditAction.UPDATE and not changes:
                continue
            moved = changes.get("unit_id")
            if moved and isinstance(moved[0], int):  # an officer, a plan leaving a unit:
                changed(session, (moved[0],))  # the unit it left changed too
            rows.append(
                {
                    "occurred_at": now,
                    "actor_id": actor,
                    "unit_id": obj.audit_unit_id(),
                    "entity_type": type(obj).__tablename__,
                    "entity_id": obj.id,
                    "action": action.value,
                    "label": (obj.audit_label() or "")[:300],
                    "changes": changes,
                }
            )
    if rows:
        session.connection().execute(insert(AuditEvent.__table__), rows)
        changed(session, (row["unit_id"] for row in rows))


def record_change(session: Session, obj: Audited, changes: dict[str, list[Any]]) -> None:
    """An update of `obj` the flush cannot see, in the same audit trail: a change kept in rows
    of their own (an officer's roles), as {field: [before, after]}."""
    session.add(
        AuditEvent(
            occurred_at=utcnow(),
            actor_id=current_actor_id(),
            unit_id=obj.audit_unit_id(),
            entity_type=type(obj).__tablename__,
            entity_id=obj.id,
            action=AuditAction.UPDATE.value,
            label=(obj.audit_label() or "")[:300],
            changes=changes,
        )
    )
