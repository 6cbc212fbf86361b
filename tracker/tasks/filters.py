"""Filters of a unit's task list, shared by the list page, its .xlsx export and the dashboard.

`parse_task_filter` reads a query string into a `TaskFilter` (a bad value is reported and
left out, never fatal); `check_against` drops choices that are not the unit's;
`apply_filter` returns the matching tasks as light status rows, each with its class as of
the filter's date, in list order. The deadline class needs the status rule, so the status
and deadline conditions are applied in Python to the rows `status_rows` returns; the rest
narrows the query itself.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, lazyload, selectinload

from tracker.core.dates import parse_date
from tracker.core.status import (
    DeadlineClass,
    StatusRow,
    deadline_class,
    final_deadline,
    in_plan_on,
)
from tracker.core.text import fold, name_key
from tracker.people.models import Officer
from tracker.plans.models import Plan, TaskGroup
from tracker.tasks.models import Task
from tracker.tasks.queries import status_rows

PAGE_SIZE = 50
MAX_QUERY_LENGTH = 200
MAX_ID = 2**31 - 1

# Status choices: the four classes, and two groupings of them.
OPEN = "open"  # chưa hoàn thành: open_on_time + open_overdue
DONE = "done"  # đã hoàn thành: done_on_time + done_late
STATUS_VALUES = (*(c.value for c in DeadlineClass), OPEN, DONE)
UNASSIGNED = "none"  # officer=none: tasks nobody leads yet


@dataclass(frozen=True, slots=True)
class TaskFilter:
    as_of: date
    plan_id: int | None = None
    group_id: int | None = None
    officer_id: int | None = None
    unassigned: bool = False
    status: str | None = None  # one of STATUS_VALUES
    deadline_from: date | None = None
    deadline_to: date | None = None
    q: str = ""
    page: int = 1

    @property
    def is_filtered(self) -> bool:
        return any(
            (
                self.plan_id,
                self.group_id,
                self.officer_id,
                self.unassigned,
                self.status,
                self.deadline_from,
                self.deadline_to,
                self.q,
            )
        )

    def query_args(self, *, today: date | None = None, **changes) -> dict[str, str]:
        """The filter as query-string arguments (what a link to the same list carries)."""
        f = replace(self, **changes) if changes else self
        args: dict[str, str] = {}
        if f.q:
            args["q"] = f.q
        if f.plan_id:
            args["plan"] = str(f.plan_id)
        if f.group_id:
            args["group"] = str(f.group_id)
        if f.unassigned:
            args["officer"] = UNASSIGNED
        elif f.officer_id:
            args["officer"] = str(f.officer_id)
        if f.status:
            args["status"] = f.status
        if f.deadline_from:
            args["from"] = f.deadline_from.isoformat()
        if f.deadline_to:
            args["to"] = f.deadline_to.isoformat()
        if today is None or f.as_of != today:
            args["as_of"] = f.as_of.isoformat()
        if f.page > 1:
            args["page"] = str(f.page)
        return args


@dataclass(frozen=True, slots=True)
class FilterProblem:
    """A query-string value that was left out: which argument, and what it held."""

    name: str
    value: str


def _id(raw: str) -> int | None:
    raw = raw.strip()
    if not raw.isascii() or not raw.isdigit():
        return None
    value = int(raw)
    return value if 1 <= value <= MAX_ID else None


def _clean_text(raw: str) -> str | None:
    """The search text, or None when it cannot be searched (control characters, too long)."""
    text = unicodedata.normalize("NFC", raw).strip()
    if len(text) > MAX_QUERY_LENGTH:
        return None
    if any(unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn") for ch in text):
        return None
    return " ".join(text.split())


def parse_task_filter(
    args: Mapping[str, str], today: date
) -> tuple[TaskFilter, list[FilterProblem]]:
    """Read the list's query string; each bad value is left out and reported."""
    problems: list[FilterProblem] = []
    values: dict = {}

    def get(name: str) -> str:
        value = args.get(name, "")
        return value if isinstance(value, str) else ""

    for name, key in (("plan", "plan_id"), ("group", "group_id")):
        raw = get(name).strip()
        if raw:
            parsed = _id(raw)
            if parsed is None:
                problems.append(FilterProblem(name, raw))
            else:
                values[key] = parsed

    raw = get("officer").strip()
    if raw == UNASSIGNED:
        values["unassigned"] = True
    elif raw:
        parsed = _id(raw)
        if parsed is None:
            problems.append(FilterProblem("officer", raw))
        else:
            values["officer_id"] = parsed

    raw = get("status").strip()
    if raw:
        if raw in STATUS_VALUES:
            values["status"] = raw
        else:
            problems.append(FilterProblem("status", raw))

    for name, key in (("from", "deadline_from"), ("to", "deadline_to"), ("as_of", "as_of")):
        raw = get(name).strip()
        if raw:
            parsed_date = parse_date(raw)
            if parsed_date is None:
                problems.append(FilterProblem(name, raw))
            else:
                values[key] = parsed_date
    start, end = values.get("deadline_from"), values.get("deadline_to")
    if start and end and start > end:
        problems.append(FilterProblem("range", f"{start:%d/%m/%Y} – {end:%d/%m/%Y}"))
        del values["deadline_from"], values["deadline_to"]

    raw = get("q")
    if raw.strip():
        text = _clean_text(raw)
        if text is None:
            problems.append(FilterProblem("q", raw[:40]))
        else:
            values["q"] = text

    raw = get("page").strip()
    if raw:
        parsed = _id(raw)
        if parsed is None:
            problems.append(FilterProblem("page", raw))
        else:
            values["page"] = parsed

    values.setdefault("as_of", today)
    return TaskFilter(**values), problems


