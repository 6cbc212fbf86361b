"""Read-side queries of the reminders area (a fixed number of queries per page)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from tracker.reminders.models import EmailState, ReminderEmail, ReminderItem, ReminderKind
from tracker.tasks.notices import NoticeLine

# The reminders a day's notice lists (a meeting's, a prompt's, an explanation's are notices of
# their own).
DAY_KINDS = (
    ReminderKind.BEFORE,
    ReminderKind.DUE,
    ReminderKind.OVERDUE,
    ReminderKind.ESCALATION,
    ReminderKind.DIGEST,
)

PAGE = 200


def officer_reminders(session: Session, officer_id: int, limit: int = PAGE) -> list[ReminderItem]:
    """The reminders an officer was sent, newest first."""
    return list(
        session.scalars(
            select(ReminderItem)
            .where(ReminderItem.recipient_id == officer_id)
            .options(joinedload(ReminderItem.task), joinedload(ReminderItem.email))
            .order_by(ReminderItem.id.desc())
            .limit(limit)
        )
    )


def unit_reminders(session: Session, unit_id: int, limit: int = PAGE) -> list[ReminderItem]:
    """Every reminder sent in a unit, newest first."""
    return list(
        session.scalars(
            select(ReminderItem)
            .where(ReminderItem.unit_id == unit_id)
            .options(
                joinedload(ReminderItem.task),
                joinedload(ReminderItem.email),
                joinedload(ReminderItem.recipient),
            )
            .order_by(ReminderItem.id.desc())
            .limit(limit)
        )
    )


def email_counts(session: Session, unit_id: int | None = None) -> dict[EmailState, int]:
    query = select(ReminderEmail.state, func.count()).group_by(ReminderEmail.state)
    if unit_id is not None:
        query = query.where(ReminderEmail.unit_id == unit_id)
    counts = dict(session.execute(query).all())
    return {state: counts.get(state, 0) for state in EmailState}


def recent_emails(session: Session, unit_id: int | None, limit: int = 100) -> list[ReminderEmail]:
    """The latest reminder emails (of a unit, or all), with their recipients."""
    query = select(ReminderEmail).options(joinedload(ReminderEmail.recipient))
    if unit_id is not None:
        query = query.where(ReminderEmail.unit_id == unit_id)
    return list(session.scalars(query.order_by(ReminderEmail.id.desc()).limit(limit)))


def day_lines(
    session: Session, officer_id: int, days: Sequence[date]
) -> dict[date, list[NoticeLine]]:
    """The reminders recorded for the officer on each of `days`, for the notifications page's
    notice of the day (tasks.notices.NOTICE_LINES); one query."""
    found: dict[date, list[NoticeLine]] = defaultdict(list)
    for day, task_id, message in session.execute(
        select(ReminderItem.recorded_on, ReminderItem.task_id, ReminderItem.message)
        .where(
            ReminderItem.recipient_id == officer_id,
            ReminderItem.recorded_on.in_(list(days)),
            ReminderItem.kind.in_(DAY_KINDS),
        )
        .order_by(ReminderItem.id)
    ):
        found[day].append(NoticeLine(task_id, message))
    return dict(found)
