"""The national page's chart: per plan kind, the tasks of every commune of every province
together, cumulative done against cumulative deadlines month by month over the year, drawn by
the same code as a province's (dashboard.chart).

Set-based: the plain tasks are counted in the database, grouped by plan kind and deadline, then
by plan kind and completion date (at most a few hundred rows a year, whatever the number of
tasks), and summed up to each day the chart reads (dashboard.queries.chart_days); only the few
tasks the SQL form of the rule leaves out (recurring, moved deadline, reopened) are read as
status rows, as on a province's page."""

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


def _cumulative(counts: dict[date, int], days: list[date]) -> dict[date, int]:
    """{day: how many of `counts` fall on or before it}, for each of `days`."""
    ordered = sorted(counts)
    running, upto = 0, {}
    index = 0
    for day in sorted(days):
        while index < len(ordered) and ordered[index] <= day:
            running += counts[ordered[index]]
            index += 1
        upto[day] = running
    return upto


def national_progress_by_kind(
    session: Session, unit: Unit, as_of: date
) -> dict[PlanKind, ProgressSeries]:
    """Per plan kind, the series of every commune below `unit` (the nation), over the year of
    `as_of`: two grouped queries (by deadline, by completion date; a few hundred rows whatever
    the number of tasks), three more with tasks the SQL sums leave out."""
    days = list(dict.fromkeys(chart_days(as_of.year, as_of.year, as_of)))  # as_of a month end
    communes = select(Unit.id).where(Unit.id.in_(_below(unit)), Unit.kind.in_(COMMUNE_KINDS))
    in_units = Plan.unit_id.in_(communes)
    is_plain = plain(_COLUMNS)
    live = and_(
        Plan.archived_at.is_(None),
        Task.archived_at.is_(None),
        in_units,
        or_(Task.entered_on.is_(None), Task.entered_on <= literal(as_of)),
        or_(Task.withdrawn_on.is_(None), Task.withdrawn_on > literal(as_of)),
    )
    deadlines: dict[PlanKind, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    completions: dict[PlanKind, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    totals: dict[PlanKind, list[int]] = defaultdict(lambda: [0, 0])  # tasks, with a deadline
    others = 0
    plain_label = case((is_plain, 1), else_=0).label("plain")
    for kind, plain_row, deadline, count in session.execute(
        select(Plan.kind, plain_label, Task.deadline, func.count())
        .join(Plan, Plan.id == Task.plan_id)
        .where(live)
        .group_by(Plan.kind, plain_label, Task.deadline)
    ):
        if not plain_row:
            others += count
            continue
        kind = PlanKind(kind)
        totals[kind][0] += count
        if deadline is not None:
            totals[kind][1] += count
            deadlines[kind][deadline] += count
    # Completions after the figures' date are never read (the done line stops there).
    # The rule's test grouped on, not filtered on: as a filter PostgreSQL's plan for it was ten
    # times slower on the nation (3.5 s against 0.35 s).
    for kind, plain_row, completed_on, count in session.execute(
        select(Plan.kind, plain_label, Task.completed_on, func.count())
        .join(Plan, Plan.id == Task.plan_id)
        .where(live, Task.completed_on <= literal(as_of))
        .group_by(Plan.kind, plain_label, Task.completed_on)
    ):
        if plain_row:
            completions[PlanKind(kind)][completed_on] += count
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
            if deadline is not None:
                totals[kind][1] += 1
                deadlines[kind][deadline] += 1
            if finished is not None and finished <= as_of:
                completions[kind][finished] += 1
    result = {}
    for kind in sorted(totals, key=list(PlanKind).index):
        if not totals[kind][0]:
            continue
        planned = _cumulative(deadlines[kind], days)
        done = _cumulative(completions[kind], days)
        result[kind] = series_from_counts(
            as_of.year,
            as_of.year,
            as_of,
            total=totals[kind][0],
            planned_total=totals[kind][1],
            planned_upto=planned.__getitem__,
            done_upto=done.__getitem__,
        )
    return result
