"""The one rule for where a task stands as of a date, and the rates built on it.

Pages, exports, the API, reminders and reports all ask these functions; none recomputes them.
A task counts as done only from its confirmed completion date (`completed_on`).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol


class DeadlineClass(enum.StrEnum):
    """The Government Office's four classes (appendix row 1.6)."""

    DONE_ON_TIME = "done_on_time"  # đã hoàn thành đúng hạn
    DONE_LATE = "done_late"  # đã hoàn thành quá hạn
    OPEN_ON_TIME = "open_on_time"  # chưa hoàn thành, trong hạn
    OPEN_OVERDUE = "open_overdue"  # chưa hoàn thành, quá hạn

    @property
    def is_done(self) -> bool:
        return self in (DeadlineClass.DONE_ON_TIME, DeadlineClass.DONE_LATE)


class TaskState(enum.StrEnum):
    """Where a task is in its workflow (the deadline class is derived, see `deadline_class`).
    Kept here, beside the deadline classes, so that "returned" and "waiting for confirmation"
    have one definition for every page, list and notice (tasks.models stores it)."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    PENDING_CONFIRMATION = "pending_confirmation"
    DONE = "done"
    RETURNED = "returned"  # a leader sent the completion back: the lead must submit again

    @property
    def is_open(self) -> bool:
        """The lead still works on it: not waiting for confirmation, not done."""
        return self in OPEN_STATES


# The open states: progress, completion, prompts and deadline reminders apply to these only.
OPEN_STATES = frozenset({TaskState.NOT_STARTED, TaskState.IN_PROGRESS, TaskState.RETURNED})


def is_returned(item: object) -> bool:
    """The item's completion was returned and waits for its lead to submit it again."""
    return getattr(item, "state", None) is TaskState.RETURNED


def awaits_confirmation(item: object) -> bool:
    return getattr(item, "state", None) is TaskState.PENDING_CONFIRMATION


class HasDeadline(Protocol):
    deadline: date | None
    completed_on: date | None


def in_plan_on(item: object, day: date) -> bool:
    """Whether the task was in its plan on `day`: entered by then (ngày giao) and not yet
    withdrawn. Figures of a date count only such tasks."""
    entered = getattr(item, "entered_on", None)
    withdrawn = getattr(item, "withdrawn_on", None)
    return (entered is None or entered <= day) and (withdrawn is None or day < withdrawn)


def _day(value: date | str | None) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value


def deadline_on(item: HasDeadline, day: date) -> date | None:
    """The deadline the rule judges the item by on `day`: the one in force that day.

    A task whose deadline moved carries `deadline_history`, pairs (from_day, deadline) with
    the original deadline first (from None); a move that does not count (made after the
    deadline had passed, see tasks.deadlines) is not among them, so it changes nothing here.
    """
    history = getattr(item, "deadline_history", None)
    if not history:
        return item.deadline
    deadline = None
    for start, value in history:
        start = _day(start)
        if start is not None and start > day:
            break
        deadline = _day(value)
    return deadline


def lead_on(item: object, day: date) -> int | None:
    """Who led the task on `day` (`lead_history`: [from_day, officer_id] pairs, the first from
    None); its lead now when it never changed."""
    history = getattr(item, "lead_history", None)
    if not history:
        return getattr(item, "lead_officer_id", None)
    lead = None
    for start, officer_id in history:
        start = _day(start)
        if start is not None and start > day:
            break
        lead = officer_id
    return lead


def parse_deadline_history(raw: list | None) -> tuple[tuple[date | None, date | None], ...]:
    """`Task.deadline_history` as stored (ISO text) to dates."""
    return tuple((_day(start), _day(value)) for start, value in raw or ())


def completed_as_of(item: HasDeadline, day: date) -> date | None:
    """The evidence date the item counted as done from, as it stood at the end of `day`: its
    confirmed completion if dated by then, or an earlier completion not yet undone by a
    reopening then (`completion_history`: [completed_on, confirmed_on, reopened_on])."""
    # Before a reopening, the completion that stood then (even if a later one is dated earlier).
    for completed, _confirmed, reopened in getattr(item, "completion_history", None) or ():
        start, end = _day(completed), _day(reopened)
        if start is not None and start <= day and (end is None or day < end):
            return start
    done = item.completed_on
    return done if done is not None and done <= day else None


