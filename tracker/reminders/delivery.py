"""Recording reminders exactly once, their in-app notices, and the life of the daily emails.

    record()    inserts the due reminders, skipping any key already there (a concurrent pass's),
                adds an in-app notice for each one this call inserted, and queues an email for
                every officer with queued reminders and no unsent email: all in the caller's
                transaction, so either everything of a pass is recorded or nothing is.
    claim()     takes due emails for this sender (pending and due, or a sender's claim that
                expired), then attaches each officer's queued reminders to their email.
    prepare()   writes each claimed email from its reminders, dropping those no longer true.
    mark_*()    what the mail server answered.

Functions flush, never commit; the job (tracker.reminders.jobs) commits between the steps, so a
claim is visible to other senders before any message leaves, and a message is marked sent only
after the server accepted it. The window left: a crash after the server accepted a message and
before its "sent" was committed sends that one email again on the retry.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import Flask, current_app
from sqlalchemy import and_, bindparam, false, func, or_, select, true, update
from sqlalchemy.orm import Session, joinedload, selectinload

from tracker.core.status import DeadlineClass, deadline_class, missed_since
from tracker.core.workdays import CalendarBook, WorkCalendar
from tracker.people.models import Officer, Unit
from tracker.people.queries import calendar_exceptions
from tracker.plans.models import Plan
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
    Digest,
    EmailContent,
    Line,
    Section,
    notice_text,
    render_email,
    section_of,
    status_phrase,
    url_builder,
)
from tracker.reminders.selection import Due, Selection
from tracker.tasks.models import Notification, Task, TaskState, task_supporters
from tracker.tasks.queries import status_rows

DAILY = "daily"
LEASE = timedelta(minutes=15)
MAX_BACKOFF = timedelta(hours=1)
# Reminders about a task's deadline, true only while the task is open.
DEADLINE_KINDS = frozenset(
    {ReminderKind.BEFORE, ReminderKind.DUE, ReminderKind.OVERDUE, ReminderKind.ESCALATION}
)


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4, 8 … minutes after each failed attempt, at most an hour."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def _insert(session: Session, table):
    """INSERT … ON CONFLICT DO NOTHING, in the dialect of the session's database."""
    name = session.get_bind().dialect.name
    if name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - the product runs on these two
        raise RuntimeError(f"reminders need PostgreSQL or SQLite, not {name}")
    return insert(table).on_conflict_do_nothing()