# ---------------------------------------------------------------------------- the unit's choices


@dataclass(frozen=True, slots=True)
class GroupChoice:
    id: int
    plan_id: int
    ordinal: int
    name: str


@dataclass(frozen=True, slots=True)
class OfficerChoice:
    id: int
    full_name: str
    active: bool


@dataclass(frozen=True, slots=True)
class UnitLookups:
    """The unit's live plans, their fields and the unit's officers: two small queries."""

    plans: list[Plan]
    groups: list[GroupChoice]
    officers: list[OfficerChoice]
    plan_position: dict[int, int] = field(default_factory=dict)
    group_by_id: dict[int, GroupChoice] = field(default_factory=dict)
    officer_by_id: dict[int, OfficerChoice] = field(default_factory=dict)

    def groups_of(self, plan_id: int) -> list[GroupChoice]:
        return [g for g in self.groups if g.plan_id == plan_id]


def unit_lookups(session: Session, unit_id: int) -> UnitLookups:
    # The plans and their fields in one statement (a plan without fields comes once, with
    # NULLs): a round trip fewer on every dashboard and task list.
    plans: list[Plan] = []
    groups: list[GroupChoice] = []
    seen: set[int] = set()
    for plan, *group in session.execute(
        select(Plan, TaskGroup.id, TaskGroup.plan_id, TaskGroup.ordinal, TaskGroup.name)
        .outerjoin(TaskGroup, TaskGroup.plan_id == Plan.id)
        .where(Plan.unit_id == unit_id, Plan.archived_at.is_(None))
        .order_by(
            Plan.appendix_row.is_(None),
            Plan.appendix_row,
            Plan.document_date,
            Plan.id,
            TaskGroup.ordinal,
        )
    ):
        if plan.id not in seen:
            seen.add(plan.id)
            plans.append(plan)
        if group[0] is not None:
            groups.append(GroupChoice(*group))
    groups.sort(key=lambda g: (g.plan_id, g.ordinal))  # the order they always had
    officers = sorted(
        (
            OfficerChoice(*row)
            for row in session.execute(
                select(Officer.id, Officer.full_name, Officer.active).where(
                    Officer.unit_id == unit_id
                )
            )
        ),
        key=lambda o: (not o.active, name_key(o.full_name)),
    )
    return UnitLookups(
        plans=plans,
        groups=groups,
        officers=officers,
        plan_position={plan.id: i for i, plan in enumerate(plans)},
        group_by_id={g.id: g for g in groups},
        officer_by_id={o.id: o for o in officers},
    )


