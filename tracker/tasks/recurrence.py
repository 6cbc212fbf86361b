"""Recurring tasks: a cadence (every N months or weeks, fixed or flexible) laid out as
occurrences, each falling due on the last working day of its period."""

from __future__ import annotations

import calendar as month_calendar
from datetime import date, timedelta

from tracker.core.text import fold
from tracker.core.workdays import WorkCalendar
from tracker.plans.models import Plan
from tracker.tasks.models import CadenceMode, CadenceUnit, Task, TaskOccurrence, TaskState


def last_working_day(calendar: WorkCalendar, day: date) -> date:
    # A period that ends on a day off falls due on its last working day.
    while not calendar.is_working_day(day):
        day -= timedelta(days=1)
    return day


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, month_calendar.monthrange(year, month)[1]))


def plan_period_end(plan: Plan) -> date:
    return date(plan.end_year, 12, 31)


def _occurrence_label(start: date, every: int, unit: CadenceUnit, sequence: int) -> str:
    # Stored with the occurrence: Vietnamese by design for now (not translated).
    if unit is CadenceUnit.MONTH and every == 1 and start.day == 1:
        return f"Tháng {start.month}/{start.year}"
    if unit is CadenceUnit.MONTH and every == 3 and start.day == 1 and start.month % 3 == 1:
        return f"Quý {(start.month - 1) // 3 + 1}/{start.year}"
    return f"Kỳ {sequence}"


def _next_period(start: date, every: int, unit: CadenceUnit) -> date:
    if unit is CadenceUnit.MONTH:
        return add_months(start, every)
    return start + timedelta(weeks=every)


def build_occurrences(task: Task, plan: Plan, calendar: WorkCalendar) -> None:
    """Lay out a recurring task's periods up to the plan's end; each falls due on its last
    working day. A flexible cadence opens only the first; the next opens on confirmation.
    Done periods stay as they were; open ones are updated in place, by sequence."""
    every, unit = task.cadence_every, task.cadence_unit
    end = plan_period_end(plan)
    kept = [o for o in task.occurrences if o.state is TaskState.DONE]
    reusable = {o.sequence: o for o in task.occurrences if o.state is not TaskState.DONE}
    period_start = task.start_date or date(plan.start_year, 1, 1)
    for _done in kept:
        period_start = _next_period(period_start, every, unit)
    laid_out = list(kept)
    sequence = max((o.sequence for o in kept), default=0)
    while period_start <= end:
        period_end = _next_period(period_start, every, unit)
        sequence += 1
        occurrence = reusable.pop(sequence, None) or TaskOccurrence(sequence=sequence)
        occurrence.label = _occurrence_label(period_start, every, unit, sequence)
        occurrence.deadline = last_working_day(calendar, min(period_end - timedelta(days=1), end))
        laid_out.append(occurrence)
        if task.cadence_mode is CadenceMode.FLEXIBLE:
            break
        period_start = period_end
    task.occurrences = laid_out  # periods past the new end drop out
    task.deadline = laid_out[-1].deadline if laid_out else None


# How plans word a cadence, folded ("Hàng quý" -> "hang quy"): every N months or weeks.
_CADENCE_PHRASES = (
    ("hang tuan", 1, CadenceUnit.WEEK),
    ("hang thang", 1, CadenceUnit.MONTH),
    ("hang quy", 3, CadenceUnit.MONTH),
    ("6 thang", 6, CadenceUnit.MONTH),
    ("sau thang", 6, CadenceUnit.MONTH),
    ("hang nam", 12, CadenceUnit.MONTH),
)


def cadence_from_phrase(phrase: str) -> tuple[int, CadenceUnit] | None:
    """The cadence a plan's wording implies; "thường xuyên" (ongoing) has none."""
    folded = fold(phrase)
    for words, every, unit in _CADENCE_PHRASES:
        if words in folded:
            return every, unit
    return None


def next_flexible_occurrence(
    task: Task, done: TaskOccurrence, calendar: WorkCalendar
) -> TaskOccurrence | None:
    """A flexible cadence's next period: it opens the day after the last one was completed,
    and none opens past the plan's end."""
    start = done.completed_on + timedelta(days=1)
    end = plan_period_end(task.plan)
    if start > end:
        return None
    period_end = _next_period(start, task.cadence_every, task.cadence_unit)
    due = last_working_day(calendar, min(period_end - timedelta(days=1), end))
    sequence = done.sequence + 1
    # The label is stored: Vietnamese by design for now, as in _occurrence_label.
    return TaskOccurrence(sequence=sequence, label=f"Kỳ {sequence}", deadline=due)
