"""Claiming due emails for this sender, and attaching each officer's queued reminders."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from sqlalchemy import and_, false, func, or_, select, true, update
from sqlalchemy.orm import Session

from tracker.core.workdays import WorkCalendar
from tracker.people.queries import calendar_exceptions
from tracker.reminders.delivery.queueing import DAILY
from tracker.reminders.models import EmailState, ItemEmailState, ReminderEmail, ReminderItem

# How long a claim holds its emails. A sender starts the messages of a batch only within
# SEND_WINDOW of claiming it (tracker.reminders.jobs.deliver releases the rest), and one send
# takes at most SEND_STEPS SMTP commands (connect, EHLO, STARTTLS, EHLO, AUTH, MAIL, RCPT, DATA,
# the end of data, QUIT of a full connection), each bounded by MAIL_TIMEOUT: so when the lease
# ends, no message of it is still on its way, and a sender that died is replaced soon after.
# Measured (bench/reminders.py, this 2-core machine, loopback SMTP): a batch of 100 emails is
# written and sent in about 1 s (100 emails/s); a remote server at 5/s would need 20 s.
SEND_WINDOW = timedelta(seconds=30)
SEND_STEPS = 10


def lease_for(timeout_seconds: float) -> timedelta:
    return SEND_WINDOW + timedelta(seconds=SEND_STEPS * timeout_seconds)


LEASE = lease_for(30.0)  # with the default MAIL_TIMEOUT (30 s): 5 min 30 s (was 15 min)


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
    lease: timedelta = LEASE,
) -> list[int]:
    """Claim up to `limit` due emails (of `ids`, if given) for this sender for `lease`, and
    attach to each its officer's queued reminders. Nothing goes out on a day off of the
    officer's unit."""
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
            .values(state=EmailState.SENDING, claimed_until=now + lease)
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
