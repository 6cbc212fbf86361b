"""The national page's chart: per plan kind, the tasks of every commune of every province
together, cumulative done against cumulative deadlines month by month over the year, drawn by
the same code as a province's (dashboard.chart).

Set-based (province.queries.count_for_chart, which a province's page counts each commune's
tasks with): the plain tasks are counted in the database, grouped by plan kind and deadline,
then by plan kind and completion date (at most a few hundred rows a year, whatever the number
of tasks), and summed up to each day the chart reads (dashboard.queries.chart_days); only the
few tasks the SQL form of the rule leaves out (recurring, moved deadline, reopened) are read as
status rows."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.dashboard.queries import ProgressSeries
from tracker.people.models import Unit
from tracker.plans.models import PlanKind
from tracker.province.queries import COMMUNE_KINDS, _below, chart_series, count_for_chart


def national_progress_by_kind(
    session: Session, unit: Unit, as_of: date
) -> dict[PlanKind, ProgressSeries]:
    """Per plan kind, the series of every commune below `unit` (the nation), over the year of
    `as_of`: two grouped queries (by deadline, by completion date; a few hundred rows whatever
    the number of tasks), three more with tasks the SQL sums leave out."""
    communes = select(Unit.id).where(Unit.id.in_(_below(unit)), Unit.kind.in_(COMMUNE_KINDS))
    counts = count_for_chart(session, communes, as_of, by_unit=False)
    return {
        kind: chart_series(counts[kind], as_of)
        for kind in sorted(counts, key=list(PlanKind).index)
    }
