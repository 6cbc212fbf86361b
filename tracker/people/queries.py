"""Read-side queries of officers."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.core.status import Tally, tally
from tracker.people.models import Officer
from tracker.plans.models import Plan
from tracker.tasks.models import Task


@dataclass(frozen=True, slots=True)
class OfficerSummary:
    officer: Officer
    led: Tally


def unit_officers(session: Session, unit_id: int, as_of: date) -> list[OfficerSummary]:
    """The unit's officers with the tasks they lead, counted as of a date (three queries)."""
    officers = session.scalars(
        select(Officer)
        .where(Officer.unit_id == unit_id)
        .order_by(Officer.active.desc(), Officer.id)
    ).all()
    rows = session.execute(
        select(Task.lead_officer_id, Task.deadline, Task.completed_on)
        .join(Plan, Plan.id == Task.plan_id)
        .where(Plan.unit_id == unit_id, Plan.archived_at.is_(None), Task.archived_at.is_(None))
    ).all()
    by_lead: dict[int | None, list] = defaultdict(list)
    for row in rows:
        by_lead[row.lead_officer_id].append(row)
    return [OfficerSummary(o, tally(by_lead[o.id], as_of)) for o in officers]
