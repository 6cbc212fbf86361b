"""The rule of core/status.py as SQL sums, for the tasks it reads from three dates alone.

A task whose deadline never moved, whose completion was never reopened and which does not
recur is judged by its deadline, its confirmed completion date and the days it was in its
plan: for such rows `deadline_class`, `is_due` and `in_plan_on` reduce to the comparisons
below, summed per group in the database (pages over thousands of communes). Every other task
goes through `status.tally` itself. tests/core/test_status_sql.py checks, over random rows on
both databases, that these sums equal `tally` of the same rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Text, and_, case, cast, func, literal, not_, or_, true
from sqlalchemy.sql import ColumnElement

from tracker.core.status import Tally

# A JSON history column holding nothing ([] as written by the ORM, or null).
_EMPTY_JSON = ("[]", "null")


def _json_empty(column) -> ColumnElement[bool]:
    return or_(column.is_(None), cast(column, Text).in_(_EMPTY_JSON))


@dataclass(frozen=True)
class RuleColumns:
    """The task columns the rule reads (Task.deadline, Task.completed_on, …)."""

    deadline: ColumnElement
    completed_on: ColumnElement
    entered_on: ColumnElement
    withdrawn_on: ColumnElement
    cadence_every: ColumnElement
    deadline_history: ColumnElement
    completion_history: ColumnElement


def plain(c: RuleColumns) -> ColumnElement[bool]:
    """The rows these sums judge: no recurrence, no moved deadline, no reopened completion."""
    return and_(
        c.cadence_every.is_(None),
        _json_empty(c.deadline_history),
        _json_empty(c.completion_history),
    )


TALLY_FIELDS = (
    "total", "done_on_time", "done_late", "open_on_time", "open_overdue", "due", "done_of_due",
)  # fmt: skip


def tally_sums(
    c: RuleColumns,
    as_of: date,
    prefix: str = "",
    *,
    plain_apart: bool = False,
    fields: tuple[str, ...] = TALLY_FIELDS,
) -> list[ColumnElement]:
    """One labelled SUM per field of `Tally` (or of `fields` only), over the plain rows in
    their plan on `as_of`.

    `plain_apart`: the caller groups the rows by `plain(c)` (or keeps only plain ones) and
    reads these sums of the plain group only; the sums then skip that test, which, repeated
    in each of them, cost most of the query (the histories cast to text, row by row)."""
    day = literal(as_of)
    in_plan = and_(
        true() if plain_apart else plain(c),
        or_(c.entered_on.is_(None), c.entered_on <= day),
        or_(c.withdrawn_on.is_(None), c.withdrawn_on > day),
    )
    done = and_(c.completed_on.is_not(None), c.completed_on <= day)
    on_time = or_(c.deadline.is_(None), c.completed_on <= c.deadline)
    due = and_(c.deadline.is_not(None), c.deadline <= day)
    conditions = {
        "total": in_plan,
        "done_on_time": and_(in_plan, done, on_time),
        "done_late": and_(in_plan, done, not_(on_time)),
        "open_on_time": and_(in_plan, not_(done), or_(c.deadline.is_(None), c.deadline >= day)),
        "open_overdue": and_(in_plan, not_(done), c.deadline.is_not(None), c.deadline < day),
        "due": and_(in_plan, due),
        "done_of_due": and_(in_plan, due, done),
    }
    return [
        func.coalesce(func.sum(case((condition, 1), else_=0)), 0).label(prefix + name)
        for name, condition in conditions.items()
        if name in fields
    ]


def tally_from(row, prefix: str = "") -> Tally:
    """The `Tally` of a result row carrying the sums of `tally_sums`."""
    return Tally(**{name: int(getattr(row, prefix + name) or 0) for name in TALLY_FIELDS})
