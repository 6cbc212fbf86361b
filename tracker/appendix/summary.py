"""The province's Phụ lục 1 for a period: the summary of its communes' frozen tables.

Every count is the sum of the communes' figures; every rate is computed again from the summed
parts (core.status.percent through the tree's numerator and denominator), never an average of
the communes' rates. Only frozen tables count (a table still being typed is no report); the
communes without one are listed as missing. A row some frozen communes left without a figure
is summed over the others and says how many lacked it; a choice row (Có/Không) counts the
communes per answer. It reads each frozen table's figures (`ReportingPeriod.figures`, a few KB),
not its whole snapshot.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.appendix.indicators import Tree
from tracker.appendix.models import ProvincePeriod, ReportingPeriod
from tracker.appendix.province import CommuneReport, commune_reports
from tracker.appendix.service import tree_of
from tracker.appendix.table import (
    State,
    Table,
    TableRow,
    show_number,
    table_figures,
    table_from_snapshot,
)
from tracker.core.status import percent

# A figure that counts in a sum: a value, or a stated "không phát sinh" (zero).
_COUNTED = (State.VALUE.value, State.NOT_ARISING.value)


@dataclass
class Summary:
    table: Table
    frozen: list[CommuneReport]
    missing: list[CommuneReport]


def _choice_note(answers: Counter) -> str:
    return "; ".join(f"{show_number(value)}: {n} xã" for value, n in sorted(answers.items()))


def sum_figures(tree: Tree, tables: list[dict[str, list]]) -> Table:
    """One table from the figures of many tables of the same tree ({key: [value, state]}):
    counts summed, rates from the summed parts."""
    figures: dict[str, Decimal | None] = {}
    lacking: Counter = Counter()
    answers: dict[str, Counter] = {}
    for ind in tree.rows:
        if not ind.has_value or ind.kind == "rate":
            continue
        total, seen = Decimal(0), False
        for table in tables:
            value, state = table.get(ind.key) or (None, None)
            if state not in _COUNTED or (value is None and state == State.VALUE.value):
                lacking[ind.key] += 1
                continue
            if ind.type == "choice":
                if value is not None:
                    answers.setdefault(ind.key, Counter())[Decimal(value)] += 1
                continue
            if value is not None:
                total += Decimal(value)
            seen = True
        figures[ind.key] = total if seen else None
    rows = []
    for ind in tree.rows:
        row = TableRow(key=ind.key, code=ind.code, bullet=ind.bullet, label=ind.label,
                       unit=ind.unit, kind=ind.kind, computed=True, note=ind.note,
                       decimals=ind.decimals)
        if ind.kind == "rate":
            parts = [figures.get(k) for k in ind.numerator]
            wholes = [figures.get(k) for k in ind.denominator]
            if tables and all(v is not None for v in (*parts, *wholes)):
                row.numerator, row.denominator = sum(parts, Decimal(0)), sum(wholes, Decimal(0))
                row.value = percent(row.numerator, row.denominator)
                row.state = State.VALUE if row.value is not None else State.NOT_ARISING
            else:
                row.state = State.NO_DATA
        elif ind.type == "choice":
            row.note = _choice_note(answers.get(ind.key, Counter()))
        elif ind.has_value:
            row.value = figures.get(ind.key)
            row.state = State.VALUE if row.value is not None else State.NO_DATA
            if row.value is not None and lacking[ind.key]:
                row.note = f"Thiếu số liệu của {lacking[ind.key]} xã"
        rows.append(row)
    return Table(title=tree.title, rows=rows, documents=[])


def province_summary(session: Session, province_period: ProvincePeriod) -> Summary:
    """The summary of the communes' frozen tables of the period, with who is missing."""
    reports = commune_reports(session, province_period)
    frozen = [r for r in reports if r.frozen]
    missing = [r for r in reports if not r.frozen]
    tables = {r.period.id: r.period.figures for r in frozen if r.period.figures is not None}
    legacy = [r.period.id for r in frozen if r.period.figures is None]
    if legacy:  # frozen before tables kept their figures apart: read from their snapshot
        for period_id, snapshot in session.execute(
            select(ReportingPeriod.id, ReportingPeriod.snapshot).where(
                ReportingPeriod.id.in_(legacy))
        ):
            if snapshot:
                tables[period_id] = table_figures(table_from_snapshot(snapshot))
    frozen = [r for r in frozen if r.period.id in tables]
    missing = sorted([*missing, *(r for r in reports if r.frozen and r.period.id not in tables)],
                     key=reports.index)
    return Summary(sum_figures(tree_of(province_period), list(tables.values())), frozen,
                   missing)
