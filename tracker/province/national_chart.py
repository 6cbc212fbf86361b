"""The national page's chart: per plan kind, the tasks of every commune of every province
together, cumulative done against cumulative deadlines month by month over the year, drawn by
the same code as a province's (dashboard.chart).

Set-based: the plain tasks are counted in the database, one row per plan kind with one sum
per day the chart reads (dashboard.queries.chart_days, fourteen days), whatever the number of
tasks; only the few tasks the SQL form of the rule leaves out (recurring, moved deadline,
reopened) are read as status rows, as on a province's page."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import and_, case, func, literal, not_, or_, select
from sqlalchemy.orm import Session

from tracker.core.status import done_on, final_deadline, in_plan_on
from tracker.core.status_sql import plain
from tracker.dashboard.queries import ProgressSeries, chart_days, series_from_counts
from tracker.people.models import Unit
from tracker.plans.models import Plan, PlanKind
from tracker.province.queries import _COLUMNS, COMMUNE_KINDS, _below
from tracker.tasks.models import Task
from tracker.tasks.queries import status_rows


def national_progress_by_kind(
    session: Session, unit: Unit, as_of: date
) -> dict[PlanKind, ProgressSeries]:
    """Per plan kind, the series of every commune below `unit` (the nation), over the year of
    `as_of`: two queries (three with tasks the SQL sums leave out)."""
    days = list(dict.fromkeys(chart_days(as_of.year, as_of.year, as_of)))  # as_of a month end
    communes = select(Unit.id).where(Unit.id.in_(_below(unit)), Unit.kind.in_(COMMUNE_KINDS))
    in_units = Plan.unit_id.in_(communes)
    is_plain = plain(_COLUMNS)
    in_plan = and_(
        or_(Task.entered_on.is_(None), Task.entered_on <= literal(as_of)),
        or_(Task.withdrawn_on.is_(None), Task.withdrawn_on > literal(as_of)),
    )

    def count(condition) -> object:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    sums = [count(and_(is_plain, Task.deadline <= literal(day))) for day in days]
    sums += [count(and_(is_plain, Task.completed_on <= literal(day))) for day in days]
    planned: dict[PlanKind, dict[date, int]] = defaultdict(lambda: dict.fromkeys(days, 0))
    done: dict[PlanKind, dict[date, int]] = defaultdict(lambda: dict.fromkeys(days, 0))
    totals: dict[PlanKind, list[int]] = defaultdict(lambda: [0, 0])  # tasks, with a deadline
    others = 0
    for row in session.execute(
        select(
            Plan.kind,
            count(is_plain),
            count(and_(is_plain, Task.deadline.is_not(None))),
            count(not_(is_plain)),
            *sums,
        )
        .join(Plan, Plan.id == Task.plan_id)
        .where(Plan.archived_at.is_(None), Task.archived_at.is_(None), in_units, in_plan)
        .group_by(Plan.kind)
    ):
        kind = PlanKind(row[0])
        totals[kind][0] += int(row[1])
        totals[kind][1] += int(row[2])
        others += int(row[3])
        values = [int(v) for v in row[4:]]
        for i, day in enumerate(days):
            planned[kind][day] += values[i]
            done[kind][day] += values[len(days) + i]
    if others:
        rows = [r for r in status_rows(session, in_units, not_(is_plain)) if in_plan_on(r, as_of)]
        kinds = dict(
            session.execute(
                select(Plan.id, Plan.kind).where(Plan.id.in_({r.plan_id for r in rows}))
            ).all()
        ) if rows else {}
        for r in rows:
            kind = PlanKind(kinds[r.plan_id])
            deadline, finished = final_deadline(r), done_on(r)
            totals[kind][0] += 1
            totals[kind][1] += deadline is not None
            for day in days:
                planned[kind][day] += deadline is not None and deadline <= day
                done[kind][day] += finished is not None and finished <= day
    return {
        kind: series_from_counts(
            as_of.year,
            as_of.year,
            as_of,
            total=totals[kind][0],
            planned_total=totals[kind][1],
            planned_upto=planned[kind].__getitem__,
            done_upto=done[kind].__getitem__,
        )
        for kind in sorted(totals, key=list(PlanKind).index)
        if totals[kind][0]
    }
