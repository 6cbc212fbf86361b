"""Writing each claimed email from its reminders."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from flask import Flask, current_app
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from tracker.core.workdays import CalendarBook
from tracker.people.models import Officer
from tracker.people.queries import calendar_exceptions
from tracker.reminders.delivery.digest import unit_digests
from tracker.reminders.delivery.rechecking import latest_per_task, still_true
from tracker.reminders.models import (
    EmailState,
    ItemEmailState,
    RecipientRole,
    ReminderEmail,
    ReminderItem,
    ReminderKind,
)
from tracker.reminders.rendering import (
    SECTIONS,
    EmailContent,
    Line,
    Section,
    render_email,
    section_of,
    status_phrase,
    url_builder,
)
from tracker.reminders.selection import app_email_lines
from tracker.tasks.models import Task, task_supporters


@dataclass
class Outgoing:
    """A claimed email, written and ready for the transport."""

    email_id: int
    to_name: str
    to_address: str
    content: EmailContent
    key: str  # the delivery's key: its Message-ID derives from it (mail.stable_message_id)


def delivery_key(email: ReminderEmail) -> str:
    """What identifies an email for good: its row and its unique key (recipient, day, batch)."""
    day = email.send_on.isoformat()
    return f"reminder-email:{email.id}:{email.recipient_id}:{day}:{email.batch}"


def calendars(session: Session, today: date, unit_ids) -> CalendarBook:
    """The units' working days around `today`, tabulated (the rule itself outside the table)."""
    return CalendarBook(
        today - timedelta(days=1100),
        today + timedelta(days=400),
        calendar_exceptions(session, unit_ids),
    )


def _days_now(item: ReminderItem, today: date, days: CalendarBook) -> int | None:
    """The item's day count as of `today` (it may go out after the day it was recorded)."""
    if item.recorded_on == today or item.deadline is None:
        return item.days
    if item.kind in (ReminderKind.OVERDUE, ReminderKind.ESCALATION):
        return days.working_days_between(item.unit_id, item.deadline, today)
    return max(days.working_days_between(item.unit_id, today, item.deadline), 0)


def _status_now(item: ReminderItem, today: date, days: CalendarBook) -> str:
    kind = item.kind
    if kind in (ReminderKind.BEFORE, ReminderKind.DUE) and item.deadline is not None:
        if item.deadline < today:
            kind = ReminderKind.OVERDUE  # it went out late: say what is true today
        elif item.deadline == today:
            kind = ReminderKind.DUE
    return status_phrase(kind, _days_now(item, today, days), item.deadline)


def prepare(
    session: Session, email_ids: Sequence[int], today: date, app: Flask | None = None
) -> list[Outgoing]:
    """Write the claimed emails from their reminders (a few queries for the whole batch).

    Reminders no longer true are dropped; an email left with nothing is cancelled, as is one to
    an officer who turned email off or left (their reminders stay in the app)."""
    app = app or current_app
    if not email_ids:
        return []
    emails = session.scalars(
        select(ReminderEmail)
        .where(ReminderEmail.id.in_(list(email_ids)))
        .options(
            joinedload(ReminderEmail.recipient),
            selectinload(ReminderEmail.items).joinedload(ReminderItem.task).joinedload(Task.plan),
            selectinload(ReminderEmail.items).joinedload(ReminderItem.occurrence),
            selectinload(ReminderEmail.items).joinedload(ReminderItem.sender),
        )
        .order_by(ReminderEmail.id)
    ).all()
    link = url_builder(app)
    reminders_url = link("reminders.mine")
    days = calendars(
        session, today, {e.unit_id for e in emails} | {i.unit_id for e in emails for i in e.items}
    )
    task_ids = {i.task_id for e in emails for i in e.items if i.task_id is not None}
    supporting = (
        {
            (task_id, officer_id)
            for task_id, officer_id in session.execute(
                select(task_supporters.c.task_id, task_supporters.c.officer_id).where(
                    task_supporters.c.task_id.in_(task_ids)
                )
            )
        }
        if task_ids
        else set()
    )
    leads: dict[int, str] = {}
    lead_ids = {i.task.lead_officer_id for e in emails for i in e.items if i.task}
    if lead_ids:
        leads = dict(
            session.execute(
                select(Officer.id, Officer.full_name).where(Officer.id.in_(lead_ids))
            ).all()
        )
    digest_units = {
        i.unit_id
        for e in emails
        for i in e.items
        if i.kind is ReminderKind.DIGEST and i.email_state is ItemEmailState.ATTACHED
    }
    digests = unit_digests(session, digest_units, today, link, days)
    # Lines a source writes under its reminders (the officer's month under a meeting reminder,
    # issue 5), from the sources the app lists (`tracker.configure_reminders`).
    extra_lines: dict[tuple[ReminderKind, str, int], list[Line]] = {}
    for kind, email_lines in app_email_lines(app).items():
        items = [
            i
            for e in emails
            for i in e.items
            if i.kind is kind and i.email_state is ItemEmailState.ATTACHED
        ]
        if items:
            for (subject, recipient_id), lines in email_lines(session, items, today, link).items():
                extra_lines[(kind, subject, recipient_id)] = lines
    outgoing: list[Outgoing] = []
    with session.no_autoflush:
        for email in emails:
            out = _write(
                email,
                today,
                link,
                reminders_url,
                days,
                digests,
                leads,
                supporting,
                app,
                extra_lines,
            )
            if out is not None:
                outgoing.append(out)
    session.flush()
    return outgoing


