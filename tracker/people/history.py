"""Who did what: the audit events of an entity as a page shows them, officers by name."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from tracker.core.audit import AuditEvent
from tracker.people.models import Officer


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One audit event as a page shows it: who by name, each change as (field, before, after)."""

    event: AuditEvent
    actor_name: str | None
    changes: list[tuple[str, Any, Any]]


def readable_history(
    session: Session, where: ColumnElement[bool], officer_fields: Iterable[str] = ()
) -> list[HistoryEntry]:
    """The audit events matching `where`, newest first, with the actor and every officer id
    held in `officer_fields` shown by name: two statements whatever the history holds."""
    officer_fields = frozenset(officer_fields)
    events = session.scalars(select(AuditEvent).where(where).order_by(AuditEvent.id.desc())).all()
    officer_ids = {e.actor_id for e in events if e.actor_id}
    for event_ in events:
        for name in officer_fields & event_.changes.keys():
            officer_ids.update(v for v in event_.changes[name] if isinstance(v, int))
    names: dict[int, str] = {}
    if officer_ids:
        rows = session.execute(
            select(Officer.id, Officer.full_name).where(Officer.id.in_(officer_ids))
        )
        names = {officer_id: name for officer_id, name in rows}
    entries = []
    for event_ in events:
        changes = []
        for name, (before, after) in event_.changes.items():
            if name in officer_fields:
                before, after = names.get(before, before), names.get(after, after)
            changes.append((name, before, after))
        entries.append(HistoryEntry(event_, names.get(event_.actor_id), changes))
    return entries
