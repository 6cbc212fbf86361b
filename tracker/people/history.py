"""Who did what: the audit events of an entity as a page shows them, officers by name."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from tracker.core.audit import AuditEvent
from tracker.core.clock import to_local
from tracker.core.refusals import Conflict
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
    return readable_history_and_units(session, where, officer_fields)[0]


def readable_history_and_units(
    session: Session, where: ColumnElement[bool], officer_fields: Iterable[str] = ()
) -> tuple[list[HistoryEntry], set[int]]:
    """`readable_history`, and the units of the officers it names (a page that keeps it keys
    it by those units' data versions, which an officer's renaming renews)."""
    officer_fields = frozenset(officer_fields)
    events = session.scalars(select(AuditEvent).where(where).order_by(AuditEvent.id.desc())).all()
    officer_ids = {e.actor_id for e in events if e.actor_id}
    for event_ in events:
        for name in officer_fields & event_.changes.keys():
            officer_ids.update(v for v in event_.changes[name] if isinstance(v, int))
    names: dict[int, str] = {}
    units: set[int] = set()
    if officer_ids:
        rows = session.execute(
            select(Officer.id, Officer.full_name, Officer.unit_id).where(
                Officer.id.in_(officer_ids)
            )
        )
        for officer_id, name, unit_id in rows:
            names[officer_id] = name
            units.add(unit_id)
    entries = []
    for event_ in events:
        changes = []
        for name, (before, after) in event_.changes.items():
            if name in officer_fields:
                before, after = names.get(before, before), names.get(after, after)
            changes.append((name, before, after))
        entries.append(HistoryEntry(event_, names.get(event_.actor_id), changes))
    return entries, units


def edits_since(
    session: Session, entity_type: str, entity_id: int, version: int,
    officer_fields: Iterable[str] = (),
) -> list[HistoryEntry]:
    """The audited edits that took a versioned record (a task, a plan) past `version`, newest
    first: what an editor who started from `version` did not see."""
    return [
        entry
        for entry in readable_history(
            session,
            (AuditEvent.entity_type == entity_type) & (AuditEvent.entity_id == entity_id),
            officer_fields,
        )
        if _version_after(entry.event.changes, version)
    ]


def stale_edit(
    session: Session,
    entity_type: str,
    entity_id: int,
    version: int,
    current_version: int,
    *,
    someone_saved: Callable[..., str],
    changed: str,
    officer_fields: Iterable[str] = (),
) -> Conflict:
    """The refusal of an edit started from `version`: who saved the record since and when
    (`someone_saved(who=, time=, day=)`, or `changed` when the audit trail names nobody), with
    the changes for the form to show."""
    entries = edits_since(session, entity_type, entity_id, version, officer_fields)
    if entries:
        moment = to_local(entries[0].event.occurred_at)
        message = someone_saved(
            who=entries[0].actor_name or _("hệ thống"),
            time=f"{moment:%H:%M}",
            day=f"{moment:%d/%m/%Y}",
        )
    else:
        message = changed
    changes = [
        (entry, [c for c in entry.changes if c[0] != "version"]) for entry in reversed(entries)
    ]
    return Conflict(message, changes, current_version=current_version)


def _version_after(changes: dict, version: int) -> bool:
    after = (changes.get("version") or [None, None])[1]
    return isinstance(after, int) and after > version
