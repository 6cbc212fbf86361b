"""Recording a pass's reminders exactly once, with their in-app notices."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from tracker.core.formatting import format_date
from tracker.reminders.delivery.database import insert_once
from tracker.reminders.delivery.queueing import queue_emails
from tracker.reminders.models import ItemEmailState, ReminderItem, ReminderKind
from tracker.reminders.rendering import notice_text
from tracker.reminders.selection import Due, Selection
from tracker.tasks.models import Notification
from tracker.tasks.notices import DAY_REMINDERS, MEETING


@dataclass
class Recorded:
    items: list[tuple[int, Due]] = field(default_factory=list)  # (id, due) inserted by this call
    notifications: int = 0
    emails: list[int] = field(default_factory=list)  # emails queued by this call


def record(session: Session, selection: Selection, now: datetime) -> Recorded:
    """Record the selection's reminders; those another pass recorded first are skipped."""
    ctx = selection.context
    officers = ctx.officers
    rows = []
    messages: dict[tuple, str] = {}
    for due in selection.dues:
        subject = selection.subjects.get(due.subject)
        lead = officers.get(subject.lead_officer_id) if subject else None
        message = notice_text(
            due.kind,
            due.role,
            title=subject.title if subject else due.title,
            label=subject.label if subject else "",
            deadline=due.deadline,
            days=due.days,
            lead_name=lead.full_name if lead else "",
            counts=due.counts,
        )
        messages[due.key] = message
        rows.append(
            {
                "subject": due.subject,
                "kind": due.kind,
                "due_on": due.due_on,
                "recipient_id": due.recipient_id,
                "role": due.role,
                "unit_id": due.unit_id,
                "task_id": due.task_id,
                "occurrence_id": due.occurrence_id,
                "deadline": due.deadline,
                "days": due.days,
                "recorded_on": selection.day,
                "message": message,
                "email_state": (
                    ItemEmailState.QUEUED
                    if officers[due.recipient_id].email_reminders
                    else ItemEmailState.OFF
                ),
                "created_at": now,
            }
        )
    result = Recorded()
    if not rows:
        result.emails = queue_emails(session, selection.day, now)
        return result
    table = ReminderItem.__table__
    inserted = session.execute(
        insert_once(session, table).returning(
            table.c.id, table.c.subject, table.c.kind, table.c.due_on, table.c.recipient_id
        ),
        rows,
    ).all()
    by_key = {due.key: due for due in selection.dues}
    for row in inserted:
        key = (row.subject, ReminderKind(row.kind), row.due_on, row.recipient_id)
        result.items.append((row.id, by_key[key]))
    result.items.sort(key=lambda pair: pair[0])
    if result.items:
        dues = [due for _, due in result.items]
        result.notifications = _notify(session, selection.day, dues, messages, now)
    result.emails = queue_emails(session, selection.day, now)
    return result


def _notify(
    session: Session, day: date, dues: list[Due], messages: dict[tuple, str], now: datetime
) -> int:
    """The in-app notices of the reminders just recorded: a meeting reminder is a notice of its
    own (it needs the officer: tasks.notices), the others of a day are ONE notice per officer,
    listing them (a later pass of the same day brings it back unread)."""
    table = Notification.__table__
    meetings = [due for due in dues if due.kind is ReminderKind.MEETING]
    if meetings:
        session.execute(
            insert_once(session, table),
            [
                {
                    "officer_id": due.recipient_id,
                    "task_id": None,
                    "kind": MEETING,
                    "day": due.deadline,  # the meeting's date: it needs action until then
                    "message": messages[due.key],
                    "created_at": now,
                }
                for due in meetings
            ],
        )
    officers = sorted({due.recipient_id for due in dues if due.kind is not ReminderKind.MEETING})
    if officers:
        session.execute(
            insert_once(session, table),
            [
                {
                    "officer_id": officer_id,
                    "task_id": None,
                    "kind": DAY_REMINDERS,
                    "day": day,
                    "message": f"Nhắc việc ngày {format_date(day)}",  # stored, like the others
                    "created_at": now,
                }
                for officer_id in officers
            ],
        )
        session.execute(
            update(Notification)
            .where(
                Notification.officer_id.in_(officers),
                Notification.kind == DAY_REMINDERS,
                Notification.day == day,
            )
            .values(read_at=None, created_at=now)
            .execution_options(synchronize_session=False)
        )
    return len(meetings) + len(officers)
