"""What the dashboard shows, read in a fixed number of small queries whatever the task count.

Every figure comes from one call of `status_rows` for the unit, grouped here in Python and
counted with `tally` (the one status rule); the short lists (overdue, due soon, pending
confirmation) load only the few columns of the tasks they show.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from tracker.core.status import (
    DeadlineClass,
    StatusRow,
    Tally,
    TallyCounter,
    classify,
    confirmed_late,
    done_on,
    final_deadline,
    lead_on,
    missed_since,
)
from tracker.core.text import name_key
from tracker.people.models import Officer, Unit, UnitKind
from tracker.plans.models import Plan
from tracker.tasks.filters import (
    OPEN,
    TaskFilter,
    UnitLookups,
    row_matches,
    unit_lookups,
)
from tracker.tasks.models import Task, TaskState
from tracker.tasks.queries import status_rows

DUE_SOON_DAYS = 14
LIST_LIMIT = 20
MAX_CHART_YEARS = 10
# Units whose dashboard lists the units below them (an inspector's home: its wards).
CHILDREN_SHOWN = (UnitKind.CITY, UnitKind.PROVINCE)


@dataclass(frozen=True, slots=True)
class Breakdown:
    """One line of a breakdown: a field or an officer (None: no field, nobody) and its counts."""

    key: int | None
    label: str
    tally: Tally
    ordinal: int = 0


@dataclass(frozen=True, slots=True)
class ProgressPoint:
    on: date  # the end of a month (or the first day shown, or the date of the figures)
    planned: int  # tasks whose (last) deadline falls on or before `on`, cumulative
    done: int | None  # tasks done by `on`; None after the date of the figures


@dataclass(frozen=True, slots=True)
class ProgressSeries:
    """A plan's cumulative done tasks against its cumulative planned deadlines, by month."""

    start: date  # first day shown (1 January of the plan's first year)
    end: date  # last day shown (31 December of its last year)
    as_of: date
    total: int
    without_deadline: int
    points: list[ProgressPoint]  # the start, then each month's end
    done_points: list[ProgressPoint]  # the done line: up to `as_of`, which ends it

    @property
    def months(self) -> int:
        return len(self.points) - 1


@dataclass(frozen=True, slots=True)
class PlanBlock:
    plan: Plan
    as_of: Tally
    today: Tally
    groups: list[Breakdown]
    series: ProgressSeries


@dataclass(frozen=True, slots=True)
class ShortItem:
    task_id: int
    title: str
    plan: Plan | None
    lead_name: str | None
    deadline: date | None  # the deadline that puts the task on the list
    recurrence_note: str
    days: int | None  # days overdue, or days left


@dataclass(frozen=True, slots=True)
class ShortList:
    items: list[ShortItem]
    count: int

    @property
    def more(self) -> bool:
        return self.count > len(self.items)


@dataclass(frozen=True, slots=True)
class Dashboard:
    unit: Unit
    as_of: date
    today: date
    due_soon_until: date
    overall_as_of: Tally
    overall_today: Tally
    plans: list[PlanBlock]
    officers: list[Breakdown]
    overdue: ShortList
    due_soon: ShortList
    pending: ShortList
    lookups: UnitLookups
    children: list[Unit]
    # Counted done as of the date, confirmed after it (core.status.confirmed_late).
    late_confirmed: tuple = ()
    # Some leads' names were read from officers of other units (whose renaming renews those
    # units' versions, not this one's).
    outside_leads: bool = False


def due_soon_filter(as_of: date) -> TaskFilter:
    """Not done as of the date, with a deadline in the next 14 days (the date included)."""
    return TaskFilter(
        as_of=as_of,
        status=OPEN,
        deadline_from=as_of,
        deadline_to=as_of + timedelta(days=DUE_SOON_DAYS),
    )


# ---------------------------------------------------------------------------- the progress chart


def _month_starts(start: date, end: date) -> list[date]:
    months = []
    day = start
    while day <= end:
        months.append(day)
        day = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return months


def progress_series(plan: Plan, rows: Sequence[StatusRow], as_of: date) -> ProgressSeries:
    first_year = plan.start_year
    last_year = min(plan.end_year, first_year + MAX_CHART_YEARS - 1)
    planned = sorted(d for d in (final_deadline(r) for r in rows) if d is not None)
    done = sorted(d for d in (done_on(r) for r in rows) if d is not None)
    return series_from_counts(
        first_year,
        last_year,
        as_of,
        total=len(rows),
        planned_total=len(planned),
        planned_upto=lambda day: bisect_right(planned, day),
        done_upto=lambda day: bisect_right(done, day),
    )


def chart_days(first_year: int, last_year: int, as_of: date) -> list[date]:
    """Every day `series_from_counts` asks its counts of: the month ends, the day before the
    first month, and the date of the figures (counts may be computed for these alone)."""
    start, end = date(first_year, 1, 1), date(last_year, 12, 31)
    boundaries = [start - timedelta(days=1)]
    boundaries += [
        date(m.year + (m.month == 12), m.month % 12 + 1, 1) - timedelta(days=1)
        for m in _month_starts(start, end)
    ]
    return [*boundaries, as_of]


