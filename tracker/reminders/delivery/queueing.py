"""Queueing the emails that carry the reminders: the daily one, and those sent by hand."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.people.models import Officer
from tracker.reminders.delivery.database import insert_once
from tracker.reminders.models import (
    EmailState,
    ItemEmailState,
    RecipientRole,
    ReminderEmail,
    ReminderItem,
    ReminderKind,
)
from tracker.reminders.preferences import email_hours, send_at
from tracker.tasks.models import Task

DAILY = "daily"


def queue_emails(session: Session, day: date, now: datetime, batch: str = DAILY) -> list[int]:
    """An email for `day` to every officer with queued reminders and no email waiting to go:
    at most one a day (the unique key), and at most one unsent at a time (an unsent one takes
    the new reminders when it is claimed)."""
    waiting = select(ReminderItem.recipient_id).where(
        ReminderItem.email_state == ItemEmailState.QUEUED
    )
    unsent = select(ReminderEmail.recipient_id).where(
        ReminderEmail.batch == batch,
        ReminderEmail.state.in_([EmailState.PENDING, EmailState.SENDING]),
    )
    recipients = session.execute(
        select(Officer.id, Officer.unit_id)
        .where(Officer.id.in_(waiting), Officer.id.not_in(unsent))
        .order_by(Officer.id)
    ).all()
    if not recipients:
        return []
    hours = email_hours(session, [o for o, _ in recipients]) if batch == DAILY else {}
    table = ReminderEmail.__table__
    return list(
        session.scalars(
            insert_once(session, table).returning(table.c.id),
            [
                {
                    "recipient_id": officer_id,
                    "unit_id": unit_id,
                    "batch": batch,
                    "send_on": day,
                    "state": EmailState.PENDING,
                    "attempts": 0,
                    # at the hour the officer chose (Cài đặt thông báo), else now
                    "next_attempt_at": send_at(day, hours.get(officer_id), now),
                    "created_at": now,
                }
                for officer_id, unit_id in recipients
            ],
        )
    )


def queue_manual(
    session: Session,
    *,
    kind: ReminderKind,
    subject: str,
    task: Task | None,
    recipients: Sequence[tuple[Officer, RecipientRole]],
    sender: Officer | None,
    message: str,
    note: str = "",
    day: date,
    now: datetime,
) -> list[int]:
    """A reminder sent by hand (đôn đốc, yêu cầu giải trình): recorded like the automatic ones,
    one item per recipient under the action's own key (`subject`, e.g. "prompt:12"), and
    carried by an email of its own (batch = `subject`) that goes out now rather than in the
    next daily email: a leader's action is news the day it happens. Returns the emails queued
    (for `tracker.reminders.jobs.deliver(ids=…)`); officers who turned email off, or left,
    get none. The in-app notice is the caller's (it words it).

    `note` is the leader's own words; `message` the whole notice, kept with the item."""
    emails: list[int] = []
    table = ReminderEmail.__table__
    for officer, role in recipients:
        wants = officer.active and officer.email_reminders
        email_id = None
        if wants:
            email_id = session.scalar(
                insert_once(session, table).returning(table.c.id),
                [
                    {
                        "recipient_id": officer.id,
                        "unit_id": officer.unit_id,
                        "batch": subject[:40],
                        "send_on": day,
                        "state": EmailState.PENDING,
                        "attempts": 0,
                        "next_attempt_at": now,
                        "created_at": now,
                    }
                ],
            )
        inserted = session.scalar(
            insert_once(session, ReminderItem.__table__).returning(ReminderItem.__table__.c.id),
            [
                {
                    "subject": subject[:40],
                    "kind": kind,
                    "due_on": day,
                    "recipient_id": officer.id,
                    "role": role,
                    "unit_id": officer.unit_id,
                    "task_id": task.id if task else None,
                    "deadline": task.deadline if task else None,
                    "recorded_on": day,
                    "message": note or message,
                    "sender_id": sender.id if sender else None,
                    "email_state": (ItemEmailState.ATTACHED if email_id else ItemEmailState.OFF),
                    "email_id": email_id,
                    "created_at": now,
                }
            ],
        )
        if email_id is not None and inserted is not None:
            emails.append(email_id)
    return emails
