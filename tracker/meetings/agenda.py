"""The agenda a meeting builds by itself from the tasks, and the grade it proposes.

The agenda is plain JSON-ready data: the open meeting shows it live, the closed one shows the
copy frozen at closing (`Meeting.snapshot`), and both are rendered by the same template and the
same minutes. Where a task stands is asked of `tracker.core.status` (the one rule); the rows
come from `tracker.tasks.queries.status_rows`, the explanations from
`tracker.followups.queries.month_requests`: a fixed number of queries whatever the unit holds.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.core.clock import today
from tracker.core.status import (
    DeadlineClass,
    StatusRow,
    deadline_class,
    done_as_of,
    in_plan_on,
    lead_on,
    tally,
)
from tracker.core.text import name_key
from tracker.followups.models import Decision
from tracker.followups.queries import month_requests
from tracker.meetings.models import Grade, Meeting
from tracker.people.models import Officer
from tracker.plans.models import Plan
from tracker.tasks.models import Task, TaskState
from tracker.tasks.queries import pending_on, status_rows

# Bumped when the shape below changes, so an old snapshot can be told apart.
SNAPSHOT_VERSION = 1


def _d(day: date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else ""


def _month_of(day: date | None, year: int, month: int) -> bool:
    return day is not None and day.year == year and day.month == month


@dataclass(frozen=True, slots=True)
class MonthCounts:
    """An officer's month as the grade proposal reads it."""

    on_time: int = 0  # due in the month, done by its deadline
    late: int = 0  # due in the month, done after it
    overdue: int = 0  # past its deadline and not done: due in the month or carried over


# The four levels of Nghị định 90/2020, best first; a unit's own list is mapped onto them.
LEVELS = 4


def proposed_level(counts: MonthCounts) -> int | None:
    """The proposed level, 0 (best) to 3, of an officer's month; None when nothing was due.

    - everything due done on time: 0 (hoàn thành xuất sắc nhiệm vụ);
    - everything due done, some late: 1 (hoàn thành tốt nhiệm vụ);
    - something overdue, but at least half of what was due done: 2 (hoàn thành nhiệm vụ);
    - something overdue and less than half done: 3 (không hoàn thành nhiệm vụ).
    A month with nothing due proposes nothing ("không phát sinh"): the chair grades freely.
    """
    done = counts.on_time + counts.late
    due = done + counts.overdue
    if due == 0:
        return None
    if counts.overdue == 0:
        return 0 if counts.late == 0 else 1
    return 2 if 2 * done >= due else 3


def level_to_rank(level: int, grades: int) -> int:
    """Position (1 = best) in a unit list of `grades` grades of a level 0..3: the ends meet
    the ends, the levels between are spread evenly (a list of 4 maps one to one)."""
    if grades <= 1:
        return 1
    return 1 + round(level * (grades - 1) / (LEVELS - 1))


def month_periods(row: StatusRow, year: int, month: int, as_of: date):
    """What a task brings to a month's review: ("due", period, status) for each period due in
    the month, ("carried", period, status) for each earlier one still overdue. A recurring
    task is reviewed by its periods, a one-off task by itself."""
    first = date(year, month, 1)
    for period in row.occurrences or (row,):
        status = deadline_class(period, as_of)
        if _month_of(period.deadline, year, month):
            yield "due", period, status
        elif (
            status is DeadlineClass.OPEN_OVERDUE
            and period.deadline is not None
            and period.deadline < first
        ):
            yield "carried", period, status


def _line(task_id: int, title: str, deadline, completed_on, status: DeadlineClass) -> dict:
    return {
        "task_id": task_id,
        "title": title,
        "deadline": _d(deadline),
        "completed_on": _d(completed_on),
        "status": status.value,
    }


class TaskFacts(NamedTuple):
    title: str
    state: TaskState
    version: int


