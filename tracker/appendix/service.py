"""The table of a period as pages, exports and the CLI read it: one place builds it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from tracker.appendix.indicators import Tree, stored_tree, tree_for_year
from tracker.appendix.models import EnteredFigure, ReportingPeriod
from tracker.appendix.queries import (
    UnitSources,
    entered_marks,
    entered_values,
    load_figures,
    load_sources,
    previous_period,
)
from tracker.appendix.table import (
    Table,
    Value,
    build_table,
    effective_values,
    table_from_snapshot,
)
from tracker.appendix.validation import Problem, check_entered, check_warnings
from tracker.plans.queries import of_units_on


def tree_of(period) -> Tree:
    """The tree a period (a commune's, or the province's) was opened with: a province's loaded
    file, or the file of its year in data/."""
    if period.tree_id is not None:
        return stored_tree(period.tree)
    return tree_for_year(period.end.year)


def live_table(
    session: Session, unit_id: int, start: date, end: date,
    figures: dict[str, EnteredFigure] | None = None, tree: Tree | None = None,
) -> Table:
    """The table as the tasks and the typed figures stand now, as of `end`."""
    tree = tree or tree_for_year(end.year)
    sources = load_sources(session, of_units_on(unit_id, end), [unit_id], start, end).get(
        unit_id, UnitSources()
    )
    figures = figures or {}
    notes = {key: f.note for key, f in figures.items() if f.note}
    return build_table(tree, sources, entered_values(figures), notes, entered_marks(figures))


def period_table(
    session: Session, period: ReportingPeriod, figures: dict[str, EnteredFigure] | None = None
) -> Table:
    """A submitted period reads its frozen snapshot; an open one is computed now (from its
    typed `figures`, when the caller has loaded them already)."""
    if period.is_submitted and period.snapshot:
        return table_from_snapshot(period.snapshot)
    if figures is None:
        figures = load_figures(session, [period.id])[period.id]
    return live_table(session, period.unit_id, period.start, period.end, figures,
                      tree_of(period))


@dataclass
class Checks:
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def unacknowledged(self, acknowledged: set[str]) -> list[Problem]:
        return [w for w in self.warnings if w.id not in acknowledged]


def previous_values(session: Session, period: ReportingPeriod) -> tuple[dict[str, Value], bool]:
    before = previous_period(session, period)
    if before is None:
        return {}, False
    same_year = before.end.year == period.end.year
    if before.is_submitted and before.snapshot:
        return table_from_snapshot(before.snapshot).values(), same_year
    figures = load_figures(session, [before.id])[before.id]
    tree = tree_of(before)
    return effective_values(tree, entered_values(figures), entered_marks(figures)), same_year


def check_values(
    session: Session, period: ReportingPeriod, values: dict[str, Value]
) -> Checks:
    tree = tree_of(period)
    previous, same_year = previous_values(session, period)
    return Checks(check_entered(tree, values), check_warnings(tree, values, previous, same_year))


def unit_tables(session: Session, unit_ids: Select, start: date, end: date) -> dict[int, Table]:
    """The tables of many units for one period (a city's wards): a few grouped queries for
    all of them, whatever their number; a submitted period gives its frozen table."""
    tree = tree_for_year(end.year)
    ids = list(session.scalars(unit_ids))
    sources = load_sources(session, of_units_on(unit_ids, end), ids, start, end)
    periods = {
        p.unit_id: p
        for p in session.scalars(
            select(ReportingPeriod).where(
                ReportingPeriod.unit_id.in_(unit_ids),
                ReportingPeriod.start == start,
                ReportingPeriod.end == end,
            ).order_by(ReportingPeriod.id)
        )
    }
    open_ids = [p.id for p in periods.values() if not (p.is_submitted and p.snapshot)]
    figures = load_figures(session, open_ids)
    tables: dict[int, Table] = {}
    for unit_id in ids:
        period = periods.get(unit_id)
        if period is not None and period.id not in figures:
            tables[unit_id] = table_from_snapshot(period.snapshot)
            continue
        typed = figures.get(period.id, {}) if period is not None else {}
        notes = {key: f.note for key, f in typed.items() if f.note}
        tables[unit_id] = build_table(
            tree, sources.get(unit_id, UnitSources()), entered_values(typed), notes,
            entered_marks(typed),
        )
    return tables