def _write(
    email: ReminderEmail,
    today: date,
    link,
    reminders_url: str,
    days: CalendarBook,
    digests,
    leads,
    supporting: set[tuple[int, int]],
    app,
    extra_lines=None,
) -> Outgoing | None:
    """One claimed email written from its reminders (None: cancelled)."""
    recipient = email.recipient
    live = [i for i in email.items if i.email_state is ItemEmailState.ATTACHED]
    if not recipient.active or not recipient.email_reminders:
        for item in live:
            item.email_state = ItemEmailState.OFF
        email.state = EmailState.CANCELLED
        email.claimed_until = None
        email.last_error = "email reminders off" if recipient.active else "officer inactive"
        return None
    kept = []
    for item in live:
        if still_true(item, supporting):
            kept.append(item)
        else:
            item.email_state = ItemEmailState.DROPPED
    kept = latest_per_task(kept)
    if not kept:
        email.state = EmailState.CANCELLED
        email.claimed_until = None
        email.last_error = "nothing left to remind"
        return None
    sections = {key: Section(key, heading) for key, heading in SECTIONS}
    digest = None
    for item in sorted(kept, key=_item_order):
        if item.kind is ReminderKind.DIGEST:
            digest = digests.get(item.unit_id)
            continue
        task = item.task
        section = sections[section_of(item.kind, item.role)]
        if item.kind is ReminderKind.MEETING:
            line = Line(
                title=item.message,
                url=link("tasks.mine"),
                status=_status_now(item, today, days),
            )
        else:
            line = Line(
                title=task.title if task else item.message,
                url=link("tasks.detail", task_id=task.id) if task else reminders_url,
                status=_status_now(item, today, days) + _words_of_sender(item),
                plan=task.plan.title if task else "",
                label=item.occurrence.label if item.occurrence else "",
                lead=(
                    leads.get(task.lead_officer_id, "")
                    if task and item.role is not RecipientRole.LEAD
                    else ""
                ),
                supporting=item.role is RecipientRole.SUPPORTER,
            )
        section.lines.append(line)
        # What the item's source writes under it (the officer's month under a meeting reminder).
        section.lines.extend(
            (extra_lines or {}).get((item.kind, item.subject, item.recipient_id), ())
        )
    content = render_email(
        recipient_name=recipient.full_name,
        day=today,
        sections=list(sections.values()),
        digest=digest,
        reminders_url=reminders_url,
        app=app,
    )
    # The content is stored with the outcome (mark_sent, mark_failed): one write per email.
    return Outgoing(email.id, recipient.full_name, recipient.email, content, delivery_key(email))


def _words_of_sender(item: ReminderItem) -> str:
    """A reminder sent by hand carries its sender's words."""
    if item.kind not in (ReminderKind.PROMPT, ReminderKind.EXPLANATION) or not item.message:
        return ""
    who = item.sender.full_name if item.sender else "Lãnh đạo"
    return f" · {who}: {item.message}"


def _item_order(item: ReminderItem):
    return (item.deadline or date.max, item.task_id or 0, item.occurrence_id or 0, item.id)
