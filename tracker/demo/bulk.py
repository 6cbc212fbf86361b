"""Bulk loading for generated benchmark data: rows as plain tuples, ids reserved up front.

On PostgreSQL the rows go in with COPY (psycopg 3's `cursor.copy()`), the fastest way in, and
ids come from the tables' own sequences in one round trip each, so children can name their
parents before anything is loaded. Elsewhere (SQLite, for tests and small runs) the same rows go
through one Core executemany per table, with ids counted on from the table's largest.

Both paths bypass the ORM, so mapper events and the audit listener see nothing: the caller
supplies what they would compute (a task's search text). COPY applies server defaults only, so
the columns' Python-side defaults (created_at, version, empty JSON histories…) are evaluated
once per load and appended to every row, converted as SQLAlchemy would bind them.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import JSON, Table, func, select, text
from sqlalchemy.orm import Session

from tracker.core.transactions import wrote


class BulkLoader:
    """Loads rows into tables within the session's transaction; never commits."""

    def __init__(self, session: Session):
        self.connection = session.connection()
        self.dialect = self.connection.dialect
        self.copy = self.dialect.name == "postgresql" and self.dialect.driver == "psycopg"
        self.seconds: dict[str, float] = defaultdict(float)  # per table, and "ids"
        self.rows: dict[str, int] = defaultdict(int)
        self._next_id: dict[str, int] = {}  # SQLite: ids handed out but maybe not yet loaded
        self._sequences: dict[str, str] = {}  # PostgreSQL: each table's id sequence

    def reserve_ids(self, table: Table, count: int) -> list[int]:
        """`count` new ids of `table`, ascending, that no other writer will be given."""
        if count <= 0:
            return []
        started = time.perf_counter()
        if self.copy:
            if table.name not in self._sequences:
                self._sequences[table.name] = self.connection.scalar(
                    text("SELECT pg_get_serial_sequence(:table, 'id')"), {"table": table.name}
                )
            # One array, not `count` rows, in one round trip.
            ids = sorted(
                self.connection.scalar(
                    text("SELECT array_agg(nextval(:sequence)) FROM generate_series(1, :count)"),
                    {"sequence": self._sequences[table.name], "count": count},
                )
            )
        else:
            # SQLite has one writer at a time, and this transaction writes: max + 1 is safe.
            start = max(
                (self.connection.scalar(select(func.max(table.c.id))) or 0) + 1,
                self._next_id.get(table.name, 1),
            )
            self._next_id[table.name] = start + count
            ids = list(range(start, start + count))
        self.seconds["ids"] += time.perf_counter() - started
        return ids

    def load(self, table: Table, columns: Sequence[str], rows: Iterable[tuple]) -> int:
        """Insert `rows` (tuples in the order of `columns`); the other columns take their
        defaults. Returns the number of rows."""
        started = time.perf_counter()
        if self.copy:
            count = self._copy(table, columns, rows)
        else:
            params = [dict(zip(columns, row, strict=True)) for row in rows]
            if params:
                self.connection.execute(table.insert(), params)
            count = len(params)
        self.seconds[table.name] += time.perf_counter() - started
        self.rows[table.name] += count
        return count

    def _copy(self, table: Table, columns: Sequence[str], rows: Iterable[tuple]) -> int:
        given = [table.c[name] for name in columns]
        defaulted = [
            c for c in table.columns
            if c.name not in columns and c.default is not None and not c.default.is_sequence
        ]  # fmt: skip
        tail = tuple(self._bind(c, _default_value(c)) for c in defaulted)
        converters = [(i, p) for i, c in enumerate(given) if (p := self._processor(c))]
        preparer = self.dialect.identifier_preparer
        names = ", ".join(preparer.quote(c.name) for c in (*given, *defaulted))
        statement = f"COPY {preparer.format_table(table)} ({names}) FROM STDIN"
        count = 0
        wrote(self.connection)  # a rollback must undo what COPY wrote (core.transactions)
        raw = self.connection.connection.driver_connection
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                if converters:
                    values = list(row)
                    for i, process in converters:
                        if values[i] is not None:
                            values[i] = process(values[i])
                    row = tuple(values)
                copy.write_row(row + tail)
                count += 1
        return count

    def _processor(self, column):
        return column.type.dialect_impl(self.dialect).bind_processor(self.dialect)

    def _bind(self, column, value: Any) -> Any:
        if isinstance(column.type, JSON) and value is not None:
            # As text, once: a JSON wrapper would be serialised again for every row.
            return (getattr(self.dialect, "_json_serializer", None) or json.dumps)(value)
        process = self._processor(column)
        return process(value) if process is not None and value is not None else value


def _default_value(column) -> Any:
    default = column.default
    if default.is_scalar:
        return default.arg
    if default.is_callable:
        return default.arg(None)  # SQLAlchemy wraps argument-less callables to take a context
    raise TypeError(f"{column}: a SQL expression default cannot be copied")
