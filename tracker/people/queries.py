"""Read-side queries of officers and units: a unit by its code, officers by name."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from tracker.core.status import Tally, tally
from tracker.core.text import name_key
from tracker.extensions import db
from tracker.people.models import Officer, Unit


def unit_or_404(code: str) -> Unit:
    """The unit with this code; a code no unit could have (NUL, too long) is a 404 too,
    before PostgreSQL refuses it with an error."""
    if not code or len(code) > 64 or "\x00" in code:
        abort(404)
    return db.one_or_404(select(Unit).where(Unit.code == code))


def active_officers(session: Session, unit_id: int, *, with_roles: bool = False) -> list[Officer]:
    """The unit's active officers as every officer picker lists them: in the Vietnamese
    order of names (core.text.name_key); with their roles loaded when asked (one more query)."""
    query = select(Officer).where(Officer.unit_id == unit_id, Officer.active)
    if with_roles:
        query = query.options(selectinload(Officer.role_rows))
    return sorted(session.scalars(query), key=lambda officer: name_key(officer.full_name))


@dataclass(frozen=True, slots=True)
class OfficerSummary:
    officer: Officer
    led: Tally


def unit_officers(session: Session, unit_id: int, as_of: date) -> list[OfficerSummary]:
    """The unit's officers with the tasks they lead, counted as of a date (three queries)."""
    # Imported here: the plans and tasks areas pick officers with active_officers().
    from tracker.plans.models import Plan
    from tracker.tasks.queries import status_rows

    officers = session.scalars(
        select(Officer)
        .options(selectinload(Officer.role_rows))
        .where(Officer.unit_id == unit_id)
        .order_by(Officer.active.desc(), Officer.id)
    ).all()
    by_lead: dict[int | None, list] = defaultdict(list)
    for row in status_rows(session, Plan.unit_id == unit_id):
        by_lead[row.lead_officer_id].append(row)
    return [OfficerSummary(o, tally(by_lead[o.id], as_of)) for o in officers]
