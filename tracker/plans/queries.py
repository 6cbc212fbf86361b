"""Read-side queries of plans: what the plan list, the API and reports show."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.core.status import Tally, confirmed_late, tally
from tracker.plans.models import Plan
from tracker.tasks.queries import status_rows


@dataclass(frozen=True, slots=True)
class PlanSummary:
    plan: Plan
    tally: Tally
    # Its tasks counted done as of the date but confirmed after it (core.status.confirmed_late).
    late: tuple = ()


def plan_summaries(session: Session, unit_id: int, as_of: date) -> list[PlanSummary]:
    """The unit's live plans with their task counts as of a date, in a fixed number of queries."""
    plans = session.scalars(
        select(Plan)
        .where(Plan.unit_id == unit_id, Plan.archived_at.is_(None))
        .order_by(Plan.appendix_row.is_(None), Plan.appendix_row, Plan.document_date, Plan.id)
    ).all()
    by_plan: dict[int, list] = defaultdict(list)
    for row in status_rows(session, Plan.unit_id == unit_id):
        by_plan[row.plan_id].append(row)
    return [
        PlanSummary(
            plan, tally(by_plan[plan.id], as_of), tuple(confirmed_late(by_plan[plan.id], as_of))
        )
        for plan in plans
    ]


def archived_plans(session: Session, unit_id: int) -> list[Plan]:
    """The unit's archived plans, the last archived first."""
    return list(
        session.scalars(
            select(Plan)
            .where(Plan.unit_id == unit_id, Plan.archived_at.is_not(None))
            .order_by(Plan.archived_at.desc(), Plan.id)
        )
    )


def plans_like(session: Session, unit_id: int, kind, start_year: int) -> list[Plan]:
    """The unit's live plans of this kind starting that year: next year's plan may already
    have been made (the page says so before a second one is)."""
    return list(
        session.scalars(
            select(Plan)
            .where(
                Plan.unit_id == unit_id,
                Plan.kind == kind,
                Plan.start_year == start_year,
                Plan.archived_at.is_(None),
            )
            .order_by(Plan.id)
        )
    )