def series_from_counts(
    first_year: int,
    last_year: int,
    as_of: date,
    *,
    total: int,
    planned_total: int,
    planned_upto: Callable[[date], int],
    done_upto: Callable[[date], int],
) -> ProgressSeries:
    """The chart's series from counts: tasks with a (last) deadline on or before a day, tasks
    done by a day (asked only of `chart_days`). A plan's rows count themselves; a nation's
    tasks are counted in the database (province.national_chart)."""
    start, end = date(first_year, 1, 1), date(last_year, 12, 31)
    boundaries = chart_days(first_year, last_year, as_of)[:-1]
    points = []
    for index, day in enumerate(boundaries):
        last = index == len(boundaries) - 1
        # Deadlines and completions outside the plan's years count at its ends.
        planned_count = planned_total if last else planned_upto(day)
        done_count: int | None = None
        if day <= as_of:
            done_count = done_upto(as_of if last else day)
        elif index == 0:  # the figures' date is before the plan's first year
            done_count = done_upto(as_of)
        points.append(ProgressPoint(day, planned_count, done_count))
    done_points = [p for p in points if p.done is not None]
    if start <= as_of < end and as_of not in boundaries:
        done_points.append(ProgressPoint(as_of, planned_upto(as_of), done_upto(as_of)))
    return ProgressSeries(
        start=start,
        end=end,
        as_of=as_of,
        total=total,
        without_deadline=total - planned_total,
        points=points,
        done_points=done_points,
    )


# ---------------------------------------------------------------------------- short lists


def _next_deadline(row: StatusRow, as_of: date, until: date) -> date | None:
    """The earliest deadline in [as_of, until] not yet met (any in range, failing that)."""
    candidates = [(row.deadline, row.completed_on)] if not row.occurrences else []
    candidates += [(o.deadline, o.completed_on) for o in row.occurrences]
    in_range = [(d, c) for d, c in candidates if d is not None and as_of <= d <= until]
    open_ones = [d for d, c in in_range if c is None or c > as_of]
    if open_ones:
        return min(open_ones)
    return min((d for d, _ in in_range), default=final_deadline(row))


# ---------------------------------------------------------------------------- the dashboard


def _lead_names(
    session: Session, lookups: UnitLookups, lead_ids: Iterable[int | None]
) -> tuple[dict[int, str], bool]:
    """The leads' names, and whether some were read from officers of other units."""
    names = {o.id: o.full_name for o in lookups.officers}
    missing = {i for i in lead_ids if i is not None and i not in names}
    if missing:  # leads from another unit (moved officers): rare, one more query
        names.update(  # as pairs: a Result has keys() and would be taken for a mapping
            session.execute(
                select(Officer.id, Officer.full_name).where(Officer.id.in_(missing))
            ).all()
        )
    return names, bool(missing)


def _group_lines(
    counters: dict[tuple[int, int | None], TallyCounter], plan_id: int, lookups: UnitLookups
) -> list[Breakdown]:
    empty = TallyCounter()
    lines = [
        Breakdown(g.id, g.name, counters.get((plan_id, g.id), empty).tally(), g.ordinal)
        for g in lookups.groups_of(plan_id)
    ]
    if (plan_id, None) in counters:
        lines.append(Breakdown(None, "", counters[plan_id, None].tally(), 0))
    return lines


def _officer_lines(
    counters: dict[int | None, TallyCounter], names: dict[int, str]
) -> list[Breakdown]:
    lines = [
        Breakdown(lead_id, names.get(lead_id, f"#{lead_id}"), counter.tally())
        for lead_id, counter in counters.items()
        if lead_id is not None
    ]
    lines.sort(key=lambda line: name_key(line.label))
    if None in counters:
        lines.append(Breakdown(None, "", counters[None].tally()))
    return lines