def done_by(item: HasDeadline, as_of: date) -> bool:
    """Done by the end of `as_of` (a task or one occurrence): confirmed, and dated by then."""
    return completed_as_of(item, as_of) is not None


def _recurring_class(occurrences: Sequence[HasDeadline], as_of: date) -> DeadlineClass:
    # Done for the plan when every occurrence is done; on time when each was on time;
    # overdue as soon as one occurrence is past its deadline and not done.
    if all(done_by(o, as_of) for o in occurrences):
        if all(o.deadline is None or o.completed_on <= o.deadline for o in occurrences):
            return DeadlineClass.DONE_ON_TIME
        return DeadlineClass.DONE_LATE
    if any(
        o.deadline is not None and o.deadline < as_of and not done_by(o, as_of) for o in occurrences
    ):
        return DeadlineClass.OPEN_OVERDUE
    return DeadlineClass.OPEN_ON_TIME


def _occurrences(task: HasDeadline) -> Sequence[HasDeadline] | None:
    # A task that says it does not recur is not asked for its occurrences (no lazy load).
    if not getattr(task, "is_recurring", True):
        return None
    return getattr(task, "occurrences", None)


def deadline_class(task: HasDeadline, as_of: date) -> DeadlineClass:
    """Class of a task as of the end of `as_of`.

    Done on the deadline day is on time; a task is overdue from the day after its deadline.
    A completion dated after `as_of` had not happened yet on that date. A recurring task
    (one with `occurrences`) is classed by its occurrences.
    """
    occurrences = _occurrences(task)
    if occurrences:
        return _recurring_class(occurrences, as_of)
    done_on = completed_as_of(task, as_of)
    deadline = deadline_on(task, as_of)
    if done_on is not None:
        if deadline is None or done_on <= deadline:
            return DeadlineClass.DONE_ON_TIME
        return DeadlineClass.DONE_LATE
    if deadline is not None and deadline < as_of:
        return DeadlineClass.OPEN_OVERDUE
    return DeadlineClass.OPEN_ON_TIME


def final_deadline(task: HasDeadline, as_of: date | None = None) -> date | None:
    """The deadline by which the whole task is due (a recurring task's last occurrence); with
    `as_of`, the one in force on that date."""
    occurrences = _occurrences(task)
    if occurrences:
        deadlines = [o.deadline for o in occurrences if o.deadline is not None]
        return max(deadlines) if deadlines else None
    return task.deadline if as_of is None else deadline_on(task, as_of)


def done_on(task: HasDeadline) -> date | None:
    """The first date from which the task counts as done (None: not done).

    A recurring task is done when its last occurrence is; `deadline_class` agrees.
    """
    occurrences = _occurrences(task)
    if occurrences:
        dates = [o.completed_on for o in occurrences]
        if any(d is None for d in dates):
            return None
        return max(dates)  # type: ignore[type-var]
    return task.completed_on


def done_as_of(task: HasDeadline, as_of: date) -> date | None:
    """The task's completion date as it stood on `as_of`: a completion dated later had not
    happened yet on that date, one reopened later still stood."""
    if _occurrences(task):
        day = done_on(task)
        return day if day is not None and day <= as_of else None
    return completed_as_of(task, as_of)


def earliest_missed(task: HasDeadline, as_of: date) -> HasDeadline | None:
    """What the task is late on as of the end of `as_of`: its earliest occurrence past its
    deadline and not done by then (a recurring task), or the task itself; None if nothing is."""
    occurrences = _occurrences(task)
    missed = [
        (deadline, item)
        for item in (occurrences or (task,))
        if (deadline := deadline_on(item, as_of)) is not None
        and deadline < as_of
        and not done_by(item, as_of)
    ]
    return min(missed, key=lambda pair: pair[0], default=(None, None))[1]


def missed_since(task: HasDeadline, as_of: date) -> date | None:
    """The earliest deadline the task has missed as of the date (its final deadline if none)."""
    late = earliest_missed(task, as_of)
    if late is not None:
        return deadline_on(late, as_of)
    return final_deadline(task, as_of)


def is_due(task: HasDeadline, as_of: date) -> bool:
    deadline = final_deadline(task, as_of)
    return deadline is not None and deadline <= as_of


def confirmed_late(tasks: Iterable[object], as_of: date) -> list[object]:
    """Tasks counted done as of `as_of` whose completion was confirmed only after that date:
    the one way a past figure changes later (a completion counts from its evidence date)."""
    return [task for task in tasks if in_plan_on(task, as_of) and _confirmed_after(task, as_of)]


