"""What the table is computed from, loaded set-wise for one unit or for many at once.

A few grouped queries whatever the number of units: the plans that feed an appendix row, their
tasks as status rows (with the occurrences of the recurring ones), the evidence documents dated
in the period, the typed figures. The status rule (core.status) then counts in Python.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    and_,
    bindparam,
    or_,
    select,
    true,
    union,
)
from sqlalchemy.orm import Session, aliased, contains_eager, joinedload

from tracker.appendix.models import EnteredFigure, FigureMark, ReportDraft, ReportingPeriod
from tracker.core.audit import AuditEvent
from tracker.core.status import StatusRow, Tally, tally
from tracker.core.versions import DataVersion, versions_where_statement
from tracker.documents.queries import directing_documents_by_unit
from tracker.people.history import HistoryEntry, readable_history
from tracker.people.models import Officer, Unit
from tracker.plans.models import Plan
from tracker.plans.queries import of_units_on, unit_on
from tracker.tasks.queries import status_rows


@dataclass(frozen=True, slots=True)
class PlanRef:
    id: int
    unit_id: int
    appendix_row: str
    title: str
    document_number: str
    document_date: date | None


@dataclass(frozen=True, slots=True)
class DirectingDocument:
    number: str
    day: date
    summary: str
    task_id: int | None  # tables frozen before the register: the task it was evidence of
    document_id: int | None = None  # the register's entry


@dataclass(slots=True)
class UnitSources:
    """Everything the computed rows of one unit need."""

    tallies: dict[str, Tally] = field(default_factory=dict)  # appendix row -> tally
    plans: dict[str, list[PlanRef]] = field(default_factory=dict)  # appendix row -> plans
    documents: list[DirectingDocument] = field(default_factory=list)


def _plan_conditions(units: ColumnElement[bool], as_of: date) -> tuple:
    # Plans of the reporting year: the PAPI plan of 2023-2024 counts in 2024, an annual plan
    # of 2023 does not count in a period that merely starts in December 2023.
    return (
        units,
        Plan.appendix_row.is_not(None),
        Plan.start_year <= as_of.year,
        Plan.end_year >= as_of.year,
    )


def load_sources(
    session: Session, units: ColumnElement[bool], unit_ids: list[int], start: date, end: date
) -> dict[int, UnitSources]:
    """Sources per unit id; `units` is a condition on the plans (`plans.queries.of_units_on`:
    one unit, or a city's), each plan counted in the unit it belonged to at the period end;
    `unit_ids` the same units, whose registers row 1.1 reads.

    Row 1.1's directing documents: the entries of the units' registers (sổ văn bản đi) issued
    in the period that direct reform work (documents.queries.directing_documents).
    """
    conditions = _plan_conditions(units, end)
    found: dict[int, UnitSources] = defaultdict(UnitSources)
    plans: dict[int, PlanRef] = {}
    unit_at_end = unit_on(end)
    for row in session.execute(
        select(
            Plan.id, unit_at_end, Plan.appendix_row, Plan.title, Plan.document_number,
            Plan.document_date,
        )
        .where(Plan.archived_at.is_(None), *conditions)
        .order_by(Plan.id)
    ):
        plan = PlanRef(*row)
        plans[plan.id] = plan
        found[plan.unit_id].plans.setdefault(plan.appendix_row, []).append(plan)
    grouped: dict[tuple[int, str], list[StatusRow]] = defaultdict(list)
    if plans:
        for status in status_rows(session, *conditions):
            plan = plans[status.plan_id]
            grouped[(plan.unit_id, plan.appendix_row)].append(status)
    for (unit_id, row), rows in grouped.items():
        found[unit_id].tallies[row] = tally(rows, end)
    # Row 1.1: the register's directing documents of the period (documents.rules decides).
    for unit_id, entries in directing_documents_by_unit(session, unit_ids, start, end).items():
        found[unit_id].documents.extend(
            DirectingDocument(e.number, e.issued_on, e.subject, None, e.id) for e in entries
        )
    return found


def load_figures(
    session: Session, period_ids: list[int]
) -> dict[int, dict[str, EnteredFigure]]:
    figures: dict[int, dict[str, EnteredFigure]] = {pid: {} for pid in period_ids}
    if period_ids:
        for figure in session.scalars(
            select(EnteredFigure).where(EnteredFigure.period_id.in_(period_ids))
        ):
            figures[figure.period_id][figure.key] = figure
    return figures


def entered_values(figures: dict[str, EnteredFigure]) -> dict[str, Decimal | None]:
    return {key: f.value for key, f in figures.items()}


def entered_marks(figures: dict[str, EnteredFigure]) -> dict[str, FigureMark]:
    return {key: f.mark for key, f in figures.items() if f.mark is not FigureMark.TYPED}


# Audited columns of a period that hold an officer id, shown by name in its history.
PERIOD_OFFICER_FIELDS = ("submitted_by_id", "reopened_by_id")


def _history_of(period_id) -> ColumnElement[bool]:
    """The audit events of a period and of its typed figures."""
    figures = select(EnteredFigure.id).where(EnteredFigure.period_id == period_id)
    return or_(
        and_(AuditEvent.entity_type == "reporting_periods", AuditEvent.entity_id == period_id),
        and_(AuditEvent.entity_type == "appendix_figures", AuditEvent.entity_id.in_(figures)),
    )


def period_history(session: Session, period: ReportingPeriod) -> list[HistoryEntry]:
    """Who created, typed, submitted and reopened the period's table, and when, newest first."""
    return readable_history(session, _history_of(period.id), PERIOD_OFFICER_FIELDS)


def named_officers(period: ReportingPeriod, history: list[HistoryEntry]) -> set[int]:
    """The officers a period's page names: its submitter and reopener, and its history's."""
    named = {i for i in (period.submitted_by_id, period.reopened_by_id) if i is not None}
    for entry in history:
        if entry.event.actor_id is not None:
            named.add(entry.event.actor_id)
        for name in PERIOD_OFFICER_FIELDS:
            named.update(v for v in entry.event.changes.get(name, ()) if isinstance(v, int))
    return named


def covered_officers(period: ReportingPeriod, history: list[HistoryEntry]) -> set[int]:
    """The officers of `page_officers` as the page read them (`named_officers` within them:
    the page may be kept)."""
    covered = {i for i in (period.submitted_by_id, period.reopened_by_id) if i is not None}
    return covered | {e.event.actor_id for e in history if e.event.actor_id is not None}


def page_officers(period_id) -> Select:
    """The officers whose units' versions `period_head` reads: the period's submitter and
    reopener, and the actors of its history."""
    return union(
        select(AuditEvent.actor_id).where(_history_of(period_id), AuditEvent.actor_id.is_not(None)),
        select(ReportingPeriod.submitted_by_id).where(ReportingPeriod.id == period_id),
        select(ReportingPeriod.reopened_by_id).where(ReportingPeriod.id == period_id),
    )


def unit_periods(session: Session, unit_id: int) -> list[ReportingPeriod]:
    return list(
        session.scalars(
            select(ReportingPeriod)
            .where(ReportingPeriod.unit_id == unit_id)
            .order_by(ReportingPeriod.end.desc(), ReportingPeriod.id)
        )
    )


def previous_period(session: Session, period: ReportingPeriod) -> ReportingPeriod | None:
    """The unit's latest period that ended before this one starts."""
    return session.scalar(
        select(ReportingPeriod)
        .where(ReportingPeriod.unit_id == period.unit_id, ReportingPeriod.end < period.start)
        .order_by(ReportingPeriod.end.desc(), ReportingPeriod.id.desc())
        .limit(1)
    )


def child_unit_periods(session: Session, unit_id: int) -> list[ReportingPeriod]:
    """The periods of the units directly under this one (a city's wards), for its inspector."""
    return list(
        session.scalars(
            select(ReportingPeriod)
            .join(Unit, Unit.id == ReportingPeriod.unit_id)
            .where(Unit.parent_id == unit_id)
            .options(contains_eager(ReportingPeriod.unit))
            .order_by(ReportingPeriod.end.desc(), Unit.name, ReportingPeriod.id)
        )
    )


class PeriodHead(NamedTuple):
    """A period's page before its data: the period with its unit, and the data versions of
    the units the page reads (`period_head`)."""

    period: ReportingPeriod
    versions: tuple[int, tuple[int, int]]


@functools.cache
def _period_head() -> Select:
    # Built once: of_units_on's statement costs more to build than to run. The page's units
    # are found from the period's id alone (its unit and end read by subqueries), so the
    # period and every version come in one statement, from one snapshot.
    period_id = bindparam("period_id", type_=Integer)
    page = aliased(ReportingPeriod, name="page_period")
    unit_id = select(page.unit_id).where(page.id == period_id).scalar_subquery()
    day = select(page.end).where(page.id == period_id).scalar_subquery()
    holders = select(Plan.unit_id).where(of_units_on([unit_id], day))
    officers = select(Officer.unit_id).where(Officer.id.in_(page_officers(period_id)))
    units = versions_where_statement(union(holders, select(unit_id), officers))
    count, total = units.select.subquery("page_versions").c
    return (
        select(ReportingPeriod, DataVersion.version, count, total)
        .outerjoin(DataVersion, DataVersion.unit_id == ReportingPeriod.unit_id)
        .join(count.table, true())
        .where(ReportingPeriod.id == period_id)
        .options(joinedload(ReportingPeriod.unit))
        .execution_options(populate_existing=True)  # the unit may be loaded already, older
    )


def period_head(session: Session, period_id: int) -> PeriodHead | None:
    """A period with its unit and, read in the same statement (before the data they stand
    for), the data versions of the units its page reads: its unit's (core.versions), then
    those of its unit; the units holding now the plans its table as of the period's end reads
    (`load_sources`: a plan merged away since counts in the unit it belonged to, and its
    tasks' changes renew the unit holding it now); the units of the officers it names
    (`page_officers`: their names change with their units' versions), as a count and a sum
    (core.versions.versions_where). None when there is no such period."""
    row = session.execute(_period_head(), {"period_id": period_id}).first()
    if row is None:
        return None
    period, version, count, total = row
    return PeriodHead(period, (version or 0, (int(count), int(total))))


def report_draft_of(session: Session, period_id: int) -> ReportDraft | None:
    """The report's details and texts set on a period, if any."""
    return session.scalar(select(ReportDraft).where(ReportDraft.period_id == period_id))
