"""Read-side queries of plans: what the plan list, the API and reports show."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, and_, func, or_, select, union
from sqlalchemy.orm import Session, aliased

from tracker.core.status import Tally, confirmed_late, tally
from tracker.plans.models import Plan, PlanUnitMove
from tracker.tasks.queries import status_rows


@dataclass(frozen=True, slots=True)
class PlanSummary:
    plan: Plan
    tally: Tally
    # Its tasks counted done as of the date but confirmed after it (core.status.confirmed_late).
    late: tuple = ()


def plan_summaries(session: Session, unit_id: int, as_of: date) -> list[PlanSummary]:
    """The unit's live plans with their task counts as of a date, in a fixed number of queries:
    those it held on that date (a plan merged away since still shows in its old unit)."""
    held = of_units_on(unit_id, as_of)
    plans = session.scalars(
        select(Plan)
        .where(held, Plan.archived_at.is_(None))
        .order_by(Plan.appendix_row.is_(None), Plan.appendix_row, Plan.document_date, Plan.id)
    ).all()
    by_plan: dict[int, list] = defaultdict(list)
    for row in status_rows(session, held):
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


# ---------------------------------------------------------------------------- units over time


def unit_on(day: date) -> ColumnElement[int]:
    """The unit a plan belonged to on `day`: the unit it was moved from by its first move
    after that day (a merger, plans.merging), else its unit now."""
    moved_from = (
        select(PlanUnitMove.from_unit_id)
        .where(PlanUnitMove.plan_id == Plan.id, PlanUnitMove.moved_on > day)
        .order_by(PlanUnitMove.moved_on, PlanUnitMove.id)
        .limit(1)
        .correlate(Plan)
        .scalar_subquery()
    )
    return func.coalesce(moved_from, Plan.unit_id)


def of_units_on(unit_ids: int | Sequence[int] | Select, day: date) -> ColumnElement[bool]:
    """The plans that belonged to these units on `day`: figures of a past date count a plan
    merged away since in the unit it belonged to then, and not in the one it moved to."""
    ids = [unit_ids] if isinstance(unit_ids, int) else unit_ids
    touched = select(PlanUnitMove.plan_id).where(
        or_(PlanUnitMove.from_unit_id.in_(ids), PlanUnitMove.to_unit_id.in_(ids))
    )
    # The first half finds the candidates by index (a union: `unit_id IN … OR id IN …` read
    # every plan of the nation); the second decides by the day.
    own = aliased(Plan)
    candidates = union(select(own.id).where(own.unit_id.in_(ids)), touched)
    return and_(Plan.id.in_(candidates), unit_on(day).in_(ids))