def _confirmed_after(task: object, as_of: date) -> bool:
    completed = done_as_of(task, as_of)  # type: ignore[arg-type]
    if completed is None:
        return False
    if completed == getattr(task, "completed_on", None):
        confirmed = getattr(task, "confirmed_on", None)
        return confirmed is not None and confirmed > as_of
    return any(  # the completion a later reopening undid, confirmed after the date
        _day(c) == completed and _day(r) > as_of and _day(k) is not None and _day(k) > as_of
        for c, k, r in getattr(task, "completion_history", None) or ()
    )


@dataclass(frozen=True, slots=True)
class Occurrence:
    deadline: date | None
    completed_on: date | None


@dataclass(frozen=True, slots=True)
class StatusRow:
    """The few columns the rule needs, for counting many tasks without loading them whole."""

    task_id: int
    plan_id: int
    group_id: int | None
    lead_officer_id: int | None
    deadline: date | None
    completed_on: date | None
    occurrences: tuple[Occurrence, ...] = ()
    entered_on: date | None = None
    withdrawn_on: date | None = None
    confirmed_on: date | None = None
    deadline_history: tuple[tuple[date | None, date | None], ...] = ()
    completion_history: tuple = ()
    lead_history: tuple = ()


def percent(part: int, whole: int) -> Decimal | None:
    """part/whole in percent, one decimal, half up; None when there is nothing to count.

    A rate over zero items is "không phát sinh", never 0 % or 100 %.
    """
    if whole == 0:
        return None
    value = Decimal(part) * 100 / Decimal(whole)
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class Tally:
    """Counts of a set of tasks as of a date, and the three rates."""

    total: int = 0
    done_on_time: int = 0
    done_late: int = 0
    open_on_time: int = 0
    open_overdue: int = 0
    due: int = 0
    done_of_due: int = 0

    def __add__(self, other: Tally) -> Tally:
        """The counts of two disjoint sets of tasks together (the rates follow from them)."""
        return Tally(
            *(getattr(self, name) + getattr(other, name) for name in self.__dataclass_fields__)
        )

    @property
    def done(self) -> int:
        return self.done_on_time + self.done_late

    @property
    def open(self) -> int:
        return self.open_on_time + self.open_overdue

    @property
    def completion_rate(self) -> Decimal | None:
        """Done of all tasks, cumulative: the report appendix's rate."""
        return percent(self.done, self.total)

    @property
    def due_completion_rate(self) -> Decimal | None:
        """Done of the tasks already due: the Government Office's headline rate."""
        return percent(self.done_of_due, self.due)

    @property
    def on_time_rate(self) -> Decimal | None:
        """The on-time share of what is done."""
        return percent(self.done_on_time, self.done)


def tally(tasks: Iterable[HasDeadline], as_of: date) -> Tally:
    """The counts as of the end of `as_of`, of the tasks in their plan on that date."""
    counter = TallyCounter()
    for task in tasks:
        counter.add(classify(task, as_of))
    return counter.tally()


def classify(task: HasDeadline, as_of: date) -> tuple[DeadlineClass, bool] | None:
    """What `tally` counts a task as on `as_of`: its class and whether it is due; None when it
    is not in its plan that day. Classed once, a task can be added to several counters."""
    if not in_plan_on(task, as_of):
        return None
    return deadline_class(task, as_of), is_due(task, as_of)


class TallyCounter:
    """A `Tally` being counted: `add` each task's `classify`, then `tally()`."""

    __slots__ = ("counts", "done_of_due", "due")

    def __init__(self) -> None:
        self.counts = dict.fromkeys(DeadlineClass, 0)
        self.due = self.done_of_due = 0

    def add(self, classified: tuple[DeadlineClass, bool] | None) -> None:
        if classified is None:
            return
        cls, due = classified
        self.counts[cls] += 1
        if due:
            self.due += 1
            self.done_of_due += cls.is_done

    def tally(self) -> Tally:
        counts = self.counts
        return Tally(
            total=sum(counts.values()),
            done_on_time=counts[DeadlineClass.DONE_ON_TIME],
            done_late=counts[DeadlineClass.DONE_LATE],
            open_on_time=counts[DeadlineClass.OPEN_ON_TIME],
            open_overdue=counts[DeadlineClass.OPEN_OVERDUE],
            due=self.due,
            done_of_due=self.done_of_due,
        )
