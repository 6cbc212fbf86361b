"""Recording a pass's reminders exactly once, with their in-app notices."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from tracker.reminders.delivery.database import insert_once
from tracker.reminders.delivery.queueing import queue_emails
from tracker.reminders.models import ItemEmailState, ReminderItem, ReminderKind
from tracker.reminders.rendering import notice_text
from tracker.reminders.selection import Due, Selection
from tracker.tasks.models import Notification


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
        session.execute(
            Notification.__table__.insert(),
            [
                {
                    "officer_id": due.recipient_id,
                    "task_id": due.task_id,
                    "kind": f"reminder_{due.kind.value}",
                    "message": messages[due.key],
                    "created_at": now,
                }
                for _, due in result.items
            ],
        )
        result.notifications = len(result.items)
    result.emails = queue_emails(session, selection.day, now)
    return result
