"""Reading the register: a unit's entries by period, kind and words; row 1.1's documents."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from tracker.core.text import fold
from tracker.documents.models import DocumentKind, IssuedDocument
from tracker.documents.rules import directs_reform
from tracker.extensions import db


@dataclass(frozen=True, slots=True)
class RegisterFilter:
    start: date | None = None
    end: date | None = None
    kind: DocumentKind | None = None
    q: str = ""
    cancelled: bool = False  # the cancelled entries too
    directing: bool = False  # only those row 1.1 counts


def register_entries(
    session: Session, unit_id: int, wanted: RegisterFilter
) -> list[IssuedDocument]:
    """The unit's entries matching the filter, newest first (words diacritics-insensitive in
    the number, subject and signer)."""
    query = select(IssuedDocument).where(IssuedDocument.unit_id == unit_id)
    if wanted.start is not None:
        query = query.where(IssuedDocument.issued_on >= wanted.start)
    if wanted.end is not None:
        query = query.where(IssuedDocument.issued_on <= wanted.end)
    if wanted.kind is not None:
        query = query.where(IssuedDocument.kind == wanted.kind)
    if not wanted.cancelled:
        query = query.where(IssuedDocument.cancelled_at.is_(None))
    query = query.options(selectinload(IssuedDocument.added_by)).order_by(
        IssuedDocument.issued_on.desc(), IssuedDocument.id.desc()
    )
    entries = list(session.scalars(query))
    words = fold(wanted.q).split()
    if words:
        entries = [
            e for e in entries
            if all(w in fold(f"{e.number} {e.subject} {e.signer}") for w in words)
        ]
    if wanted.directing:
        entries = [e for e in entries if e.directs_reform]
    return entries


def _directing(session: Session, unit_ids: Iterable[int], start: date, end: date):
    rows = session.scalars(
        select(IssuedDocument)
        .where(
            IssuedDocument.unit_id.in_(list(unit_ids)),
            IssuedDocument.issued_on.between(start, end),
            IssuedDocument.cancelled_at.is_(None),
        )
        .order_by(IssuedDocument.unit_id, IssuedDocument.issued_on, IssuedDocument.id)
    )
    # The rule is rules.directs_reform, applied here and nowhere else.
    return [e for e in rows if directs_reform(e.kind, e.directing_override)]


def directing_documents(
    session: Session, unit_id: int, start: date, end: date
) -> list[IssuedDocument]:
    """The unit's documents that direct reform work (row 1.1), issued from `start` to `end`
    included, not cancelled, in date order."""
    return _directing(session, [unit_id], start, end)


def directing_documents_by_unit(
    session: Session, unit_ids: Iterable[int], start: date, end: date
) -> dict[int, list[IssuedDocument]]:
    """The same for many units at once (a city's wards), in one query."""
    found: dict[int, list[IssuedDocument]] = defaultdict(list)
    for entry in _directing(session, unit_ids, start, end):
        found[entry.unit_id].append(entry)
    return found


def recent_entries(session: Session, unit_id: int, limit: int = 200) -> list[IssuedDocument]:
    """What the evidence form offers to pick: the unit's latest entries not cancelled."""
    return list(
        session.scalars(
            select(IssuedDocument)
            .where(IssuedDocument.unit_id == unit_id, IssuedDocument.cancelled_at.is_(None))
            .order_by(IssuedDocument.issued_on.desc(), IssuedDocument.id.desc())
            .limit(limit)
        )
    )


def entry_or_404(entry_id: int) -> IssuedDocument:
    return db.get_or_404(IssuedDocument, entry_id)
