"""The table of Phụ lục 1 for one period: each row with its figure and how it was obtained.

Computed rows come from the tasks (core.status through queries.load_sources), sums and rates
from the other rows of the table (core.status.percent: one decimal, half up; a rate over
nothing is None, "không phát sinh"), entered rows from what the focal officer typed. A
submitted period's table is read back from its snapshot, never recomputed.

Each row with a figure also says how it stands (`State`): a figure; "Không phát sinh" (the
officer states nothing happened, or a rate counts nothing); "Chưa nhập" (nobody typed it); or
"Không có số liệu" (left blank on purpose, confirmed when freezing). A sum or a rate stands as
its parts do: one part not entered, and the total is not entered either.
"""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from tracker.appendix.indicators import Indicator, Tree
from tracker.appendix.models import FigureMark
from tracker.appendix.queries import DirectingDocument, UnitSources
from tracker.core.formatting import format_number, format_percent
from tracker.core.status import Tally, percent

Value = Decimal | None


class State(enum.StrEnum):
    """How a row's figure stands (a section or a heading has none: VALUE, unused)."""

    VALUE = "value"
    NOT_ARISING = "not_arising"  # Không phát sinh
    MISSING = "missing"  # Chưa nhập
    NO_DATA = "no_data"  # Không có số liệu: confirmed blank when freezing


@dataclass(slots=True)
class TableRow:
    key: str
    code: str
    bullet: str
    label: str
    unit: str
    kind: str
    value: Value = None
    numerator: Value = None  # a rate's parts
    denominator: Value = None
    computed: bool = False
    note: str = ""
    plan_ids: tuple[int, ...] = ()  # the plans behind a row computed from tasks
    count: str = ""  # which tasks of them (total, done, …)
    entered_type: str = ""
    decimals: int = 0
    state: State = State.VALUE

    @property
    def is_section(self) -> bool:
        return self.kind == "section"

    @property
    def has_value(self) -> bool:
        return self.kind not in ("section", "heading")

    @property
    def is_rate(self) -> bool:
        return self.kind == "rate"

    @property
    def not_applicable(self) -> bool:
        """Nothing happened, as stated, or a rate with nothing to count: "không phát sinh"."""
        return self.has_value and self.state is State.NOT_ARISING

    @property
    def is_figure(self) -> bool:
        """A number to print (typed, computed, or a typed row's stated zero)."""
        return self.has_value and self.state is State.VALUE and self.value is not None

    @property
    def label_with_bullet(self) -> str:
        return f"{self.bullet} {self.label}" if self.bullet else self.label

    def to_snapshot(self) -> dict[str, Any]:
        data = asdict(self)
        for name in ("value", "numerator", "denominator"):
            data[name] = None if data[name] is None else str(data[name])
        data["plan_ids"] = list(self.plan_ids)
        data["state"] = self.state.value
        return data

    @classmethod
    def from_snapshot(cls, data: dict[str, Any]) -> TableRow:
        values = dict(data)
        for name in ("value", "numerator", "denominator"):
            values[name] = None if values.get(name) is None else Decimal(values[name])
        values["plan_ids"] = tuple(values.get("plan_ids", ()))
        values["state"] = State(values["state"]) if values.get("state") else _legacy_state(values)
        return cls(**values)

    def as_json(self) -> dict[str, Any]:
        """The CLI's row: code, label, unit, value, parts (for rates), computed."""
        row = {
            "code": self.key,
            "stt": self.code,
            "label": self.label_with_bullet,
            "unit": self.unit,
            "value": json_number(self.value),
            "computed": self.computed,
        }
        if self.has_value:
            row["state"] = self.state.value
        if self.is_rate:
            row["parts"] = {
                "numerator": json_number(self.numerator),
                "denominator": json_number(self.denominator),
            }
        if self.note:
            row["note"] = self.note
        return row


def _legacy_state(row: dict[str, Any]) -> State:
    """A snapshot frozen before rows had a state: a figure is a figure, a rate over zero is
    "không phát sinh"; any other empty figure was never typed (never "không phát sinh")."""
    if row.get("value") is not None:
        return State.VALUE
    if row.get("kind") == "rate" and row.get("denominator") is not None and not row["denominator"]:
        return State.NOT_ARISING
    return State.MISSING