def check_against(
    task_filter: TaskFilter, lookups: UnitLookups
) -> tuple[TaskFilter, list[FilterProblem]]:
    """Leave out a plan, field or officer that is not the unit's (or a field of another plan)."""
    problems: list[FilterProblem] = []
    changes: dict = {}
    if task_filter.plan_id and task_filter.plan_id not in lookups.plan_position:
        problems.append(FilterProblem("plan", str(task_filter.plan_id)))
        changes["plan_id"] = None
    plan_id = changes.get("plan_id", task_filter.plan_id)
    if task_filter.group_id:
        group = lookups.group_by_id.get(task_filter.group_id)
        if group is None or (plan_id and group.plan_id != plan_id):
            problems.append(FilterProblem("group", str(task_filter.group_id)))
            changes["group_id"] = None
    if task_filter.officer_id and task_filter.officer_id not in lookups.officer_by_id:
        problems.append(FilterProblem("officer", str(task_filter.officer_id)))
        changes["officer_id"] = None
    return (replace(task_filter, **changes) if changes else task_filter), problems


# ---------------------------------------------------------------------------- applying it


def task_deadlines(row: StatusRow) -> set[date]:
    """Every deadline of a task: its own and, for a recurring task, each occurrence's."""
    deadlines = {o.deadline for o in row.occurrences if o.deadline is not None}
    if row.deadline is not None:
        deadlines.add(row.deadline)
    return deadlines


def status_matches(status: str | None, cls: DeadlineClass) -> bool:
    if not status:
        return True
    if status == OPEN:
        return not cls.is_done
    if status == DONE:
        return cls.is_done
    return cls.value == status


def row_matches(task_filter: TaskFilter, row: StatusRow, cls: DeadlineClass) -> bool:
    """The conditions applied in Python: status as of the date, and the deadline range (a task
    matches when its deadline, or one of its occurrences', falls in the range)."""
    if not status_matches(task_filter.status, cls):
        return False
    start, end = task_filter.deadline_from, task_filter.deadline_to
    if start or end:
        low, high = start or date.min, end or date.max
        if not any(low <= d <= high for d in task_deadlines(row)):
            return False
    return True


def sql_conditions(unit_id: int, task_filter: TaskFilter) -> list:
    conditions = [Plan.unit_id == unit_id]
    if task_filter.plan_id:
        conditions.append(Task.plan_id == task_filter.plan_id)
    if task_filter.group_id:
        conditions.append(Task.group_id == task_filter.group_id)
    if task_filter.unassigned:
        conditions.append(Task.lead_officer_id.is_(None))
    elif task_filter.officer_id:
        conditions.append(Task.lead_officer_id == task_filter.officer_id)
    folded = fold(task_filter.q)
    if folded:
        conditions.append(Task.search_text.contains(folded, autoescape=True))
    return conditions


@dataclass(frozen=True, slots=True)
class ListedRow:
    row: StatusRow
    status: DeadlineClass


def apply_filter(
    session: Session, unit_id: int, task_filter: TaskFilter, lookups: UnitLookups
) -> list[ListedRow]:
    """The unit's tasks matching the filter, by deadline (none last), then plan, field, id."""
    rows = status_rows(session, *sql_conditions(unit_id, task_filter))
    listed = []
    for row in rows:
        if not in_plan_on(row, task_filter.as_of):
            continue
        cls = deadline_class(row, task_filter.as_of)
        if row_matches(task_filter, row, cls):
            listed.append(ListedRow(row, cls))
    listed.sort(key=lambda item: list_order(item.row, lookups))
    return listed


def list_order(row: StatusRow, lookups: UnitLookups) -> tuple:
    deadline = final_deadline(row)
    group = lookups.group_by_id.get(row.group_id) if row.group_id else None
    return (
        deadline is None,
        deadline or date.min,
        lookups.plan_position.get(row.plan_id, 0),
        group.ordinal if group else 0,
        row.task_id,
    )


def load_tasks(session: Session, ids: Iterable[int], chunk: int = 500) -> list[Task]:
    """The tasks with these ids, in this order, with what a list row shows loaded."""
    ids = list(ids)
    found: dict[int, Task] = {}
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        for task in session.scalars(
            select(Task)
            .where(Task.id.in_(part))
            .options(
                joinedload(Task.plan),
                joinedload(Task.group),
                joinedload(Task.lead_officer).options(lazyload(Officer.role_rows)),
                selectinload(Task.supporters).options(lazyload(Officer.role_rows)),
            )
        ).unique():
            found[task.id] = task
    return [found[task_id] for task_id in ids if task_id in found]
