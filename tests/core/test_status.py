from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from tracker.core.status import (
    DeadlineClass,
    deadline_class,
    done_as_of,
    done_on,
    earliest_missed,
    missed_since,
    percent,
    tally,
)


@dataclass
class T:
    deadline: date | None
    completed_on: date | None = None


D = date(2024, 3, 12)


@pytest.mark.parametrize(
    ("task", "as_of", "expected"),
    [
        (T(D, D), D, DeadlineClass.DONE_ON_TIME),  # done on the deadline day is on time
        (T(D, date(2024, 3, 13)), date(2024, 3, 13), DeadlineClass.DONE_LATE),
        (T(D), D, DeadlineClass.OPEN_ON_TIME),  # the deadline day itself is not yet overdue
        (T(D), date(2024, 3, 13), DeadlineClass.OPEN_OVERDUE),
        # done after the date asked about: not yet done then
        (T(D, date(2024, 3, 20)), date(2024, 3, 14), DeadlineClass.OPEN_OVERDUE),
        (T(None), date(2030, 1, 1), DeadlineClass.OPEN_ON_TIME),
        (T(None, date(2024, 1, 2)), D, DeadlineClass.DONE_ON_TIME),
    ],
)
def test_deadline_class(task, as_of, expected):
    assert deadline_class(task, as_of) is expected


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [
        (6, 22, Decimal("27.3")),  # the report truncated this to 27,2 %
        (6, 23, Decimal("26.1")),
        (8, 30, Decimal("26.7")),  # the report typed 20 %
        (1, 8, Decimal("12.5")),
        (1, 16, Decimal("6.3")),  # 6.25 rounds half up
        (0, 0, None),  # nothing to count is "không phát sinh", not 0 % or 100 %
        (0, 5, Decimal("0.0")),
    ],
)
def test_percent_rounds_half_up(part, whole, expected):
    assert percent(part, whole) == expected


def test_tally_rates():
    as_of = date(2024, 3, 12)
    tasks = [
        T(date(2024, 3, 1), date(2024, 2, 28)),  # done on time
        T(date(2024, 3, 1), date(2024, 3, 5)),  # done late
        T(date(2024, 3, 1)),  # overdue
        T(date(2024, 6, 30)),  # open, in time
    ]
    result = tally(tasks, as_of)
    assert (result.total, result.done, result.due, result.done_of_due) == (4, 2, 3, 2)
    assert result.completion_rate == Decimal("50.0")
    assert result.due_completion_rate == Decimal("66.7")
    assert result.on_time_rate == Decimal("50.0")
    assert tally([], as_of).completion_rate is None


@dataclass
class R:
    deadline: date | None
    completed_on: date | None = None
    occurrences: tuple = ()


def _monthly(done_through: int, late: bool = False):
    """Twelve monthly occurrences of 2024 (due on the 25th), the first `done_through` done."""
    occs = []
    for month in range(1, 13):
        due = date(2024, month, 25)
        done = None
        if month <= done_through:
            done = date(2024, month, 28) if late and month == 2 else date(2024, month, 20)
        occs.append(T(due, done))
    return R(date(2024, 12, 25), None, tuple(occs))


def test_recurring_task_is_done_only_when_every_occurrence_is():
    assert deadline_class(_monthly(3), date(2024, 3, 31)) is DeadlineClass.OPEN_ON_TIME
    assert deadline_class(_monthly(2), date(2024, 3, 31)) is DeadlineClass.OPEN_OVERDUE
    assert deadline_class(_monthly(12), date(2024, 12, 31)) is DeadlineClass.DONE_ON_TIME
    assert deadline_class(_monthly(12, late=True), date(2024, 12, 31)) is DeadlineClass.DONE_LATE
    # across the period end: still open at the report date even with all done later
    assert deadline_class(_monthly(12), date(2024, 11, 30)) is DeadlineClass.OPEN_ON_TIME


def test_recurring_task_is_due_at_its_last_occurrence():
    result = tally([_monthly(3)], date(2024, 3, 31))
    assert (result.total, result.due, result.done) == (1, 0, 0)
    result = tally([_monthly(12)], date(2025, 1, 1))
    assert (result.due, result.done_of_due) == (1, 1)


def test_earliest_missed_is_the_occurrence_late_on():
    task = _monthly(1)  # January done, February onwards open
    assert earliest_missed(task, date(2024, 2, 25)) is None  # the deadline day is not late yet
    assert earliest_missed(task, date(2024, 3, 31)) is task.occurrences[1]
    assert missed_since(task, date(2024, 3, 31)) == date(2024, 2, 25)
    assert missed_since(task, date(2024, 2, 1)) == date(2024, 12, 25)  # nothing missed: the end
    # done after the date asked about: still missed on that date
    late = T(D, date(2024, 3, 20))
    assert earliest_missed(late, date(2024, 3, 14)) is late
    assert earliest_missed(late, date(2024, 3, 20)) is None


def test_done_on_a_recurring_task_is_its_last_occurrence():
    assert done_on(_monthly(11)) is None
    assert done_on(_monthly(12)) == date(2024, 12, 20)
    assert done_as_of(_monthly(12), date(2024, 12, 19)) is None
    assert done_as_of(T(D, D), D) == D
    assert done_as_of(T(D, date(2024, 3, 20)), D) is None


_CASES = [
    *(T(D, done) for done in (None, date(2024, 3, 1), D, date(2024, 3, 13), date(2024, 4, 2))),
    T(None),
    T(None, date(2024, 1, 2)),
    *(_monthly(n, late) for n in (0, 1, 2, 6, 11, 12) for late in (False, True)),
]
_DATES = [date(2024, m, d) for m in (1, 2, 3, 4, 6, 12) for d in (1, 12, 13, 25, 26, 28)]


@pytest.mark.parametrize("task", _CASES)
def test_the_helpers_agree_with_the_deadline_class(task):
    """Every answer about one task as of one date tells the same story as `deadline_class`."""
    for as_of in [*_DATES, date(2025, 1, 1)]:
        cls = deadline_class(task, as_of)
        assert (earliest_missed(task, as_of) is not None) is (cls is DeadlineClass.OPEN_OVERDUE)
        assert (done_as_of(task, as_of) is not None) is cls.is_done