def task_facts(session: Session, unit_id: int) -> dict[int, TaskFacts]:
    """The unit's live tasks' titles, states and versions by id: the agenda reads the first
    two, the meeting page's decision forms the version (one query for both)."""
    return {
        row.id: TaskFacts(row.title, row.state, row.version)
        for row in session.execute(
            select(Task.id, Task.title, Task.state, Task.version)
            .join(Plan, Plan.id == Task.plan_id)
            .where(Plan.unit_id == unit_id, Task.archived_at.is_(None))
        )
    }


def build_agenda(
    session: Session,
    unit_id: int,
    year: int,
    month: int,
    as_of: date,
    previous_as_of: date | None = None,
    facts: dict[int, TaskFacts] | None = None,
) -> dict[str, Any]:
    """The built agenda of a unit's meeting of `month`/`year`, held on `as_of`.

    Per officer (the task's lead on that date): tasks due in the month (done on time, done
    late, still open), overdue tasks carried over from earlier months, explanations requested
    in the month and their answers, completions waiting for confirmation; per plan, the
    completion rate at `as_of` against `previous_as_of` (the previous meeting's date).
    `facts`: the unit's `task_facts`, when the caller has them already."""
    # The tasks in their plans on the meeting's date, judged by that date's deadlines.
    rows = [row for row in status_rows(session, Plan.unit_id == unit_id) if in_plan_on(row, as_of)]
    task_ids = {row.task_id for row in rows}
    if facts is None:
        facts = task_facts(session, unit_id) if rows else {}
    officers = sorted(
        session.execute(
            select(Officer.id, Officer.full_name, Officer.position).where(
                Officer.unit_id == unit_id, Officer.active
            )
        ),
        key=lambda officer: (name_key(officer.full_name), officer.id),
    )
    # Completions waiting for confirmation on the meeting's date: the journal tells, for a
    # meeting in the past; the tasks' state, for one today or ahead.
    if as_of < today():
        pending = pending_on(session, unit_id, as_of) & task_ids
    else:
        pending = {i for i, f in facts.items() if f.state is TaskState.PENDING_CONFIRMATION}
        pending &= task_ids
    sections: dict[int | None, dict] = {}

    def section(officer_id: int | None, name: str = "", position: str = "") -> dict:
        if officer_id not in sections:
            sections[officer_id] = {
                "officer_id": officer_id,
                "name": name,
                "position": position,
                "due": [],
                "carried": [],
                "explanations": [],
                "pending": [],
                "counts": {},
            }
        return sections[officer_id]

    for officer_id, name, position in officers:
        section(officer_id, name, position)

    for row in rows:
        fact = facts.get(row.task_id)
        title = fact.title if fact else ""
        lead_id = lead_on(row, as_of)  # who led it on the meeting's date
        target = sections.get(lead_id) or section(lead_id)
        for bucket, period, status in month_periods(row, year, month, as_of):
            # A completion after the meeting date is not what the meeting saw.
            done_on = done_as_of(period, as_of)
            line = _line(row.task_id, title, period.deadline, done_on, status)
            target[bucket].append(line)
        if row.task_id in pending:
            target["pending"].append(
                _line(row.task_id, title, row.deadline, None, deadline_class(row, as_of))
            )

    for request in month_requests(session, unit_id, year, month):
        if request.task_id not in task_ids:
            continue
        target = sections.get(request.lead_officer_id) or section(request.lead_officer_id)
        target["explanations"].append(
            {
                "task_id": request.task_id,
                "title": facts[request.task_id].title,
                "deadline": _d(request.deadline),
                "requested_on": _d(request.requested_at.date()),
                "reason": request.reason,
                "proposed_deadline": _d(request.proposed_deadline),
                "decision": request.decision.value if request.decision else "",
                "accepted": request.decision is Decision.ACCEPTED,
            }
        )

    for entry in sections.values():
        due = entry["due"]
        counts = MonthCounts(
            on_time=sum(line["status"] == DeadlineClass.DONE_ON_TIME for line in due),
            late=sum(line["status"] == DeadlineClass.DONE_LATE for line in due),
            overdue=sum(line["status"] == DeadlineClass.OPEN_OVERDUE for line in due)
            + len(entry["carried"]),
        )
        entry["counts"] = {
            "due": len(due),
            "on_time": counts.on_time,
            "late": counts.late,
            "open": sum(line["status"] == DeadlineClass.OPEN_ON_TIME for line in due),
            "overdue": counts.overdue,
            "carried": len(entry["carried"]),
            "explanations": len(entry["explanations"]),
            "pending": len(entry["pending"]),
        }
        entry["level"] = proposed_level(counts)

    plans = session.execute(
        select(Plan.id, Plan.title, Plan.appendix_row)
        .where(Plan.unit_id == unit_id, Plan.archived_at.is_(None))
        .order_by(Plan.appendix_row.is_(None), Plan.appendix_row, Plan.document_date, Plan.id)
    ).all()
    by_plan: dict[int, list] = defaultdict(list)
    for row in rows:
        by_plan[row.plan_id].append(row)
    plan_lines = []
    for plan_id, title, appendix_row in plans:
        now = tally(by_plan[plan_id], as_of)
        before = tally(by_plan[plan_id], previous_as_of) if previous_as_of else None
        plan_lines.append(
            {
                "plan_id": plan_id,
                "title": title,
                "appendix_row": appendix_row or "",
                "total": now.total,
                "done": now.done,
                "rate": _rate(now.completion_rate),
                "previous_done": before.done if before else None,
                "previous_rate": _rate(before.completion_rate) if before else None,
            }
        )

    ordered = [sections[o.id] for o in officers]
    if None in sections:  # tasks without a lead: shown last, never dropped
        ordered.append(sections[None])
    ordered.extend(s for key, s in sections.items() if key is not None and s not in ordered)
    # Officers with something to review first (stable: by name within each half).
    ordered.sort(key=lambda s: not (s["due"] or s["carried"] or s["explanations"] or s["pending"]))
    return {
        "version": SNAPSHOT_VERSION,
        "year": year,
        "month": month,
        "as_of": _d(as_of),
        "previous_as_of": _d(previous_as_of),
        "officers": ordered,
        "plans": plan_lines,
    }


