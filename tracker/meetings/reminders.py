"""The meeting reminder (issue 4's last source): before each monthly review meeting, to every
active officer of the unit, their own tasks due, done and overdue in the meeting's month.

Selected with the other reminders (listed in `tracker.configure_reminders`): on the
working day `meeting_days_before` (2) before the meeting, or on the first pass after that day
if it was missed, up to the meeting day; recorded once per meeting and officer (the engine's
unique key: subject "meeting:<id>", kind meeting, scheduled day, officer). A fixed number of
queries whatever the number of meetings, officers or tasks.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.core.status import DeadlineClass, in_plan_on, lead_on
from tracker.meetings.agenda import month_periods
from tracker.meetings.models import Meeting, MeetingStatus
from tracker.plans.models import Plan
from tracker.reminders.models import RecipientRole, ReminderKind
from tracker.reminders.rendering import Line
from tracker.reminders.selection import Due, SelectionContext
from tracker.tasks.models import Task
from tracker.tasks.queries import status_rows

# A meeting is looked for this many days ahead: more than `meeting_days_before` working days
# span in practice, and inside the calendar range a pass tabulates.
LOOKAHEAD_DAYS = 31
# Stored and emailed text: Vietnamese.
STATUS = {
    DeadlineClass.DONE_ON_TIME: "đã hoàn thành đúng hạn",
    DeadlineClass.DONE_LATE: "đã hoàn thành quá hạn",
    DeadlineClass.OPEN_ON_TIME: "đang thực hiện",
    DeadlineClass.OPEN_OVERDUE: "quá hạn, chưa hoàn thành",
}


class MonthLine(NamedTuple):
    task_id: int
    deadline: date | None
    status: DeadlineClass
    carried: bool  # overdue from an earlier month


class UpcomingMeeting(NamedTuple):
    id: int
    unit_id: int
    held_on: date
    year: int
    month: int


def upcoming_meetings(session: Session, day: date) -> list[UpcomingMeeting]:
    return [
        UpcomingMeeting(*row)
        for row in session.execute(
            select(Meeting.id, Meeting.unit_id, Meeting.held_on, Meeting.year, Meeting.month)
            .where(
                Meeting.status == MeetingStatus.OPEN,
                Meeting.held_on >= day,
                Meeting.held_on <= day + timedelta(days=LOOKAHEAD_DAYS),
            )
            .order_by(Meeting.id)
        )
    ]


def month_lines(
    session: Session, meetings: Iterable[UpcomingMeeting], as_of: date
) -> dict[tuple[int, int], list[MonthLine]]:
    """(meeting, officer) -> the officer's tasks of the meeting's month, as of `as_of`: due in
    the month (done or not) and overdue from before. Two queries for every meeting at once."""
    meetings = list(meetings)
    units = {m.unit_id for m in meetings}
    found: dict[tuple[int, int], list[MonthLine]] = defaultdict(list)
    if not units:
        return found
    plan_units = dict(
        session.execute(select(Plan.id, Plan.unit_id).where(Plan.unit_id.in_(units))).all()
    )
    rows_of: dict[int, list] = defaultdict(list)
    for row in status_rows(session, Plan.unit_id.in_(units)):
        rows_of[plan_units[row.plan_id]].append(row)
    for meeting in meetings:
        for row in rows_of.get(meeting.unit_id, ()):
            lead_id = lead_on(row, as_of)
            if lead_id is None or not in_plan_on(row, as_of):
                continue
            for bucket, period, status in month_periods(row, meeting.year, meeting.month, as_of):
                found[(meeting.id, lead_id)].append(
                    MonthLine(row.task_id, period.deadline, status, bucket == "carried")
                )
    return found


def month_counts(lines: list[MonthLine]) -> tuple[int, int, int]:
    """(due in the month, done of them, overdue: in the month or carried over)."""
    due = sum(1 for line in lines if not line.carried)
    done = sum(1 for line in lines if line.status.is_done)
    overdue = sum(1 for line in lines if line.status is DeadlineClass.OPEN_OVERDUE)
    return due, done, overdue


def meeting_reminders(ctx: SelectionContext) -> Iterable[Due]:
    meetings = upcoming_meetings(ctx.session, ctx.day)
    if not meetings:
        return
    members: dict[int, list[int]] = defaultdict(list)
    for officer in ctx.officers.values():
        members[officer.unit_id].append(officer.id)
    lines = month_lines(ctx.session, meetings, ctx.day)
    for meeting in meetings:
        if not ctx.is_working_day(meeting.unit_id):
            continue
        index = ctx.index(meeting.unit_id)
        before = ctx.policy(meeting.unit_id).meeting_days_before
        scheduled = (
            index.working_days_before(meeting.held_on, before) if before > 0 else (meeting.held_on)
        )
        if not scheduled <= ctx.day <= meeting.held_on:
            continue
        left = max(index.working_days_between(ctx.day, meeting.held_on), 0)
        for officer_id in sorted(members.get(meeting.unit_id, ())):
            yield Due(
                subject=f"meeting:{meeting.id}",
                kind=ReminderKind.MEETING,
                due_on=scheduled,
                recipient_id=officer_id,
                role=RecipientRole.MEMBER,
                unit_id=meeting.unit_id,
                deadline=meeting.held_on,
                days=left,
                counts=month_counts(lines.get((meeting.id, officer_id), [])),
            )


def email_lines(
    session: Session, items, today: date, link: Callable[..., str]
) -> dict[tuple[str, int], list[Line]]:
    """(subject, recipient) of each meeting reminder -> the lines of the officer's month, for
    its email section; three queries for the batch."""
    ids = {int(i.subject.split(":", 1)[1]) for i in items}
    if not ids:
        return {}
    meetings = [
        UpcomingMeeting(*row)
        for row in session.execute(
            select(Meeting.id, Meeting.unit_id, Meeting.held_on, Meeting.year, Meeting.month).where(
                Meeting.id.in_(ids)
            )
        )
    ]
    lines = month_lines(session, meetings, today)
    task_ids = {line.task_id for found in lines.values() for line in found}
    titles = (
        dict(session.execute(select(Task.id, Task.title).where(Task.id.in_(task_ids))).all())
        if task_ids
        else {}
    )
    result: dict[tuple[str, int], list[Line]] = {}
    for item in items:
        meeting_id = int(item.subject.split(":", 1)[1])
        result[(item.subject, item.recipient_id)] = [
            Line(
                title=titles.get(line.task_id, ""),
                url=link("tasks.detail", task_id=line.task_id),
                status=f"{STATUS[line.status]} (hạn {line.deadline:%d/%m/%Y})"
                if line.deadline
                else STATUS[line.status],
            )
            for line in sorted(
                lines.get((meeting_id, item.recipient_id), []),
                key=lambda line: (line.deadline or date.max, line.task_id),
            )
        ]
    return result
