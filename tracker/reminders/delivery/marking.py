"""Marking what the mail server answered: sent, failed for good, or to retry."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from tracker.reminders.delivery.writing import Outgoing
from tracker.reminders.models import EmailState, ReminderEmail

MAX_BACKOFF = timedelta(hours=1)


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4, 8 … minutes after each failed attempt, at most an hour."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


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
