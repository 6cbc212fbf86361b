"""The province's Phụ lục 1 for a period: the summary of its communes' frozen tables.

Every count is the sum of the communes' figures; every rate is computed again from the summed
parts (core.status.percent through the tree's numerator and denominator), never an average of
the communes' rates. Only frozen tables count (a table still being typed is no report); the
communes without one are listed as missing. A row some frozen communes left without a figure
is summed over the others and says how many lacked it; a choice row (Có/Không) counts the
communes per answer.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.orm import Session

from tracker.appendix.indicators import Tree
from tracker.appendix.models import ProvincePeriod
from tracker.appendix.province import CommuneReport, commune_reports
from tracker.appendix.service import tree_of
from tracker.appendix.table import State, Table, TableRow, show_number, table_from_snapshot
from tracker.core.status import percent


@dataclass
class Summary:
    table: Table
    frozen: list[CommuneReport]
    missing: list[CommuneReport]


def _choice_note(answers: Counter) -> str:
    return "; ".join(f"{show_number(value)}: {n} xã" for value, n in sorted(answers.items()))


def sum_tables(tree: Tree, tables: list[Table]) -> Table:
    """One table from many of the same tree: counts summed, rates from the summed parts."""
    figures: dict[str, Decimal | None] = {}
    lacking: Counter = Counter()
    answers: dict[str, Counter] = {}
    by_key = [{row.key: row for row in table.rows} for table in tables]
    for ind in tree.rows:
        if not ind.has_value or ind.kind == "rate":
            continue
        total, seen = Decimal(0), False
        for rows in by_key:
            row = rows.get(ind.key)
            if row is None or not (row.is_figure or row.state is State.NOT_ARISING):
                lacking[ind.key] += 1
                continue
            if ind.type == "choice":
                if row.value is not None:
                    answers.setdefault(ind.key, Counter())[row.value] += 1
                continue
            total += row.value or 0
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
            row.state = State.VALUE
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
    frozen = [r for r in reports if r.frozen and r.period.snapshot]
    missing = [r for r in reports if not (r.frozen and r.period.snapshot)]
    tables = [table_from_snapshot(r.period.snapshot) for r in frozen]
    return Summary(sum_tables(tree_of(province_period), tables), frozen, missing)