def json_number(value: Value) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


@dataclass(slots=True)
class Table:
    title: str
    rows: list[TableRow]
    documents: list[DirectingDocument]  # row 1.1's documents (live tables only)

    def __getitem__(self, key: str) -> TableRow:
        for row in self.rows:
            if row.key == key:
                return row
        raise KeyError(key)

    def values(self) -> dict[str, Value]:
        return {row.key: row.value for row in self.rows if row.has_value}


def _sum(values: dict[str, Value], keys: tuple[str, ...]) -> Value:
    present = [values[k] for k in keys if values.get(k) is not None]
    return sum(present, Decimal(0)) if present else None


def _combined(states: dict[str, State], keys: tuple[str, ...]) -> State:
    """How a total stands from its parts: not entered if one is, no data if one has none."""
    found = {states[k] for k in keys}
    for state in (State.MISSING, State.NO_DATA):
        if state in found:
            return state
    return State.NOT_ARISING if found == {State.NOT_ARISING} else State.VALUE


def _entered(row: Indicator, value: Value, mark: FigureMark | None) -> tuple[Value, State]:
    if value is not None:
        return value, State.VALUE
    if mark is FigureMark.NOT_ARISING:
        # Nothing happened counts as zero in the sums and rates it is part of.
        return (None if row.type == "choice" else Decimal(0)), State.NOT_ARISING
    if mark is FigureMark.NO_DATA:
        return None, State.NO_DATA
    return None, State.MISSING


def effective_values(
    tree: Tree, entered: dict[str, Value], marks: dict[str, FigureMark]
) -> dict[str, Value]:
    """The typed rows' figures as the checks read them: a row stated "không phát sinh" is 0."""
    return {
        row.key: _entered(row, entered.get(row.key), marks.get(row.key))[0]
        for row in tree.entered
    }


def compute_table(
    tree: Tree, sources: UnitSources, entered: dict[str, Value],
    marks: dict[str, FigureMark] | None = None,
) -> tuple[dict[str, Value], dict[str, State]]:
    """Every figure of the table by key, and how each stands."""
    marks = marks or {}
    values: dict[str, Value] = {}
    states: dict[str, State] = {}
    for row in tree.rows:
        if row.kind == "computed":
            if row.source == "directing_documents":
                values[row.key] = Decimal(len(sources.documents))
            else:
                found = sources.tallies.get(row.plan_row, Tally())
                values[row.key] = Decimal(getattr(found, row.count))
            states[row.key] = State.VALUE
        elif row.kind == "entered":
            values[row.key], states[row.key] = _entered(
                row, entered.get(row.key), marks.get(row.key)
            )
    for row in tree.rows:
        if row.kind == "sum":
            state = _combined(states, row.parts)
            states[row.key] = state
            known = state in (State.VALUE, State.NOT_ARISING)
            values[row.key] = _sum(values, row.parts) if known else None
    for row in tree.rows:
        if row.kind == "rate":
            state = _combined(states, (*row.numerator, *row.denominator))
            value = None
            if state in (State.VALUE, State.NOT_ARISING):
                part, whole = _sum(values, row.numerator), _sum(values, row.denominator)
                value = None if part is None or whole is None else percent(part, whole)
                state = State.NOT_ARISING if value is None else State.VALUE
            values[row.key], states[row.key] = value, state
    return values, states


def compute_values(
    tree: Tree, sources: UnitSources, entered: dict[str, Value],
    marks: dict[str, FigureMark] | None = None,
) -> dict[str, Value]:
    """Every figure of the table, by key (None: not typed, or a rate with nothing to count)."""
    return compute_table(tree, sources, entered, marks)[0]


def _plan_note(row: Indicator, sources: UnitSources) -> str:
    """The plans behind a rate of rows 1.2 to 1.4, named as the report's notes column does."""
    names = []
    for plan in sources.plans.get(row.plan_row, []):
        if plan.document_number:
            when = f" ngày {plan.document_date:%d/%m/%Y}" if plan.document_date else ""
            names.append(f"Số {plan.document_number}{when}")
    return "; ".join(names)