def build_dashboard(session: Session, unit: Unit, *, as_of: date, today: date) -> Dashboard:
    lookups = unit_lookups(session, unit.id)
    rows = status_rows(session, Plan.unit_id == unit.id)
    plans_by_id = {plan.id: plan for plan in lookups.plans}

    overdue_filter = TaskFilter(as_of=as_of, status=DeadlineClass.OPEN_OVERDUE.value)
    soon_filter = due_soon_filter(as_of)
    until = soon_filter.deadline_to
    assert until is not None
    overdue: list[tuple[date, int, StatusRow]] = []
    soon: list[tuple[date, int, StatusRow]] = []

    # One pass over the rows: each is classed once for each date, then counted in every line
    # it belongs to (the unit, its plan, its field, its lead).
    overall_as_of, overall_today = TallyCounter(), TallyCounter()
    plan_as_of: dict[int, TallyCounter] = defaultdict(TallyCounter)
    plan_today: dict[int, TallyCounter] = defaultdict(TallyCounter)
    by_group: dict[tuple[int, int | None], TallyCounter] = defaultdict(TallyCounter)
    by_lead: dict[int | None, TallyCounter] = defaultdict(TallyCounter)
    in_plan: dict[int, list[StatusRow]] = defaultdict(list)  # in their plan as of the date
    leads: list[int | None] = []
    for row in rows:
        at_date = classify(row, as_of)
        at_today = at_date if today == as_of else classify(row, today)
        lead = lead_on(row, as_of)
        leads.append(lead)
        overall_as_of.add(at_date)
        overall_today.add(at_today)
        plan_as_of[row.plan_id].add(at_date)
        plan_today[row.plan_id].add(at_today)
        by_group[row.plan_id, row.group_id].add(at_date)
        by_lead[lead].add(at_date)
        if at_date is None:
            continue
        in_plan[row.plan_id].append(row)
        cls = at_date[0]
        if row_matches(overdue_filter, row, cls):
            overdue.append((missed_since(row, as_of) or date.min, row.task_id, row))
        if row_matches(soon_filter, row, cls):
            soon.append((_next_deadline(row, as_of, until) or date.max, row.task_id, row))

    blocks = [
        PlanBlock(
            plan=plan,
            as_of=plan_as_of[plan.id].tally(),
            today=plan_today[plan.id].tally(),
            groups=_group_lines(by_group, plan.id, lookups),
            series=progress_series(plan, in_plan[plan.id], as_of),
        )
        for plan in lookups.plans
    ]

    overdue.sort(key=lambda item: item[:2])
    soon.sort(key=lambda item: item[:2])
    overdue, overdue_count = overdue[:LIST_LIMIT], len(overdue)
    soon, soon_count = soon[:LIST_LIMIT], len(soon)

    # One query for the short lists: the shown tasks' titles, and every pending confirmation.
    shown_ids = {item[1] for item in overdue} | {item[1] for item in soon}
    pending_condition = and_(
        Task.state == TaskState.PENDING_CONFIRMATION, Task.withdrawn_on.is_(None)
    )
    details = session.execute(
        select(
            Task.id,
            Task.title,
            Task.recurrence_note,
            Task.state,
            Task.deadline,
            Task.plan_id,
            Task.lead_officer_id,
        )
        .join(Plan, Plan.id == Task.plan_id)
        .where(
            Plan.unit_id == unit.id,
            Plan.archived_at.is_(None),
            Task.archived_at.is_(None),
            or_(pending_condition, Task.id.in_(shown_ids)) if shown_ids else pending_condition,
        )
    ).all()
    by_id = {d.id: d for d in details}
    names, outside_leads = _lead_names(
        session, lookups, leads + [d.lead_officer_id for d in details]
    )

    def item(row: StatusRow, deadline: date | None, days: int | None) -> ShortItem:
        d = by_id.get(row.task_id)
        return ShortItem(
            task_id=row.task_id,
            title=d.title if d else "",
            plan=plans_by_id.get(row.plan_id),
            lead_name=names.get(lead) if (lead := lead_on(row, as_of)) else None,
            deadline=deadline,
            recurrence_note=d.recurrence_note if d else "",
            days=days,
        )

    pending_rows = sorted(
        (d for d in details if d.state == TaskState.PENDING_CONFIRMATION),
        key=lambda d: (d.deadline is None, d.deadline or date.min, d.id),
    )
    pending = [
        ShortItem(
            task_id=d.id,
            title=d.title,
            plan=plans_by_id.get(d.plan_id),
            lead_name=names.get(d.lead_officer_id) if d.lead_officer_id else None,
            deadline=d.deadline,
            recurrence_note=d.recurrence_note,
            days=None,
        )
        for d in pending_rows[:LIST_LIMIT]
    ]

    children: list[Unit] = []
    if unit.kind in CHILDREN_SHOWN:  # an inspector's home: its wards
        children = list(
            session.scalars(select(Unit).where(Unit.parent_id == unit.id).order_by(Unit.name))
        )

    return Dashboard(
        unit=unit,
        as_of=as_of,
        today=today,
        due_soon_until=until,
        overall_as_of=overall_as_of.tally(),
        overall_today=overall_today.tally(),
        plans=blocks,
        officers=_officer_lines(by_lead, names),
        overdue=ShortList(
            [item(r, d, (as_of - d).days if d != date.min else None) for d, _, r in overdue],
            overdue_count,
        ),
        due_soon=ShortList(
            [item(r, d, (d - as_of).days if d != date.max else None) for d, _, r in soon],
            soon_count,
        ),
        pending=ShortList(pending, len(pending_rows)),
        lookups=lookups,
        children=children,
        late_confirmed=tuple(confirmed_late(rows, as_of)) if as_of < today else (),
        outside_leads=outside_leads,
    )