# ---------------------------------------------------------------------------- recording


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
            title=subject.title if subject else "",
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
        _insert(session, table).returning(
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
    table = ReminderEmail.__table__
    return list(
        session.scalars(
            _insert(session, table).returning(table.c.id),
            [
                {
                    "recipient_id": officer_id,
                    "unit_id": unit_id,
                    "batch": batch,
                    "send_on": day,
                    "state": EmailState.PENDING,
                    "attempts": 0,
                    "next_attempt_at": now,
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
                _insert(session, table).returning(table.c.id),
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
            _insert(session, ReminderItem.__table__).returning(ReminderItem.__table__.c.id),
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


# ---------------------------------------------------------------------------- claiming


def _claimable(now: datetime):
    return or_(
        and_(ReminderEmail.state == EmailState.PENDING, ReminderEmail.next_attempt_at <= now),
        and_(ReminderEmail.state == EmailState.SENDING, ReminderEmail.claimed_until < now),
    )


def _working_units(session: Session, today: date):
    """A condition on ReminderEmail.unit_id: units where `today` is a working day."""
    exceptions = {
        unit_id: days[today] for unit_id, days in calendar_exceptions(session, day=today).items()
    }
    if WorkCalendar().is_working_day(today):
        off = [unit_id for unit_id, works in exceptions.items() if not works]
        return ReminderEmail.unit_id.not_in(off) if off else true()
    on = [unit_id for unit_id, works in exceptions.items() if works]
    return ReminderEmail.unit_id.in_(on) if on else false()


def claim(
    session: Session,
    now: datetime,
    today: date,
    limit: int = 100,
    ids: Sequence[int] | None = None,
) -> list[int]:
    """Claim up to `limit` due emails (of `ids`, if given) for this sender, and attach to each
    its officer's queued reminders. Nothing goes out on a day off of the officer's unit."""
    query = select(ReminderEmail.id).where(_claimable(now), _working_units(session, today))
    if ids is not None:
        query = query.where(ReminderEmail.id.in_(list(ids)))
    candidates = list(session.scalars(query.order_by(ReminderEmail.id).limit(limit)))
    if not candidates:
        return []
    claimed = sorted(
        session.scalars(
            update(ReminderEmail)
            .where(ReminderEmail.id.in_(candidates), _claimable(now))
            .values(state=EmailState.SENDING, claimed_until=now + LEASE)
            .returning(ReminderEmail.id)
            .execution_options(synchronize_session=False)
        )
    )
    if claimed:
        # The daily emails take their officer's queued reminders; an email sent by hand
        # (queue_manual) came with its own.
        daily = and_(ReminderEmail.id.in_(claimed), ReminderEmail.batch == DAILY)
        email_of = (
            select(func.min(ReminderEmail.id))
            .where(daily, ReminderEmail.recipient_id == ReminderItem.recipient_id)
            .scalar_subquery()
        )
        recipients = select(ReminderEmail.recipient_id).where(daily)
        session.execute(
            update(ReminderItem)
            .where(
                ReminderItem.email_state == ItemEmailState.QUEUED,
                ReminderItem.recipient_id.in_(recipients),
            )
            .values(email_id=email_of, email_state=ItemEmailState.ATTACHED)
            .execution_options(synchronize_session=False)
        )
    return claimed


# ---------------------------------------------------------------------------- writing


@dataclass
class Outgoing:
    """A claimed email, written and ready for the transport."""

    email_id: int
    to_name: str
    to_address: str
    content: EmailContent


def _still_true(item: ReminderItem, supporting: set[tuple[int, int]]) -> bool:
    """A deadline reminder holds while its task (or occurrence) is open and, for the lead's
    own reminders, while the recipient still leads it (supports it, for a copy).
    `supporting`: the (task, officer) pairs of the batch's tasks."""
    if item.kind not in DEADLINE_KINDS:
        return True
    task = item.task
    if task is None or task.archived_at is not None or task.plan.archived_at is not None:
        return False
    state = item.occurrence.state if item.occurrence is not None else task.state
    if not state.is_open:
        return False
    if item.role is RecipientRole.LEAD:
        return task.lead_officer_id == item.recipient_id
    if item.role is RecipientRole.SUPPORTER:
        return (task.id, item.recipient_id) in supporting
    return True


def _calendars(session: Session, today: date, unit_ids) -> CalendarBook:
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


def _digests(
    session: Session, unit_ids: set[int], today: date, link, days: CalendarBook
) -> dict[int, Digest]:
    """The units' overdue tasks (the status rule, as the dashboard counts them) and pending
    confirmations, as of the day the email goes out: a few queries for all the units."""
    if not unit_ids:
        return {}
    rows = status_rows(session, Plan.unit_id.in_(unit_ids))
    overdue_ids = [
        r.task_id for r in rows if deadline_class(r, today) is DeadlineClass.OPEN_OVERDUE
    ]
    units = {unit.id: unit for unit in session.scalars(select(Unit).where(Unit.id.in_(unit_ids)))}
    found = {
        unit_id: Digest(
            unit_name=unit.name,
            overdue=[],
            pending=[],
            dashboard_url=link("dashboard.index", unit_code=unit.code),
        )
        for unit_id, unit in units.items()
    }
    overdue = (
        session.scalars(
            select(Task)
            .where(Task.id.in_(overdue_ids))
            .options(
                joinedload(Task.plan), joinedload(Task.lead_officer), selectinload(Task.occurrences)
            )
            .order_by(Task.deadline, Task.id)
        ).all()
        if overdue_ids
        else []
    )
    for task in overdue:
        unit_id = task.plan.unit_id
        late_since = missed_since(task, today)
        status = status_phrase(
            ReminderKind.OVERDUE, days.working_days_between(unit_id, late_since, today), late_since
        )
        if task.state is TaskState.PENDING_CONFIRMATION:
            status += " · đã báo cáo, chờ xác nhận"
        found[unit_id].overdue.append(
            Line(
                title=task.title,
                url=link("tasks.detail", task_id=task.id),
                status=status,
                lead=task.lead_officer.full_name if task.lead_officer else "",
            )
        )
    pending = session.scalars(
        select(Task)
        .join(Plan, Plan.id == Task.plan_id)
        .where(
            Plan.unit_id.in_(unit_ids),
            Plan.archived_at.is_(None),
            Task.archived_at.is_(None),
            Task.state == TaskState.PENDING_CONFIRMATION,
        )
        .options(joinedload(Task.plan), joinedload(Task.lead_officer))
        .order_by(Task.deadline.is_(None), Task.deadline, Task.id)
    ).all()
    for task in pending:
        found[task.plan.unit_id].pending.append(
            Line(
                title=task.title,
                url=link("tasks.detail", task_id=task.id),
                status=f"hạn {task.deadline:%d/%m/%Y}" if task.deadline else "",
                lead=task.lead_officer.full_name if task.lead_officer else "",
            )
        )
    return found


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
    days = _calendars(
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
    digests = _digests(session, digest_units, today, link, days)
    meeting_items = [
        i
        for e in emails
        for i in e.items
        if i.kind is ReminderKind.MEETING and i.email_state is ItemEmailState.ATTACHED
    ]
    meeting_lines = {}
    if meeting_items:  # the officer's month, for the meeting reminder's section (issue 5)
        from tracker.meetings.reminders import email_lines

        meeting_lines = email_lines(session, meeting_items, today, link)
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
                meeting_lines,
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
    meeting_lines=None,
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
        if _still_true(item, supporting):
            kept.append(item)
        else:
            item.email_state = ItemEmailState.DROPPED
    kept = _latest_per_task(kept)
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
            section.lines.append(
                Line(
                    title=item.message,
                    url=link("tasks.mine"),
                    status=_status_now(item, today, days),
                )
            )
            section.lines.extend((meeting_lines or {}).get((item.subject, item.recipient_id), []))
            continue
        section.lines.append(
            Line(
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
    return Outgoing(email.id, recipient.full_name, recipient.email, content)


def _words_of_sender(item: ReminderItem) -> str:
    """A reminder sent by hand carries its sender's words."""
    if item.kind not in (ReminderKind.PROMPT, ReminderKind.EXPLANATION) or not item.message:
        return ""
    who = item.sender.full_name if item.sender else "Lãnh đạo"
    return f" · {who}: {item.message}"


# The lead's schedule: a later reminder of one task says all an earlier one said.
SEQUENCE_KINDS = frozenset({ReminderKind.BEFORE, ReminderKind.DUE, ReminderKind.OVERDUE})


def _latest_per_task(items: list[ReminderItem]) -> list[ReminderItem]:
    """An email that waited (the server was down) may hold two reminders of one task's
    schedule: it shows the latest only (the earlier stay attached: they went out with it)."""
    latest: dict[tuple[str, RecipientRole], ReminderItem] = {}
    for item in items:
        if item.kind in SEQUENCE_KINDS:
            key = (item.subject, item.role)
            if key not in latest or (item.due_on, item.id) > (latest[key].due_on, latest[key].id):
                latest[key] = item
    return [i for i in items if i.kind not in SEQUENCE_KINDS or latest[(i.subject, i.role)] is i]


def _item_order(item: ReminderItem):
    return (item.deadline or date.max, item.task_id or 0, item.occurrence_id or 0, item.id)


# ---------------------------------------------------------------------------- outcomes


def _content(out: Outgoing | None) -> dict:
    if out is None:
        return {}
    return {
        "to_address": out.to_address[:254],
        "subject": out.content.subject,
        "body_text": out.content.text,
        "body_html": out.content.html,
    }


_emails = ReminderEmail.__table__
# Built once: sending marks hundreds of emails a second, one statement each.
_MARK_SENT = (
    _emails.update()
    .where(_emails.c.id == bindparam("email_id"), _emails.c.state == EmailState.SENDING)
    .values(
        state=EmailState.SENT,
        sent_at=bindparam("sent_at"),
        message_id=bindparam("message_id"),
        transport=bindparam("transport"),
        attempts=_emails.c.attempts + 1,
        claimed_until=None,
        last_error="",
        to_address=bindparam("to_address"),
        subject=bindparam("subject"),
        body_text=bindparam("body_text"),
        body_html=bindparam("body_html"),
    )
)


def mark_sent(
    session: Session,
    email_id: int,
    now: datetime,
    message_id: str,
    transport: str,
    out: Outgoing | None = None,
) -> bool:
    """Sent: only an email this sender still holds (a claim that expired is another's now).

    Committed on its own right after the server accepted the message. On PostgreSQL that
    commit does not wait for the disk (synchronous_commit off for this transaction only): a
    crash of this process loses nothing; a crash of the database server itself could forget
    the last fraction of a second of "sent" marks, and those few emails would go again."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("SET LOCAL synchronous_commit TO OFF")
    content = _content(out) or {
        "to_address": "",
        "subject": "",
        "body_text": "",
        "body_html": "",
    }
    result = connection.execute(
        _MARK_SENT,
        {
            "email_id": email_id,
            "sent_at": now,
            "message_id": message_id[:255],
            "transport": transport,
            **content,
        },
    )
    return result.rowcount == 1


def mark_failed(
    session: Session, email_id: int, now: datetime, error: str, out: Outgoing | None = None
) -> None:
    """Refused for good (a bad address): not retried; the reminders stay in the app."""
    session.execute(
        update(ReminderEmail)
        .where(ReminderEmail.id == email_id, ReminderEmail.state == EmailState.SENDING)
        .values(
            state=EmailState.FAILED,
            attempts=ReminderEmail.attempts + 1,
            claimed_until=None,
            last_error=error[:2000],
            **_content(out),
        )
        .execution_options(synchronize_session=False)
    )


def mark_retry(
    session: Session,
    email_ids: Sequence[int],
    now: datetime,
    error: str,
    *,
    attempted: bool,
    until: datetime | None = None,
) -> datetime | None:
    """Back to the queue, to be tried again after a backoff that grows with the attempts (or
    at `until`: the rest of a batch waits as long as the email that found the server down).
    Returns when the (last) email will be tried again."""
    if not email_ids:
        return None
    rows = session.execute(
        select(ReminderEmail.id, ReminderEmail.attempts).where(
            ReminderEmail.id.in_(list(email_ids)), ReminderEmail.state == EmailState.SENDING
        )
    ).all()
    latest = None
    for email_id, attempts in rows:
        attempts += 1 if attempted else 0
        retry_at = until or now + retry_delay(max(attempts, 1))
        latest = max(latest or retry_at, retry_at)
        session.execute(
            update(ReminderEmail)
            .where(ReminderEmail.id == email_id, ReminderEmail.state == EmailState.SENDING)
            .values(
                state=EmailState.PENDING,
                attempts=attempts,
                next_attempt_at=retry_at,
                claimed_until=None,
                last_error=error[:2000],
            )
            .execution_options(synchronize_session=False)
        )
    return latest