def build_table(
    tree: Tree, sources: UnitSources, entered: dict[str, Value], notes: dict[str, str],
    marks: dict[str, FigureMark] | None = None,
) -> Table:
    values, states = compute_table(tree, sources, entered, marks)
    rows = []
    for ind in tree.rows:
        row = TableRow(
            key=ind.key,
            code=ind.code,
            bullet=ind.bullet,
            label=ind.label,
            unit=ind.unit,
            kind=ind.kind,
            value=values.get(ind.key),
            computed=ind.is_computed,
            note=notes.get(ind.key) or ind.note,
            entered_type=ind.type,
            decimals=ind.decimals,
            state=states.get(ind.key, State.VALUE),
        )
        if ind.kind == "rate" and row.state in (State.VALUE, State.NOT_ARISING):
            row.numerator = _sum(values, ind.numerator)
            row.denominator = _sum(values, ind.denominator)
        if ind.kind == "rate":
            # The plan behind a task rate: its document in the notes, unless typed.
            parts = [tree[k] for k in (*ind.numerator, *ind.denominator)]
            plan_rows = {p.plan_row for p in parts if p.source == "tasks"}
            if len(plan_rows) == 1 and not row.note:
                row.note = _plan_note(parts[0], sources)
        if ind.source == "tasks":
            row.plan_ids = tuple(p.id for p in sources.plans.get(ind.plan_row, []))
            row.count = ind.count
        rows.append(row)
    return Table(title=tree.title, rows=rows, documents=list(sources.documents))


def table_snapshot(table: Table) -> dict[str, Any]:
    return {
        "title": table.title,
        "rows": [row.to_snapshot() for row in table.rows],
        "documents": [
            {"number": d.number, "day": d.day.isoformat(), "summary": d.summary,
             "task_id": d.task_id}
            for d in table.documents
        ],
    }


def table_figures(table: Table) -> dict[str, list]:
    """The figures of a table alone, {key: [value as text or None, state]}."""
    return {
        row.key: [None if row.value is None else str(row.value), row.state.value]
        for row in table.rows if row.has_value
    }


def table_from_snapshot(snapshot: dict[str, Any]) -> Table:
    return Table(
        title=snapshot.get("title", ""),
        rows=[TableRow.from_snapshot(d) for d in snapshot["rows"]],
        documents=[
            DirectingDocument(d["number"], date.fromisoformat(d["day"]), d["summary"],
                              d["task_id"])
            for d in snapshot.get("documents", [])
        ],
    )


def period_caption(start: date, end: date) -> str:
    return f"(Kỳ báo cáo: Từ ngày {start:%d/%m/%Y} đến {end:%d/%m/%Y})"


# The words the files print (the official form is Vietnamese whatever the interface language).
NOT_APPLICABLE = "Không phát sinh"
NOT_ENTERED = "Chưa nhập"
NO_DATA = "Không có số liệu"
STATE_WORDS = {State.NOT_ARISING: NOT_APPLICABLE, State.MISSING: NOT_ENTERED,
               State.NO_DATA: NO_DATA}


def show_number(value: Decimal) -> str:
    whole = value == value.to_integral_value()
    digits = 0 if whole else min(3, -value.normalize().as_tuple().exponent)
    return format_number(value, digits)


def display_value(row: TableRow) -> str:
    """The figure as the table prints it: "27,3 %", "12.175", "Không phát sinh", "Chưa nhập",
    "Không có số liệu", or "" (a section, a heading)."""
    if not row.has_value:
        return ""
    if row.state is not State.VALUE:
        return STATE_WORDS[row.state]
    if row.value is None:
        return ""
    if row.is_rate:
        return format_percent(row.value)
    return show_number(row.value)


def input_value(row: TableRow) -> str:
    """What a typed row's input holds: its figure, or nothing."""
    return show_number(row.value) if row.is_figure else ""
