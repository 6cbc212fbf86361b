"""Read-side queries of officers."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from tracker.core.status import Tally, tally
from tracker.people.models import Officer
from tracker.plans.models import Plan
from tracker.tasks.queries import status_rows


@dataclass(frozen=True, slots=True)
class OfficerSummary:
    officer: Officer
    led: Tally


def unit_officers(session: Session, unit_id: int, as_of: date) -> list[OfficerSummary]:
    """The unit's officers with the tasks they lead, counted as of a date (three queries)."""
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
