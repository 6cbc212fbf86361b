"""Which in-app notices need the officer's action: the one definition, for the menu's badge
and the notifications page ("Cần xử lý" above "Để biết").

A notice needs action while what it asks is still to be done: a completion to confirm, returned
work to submit again, an explanation asked of the officer, a meeting they attend that has not
yet been held. The operation that does it marks the notices of it resolved (`resolve`), for
every officer they went to; a meeting's notice lapses after its day. Everything else (the
day's reminders, confirmations, assignments …) is for information.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, and_, or_, update
from sqlalchemy.orm import Session

from tracker.core.clock import utcnow
from tracker.tasks.models import Notification

SUBMITTED = "submitted"  # a completion to confirm or return
RETURNED = "returned"  # returned work to submit again
EXPLANATION = "reminder_explanation"  # an explanation asked of the officer
MEETING = "reminder_meeting"  # a meeting the officer attends
ACTION_KINDS = frozenset({SUBMITTED, RETURNED, EXPLANATION, MEETING})

# The day's reminders (before, on and after deadlines, escalations, the weekly digest): one
# notice per officer and day, `day` the pass's day, its reminders listed under it.
DAY_REMINDERS = "reminders"

# How the notifications page lists the reminders of a day notice: set where the app is built
# (tracker.configure_task_page) by the reminders area, which keeps them; a function
# (session, officer id, days) -> {day: [NoticeLine]}.
NOTICE_LINES = "tracker.notice_lines"  # in app.extensions


@dataclass(frozen=True, slots=True)
class NoticeLine:
    task_id: int | None
    text: str


NoticeLines = Callable[[Session, int, Sequence[date]], dict[date, list[NoticeLine]]]


def needs_action(today) -> ColumnElement[bool]:
    """The condition on Notification: it still needs its officer's action on `today` (a date
    or a bound parameter)."""
    return and_(
        Notification.kind.in_(sorted(ACTION_KINDS)),
        Notification.resolved_at.is_(None),
        or_(Notification.day.is_(None), Notification.day >= today),
    )


def resolve(session: Session, task_id: int, kinds: Iterable[str]) -> None:
    """What the task's notices of `kinds` asked is done (by whoever did it): they need no one's
    action any more."""
    session.execute(
        update(Notification)
        .where(
            Notification.task_id == task_id,
            Notification.kind.in_(sorted(kinds)),
            Notification.resolved_at.is_(None),
        )
        .values(resolved_at=utcnow())
        .execution_options(synchronize_session=False)
    )