def _rate(value) -> str | None:
    # Kept as text ("26.7") so the JSON snapshot holds the exact decimal.
    return None if value is None else str(value)


def figures(agenda: dict[str, Any]) -> dict[str, Any]:
    """The figures compared between a frozen agenda and the live one."""
    return {
        "officers": {str(s["officer_id"]): s["counts"] for s in agenda["officers"]},
        "plans": {str(p["plan_id"]): (p["done"], p["total"], p["rate"]) for p in agenda["plans"]},
    }


def proposed_grade(grades: list[Grade], level: int | None) -> Grade | None:
    if level is None or not grades:
        return None
    return grades[level_to_rank(level, len(grades)) - 1]


def live_agenda(
    session: Session, meeting: Meeting, facts: dict[int, TaskFacts] | None = None
) -> dict:
    """The agenda from the tasks as they stand. The previous meeting's plan rates are those it
    froze when it closed (what it saw), else the rule applied at its date."""
    previous = meeting.previous
    agenda = build_agenda(
        session,
        meeting.unit_id,
        meeting.year,
        meeting.month,
        meeting.held_on,
        previous.held_on if previous else None,
        facts,
    )
    if previous is not None and previous.is_closed and previous.snapshot:
        seen = {p["plan_id"]: p for p in previous.snapshot.get("plans", [])}
        for plan in agenda["plans"]:
            before = seen.get(plan["plan_id"])
            if before is not None:
                plan["previous_done"], plan["previous_rate"] = before["done"], before["rate"]
    return agenda


def meeting_agenda(session: Session, meeting: Meeting) -> dict:
    """What the meeting sees: the frozen figures once closed, the live ones before."""
    if meeting.is_closed and meeting.snapshot:
        return meeting.snapshot
    return live_agenda(session, meeting)
