"""An officer's own reminder choices (Cài đặt thông báo), within what their unit requires.

The engine asks these: the selection drops a reminder its recipient turned off (`wanted`), and
the daily email waits for the recipient's hour (`send_at`). Saving is audited (the row is).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.core.clock import local_zone
from tracker.core.refusals import Refusal
from tracker.people.models import Officer
from tracker.reminders.models import (
    OPTIONAL_REMINDERS,
    RecipientRole,
    ReminderKind,
    ReminderPreference,
    parse_keys,
    preference_keys,
)

log = logging.getLogger("tracker.reminders")

# The hours an officer may choose for their daily email (local time). An hour before the
# daily pass (TRACKER_REMINDER_TIME) means: as soon as the pass has run.
EMAIL_HOURS = tuple(range(6, 22))


@dataclass(frozen=True, slots=True)
class Preferences:
    email_hour: int | None = None  # None: at the daily pass
    muted: frozenset[str] = frozenset()


def preferences_of(session: Session, officer_id: int) -> Preferences:
    row = session.scalar(
        select(ReminderPreference).where(ReminderPreference.officer_id == officer_id)
    )
    if row is None:
        return Preferences()
    return Preferences(row.email_hour, parse_keys(row.muted))


def wanted(
    kind: ReminderKind, role: RecipientRole, muted: frozenset[str], required: frozenset[str]
) -> bool:
    """Whether the officer receives this reminder: not turned off, or required by the unit."""
    return not any(key in muted and key not in required for key in preference_keys(kind, role))


def email_hours(session: Session, officer_ids) -> dict[int, int]:
    """Officer -> the hour they chose for their daily email (only those who chose one)."""
    ids = list(officer_ids)
    if not ids:
        return {}
    return dict(
        session.execute(
            select(ReminderPreference.officer_id, ReminderPreference.email_hour).where(
                ReminderPreference.officer_id.in_(ids),
                ReminderPreference.email_hour.is_not(None),
            )
        ).all()
    )


def send_at(day: date, hour: int | None, now: datetime) -> datetime:
    """When the daily email of `day` may go: at the officer's hour, never before `now`."""
    if hour is None:
        return now
    moment = datetime.combine(day, time(hour, 0), tzinfo=local_zone())
    return max(now, moment)


def save_preferences(
    session: Session,
    officer: Officer,
    *,
    email_hour: int | None,
    muted: set[str],
    required: frozenset[str],
) -> Preferences:
    """The officer's choices; a reminder the unit requires cannot be turned off."""
    errors = {}
    if email_hour is not None and email_hour not in EMAIL_HOURS:
        errors["email_hour"] = _("Chọn giờ nhận thư trong danh sách.")
    unknown = set(muted) - set(OPTIONAL_REMINDERS)
    if unknown:
        errors["muted"] = _("Loại nhắc việc không hợp lệ.")
    elif set(muted) & required:
        errors["muted"] = _("Đơn vị yêu cầu nhận loại nhắc việc này; không thể tắt.")
    if errors:
        raise Refusal(errors)
    row = session.scalar(
        select(ReminderPreference).where(ReminderPreference.officer_id == officer.id)
    )
    if row is None:
        row = ReminderPreference(officer=officer)
        session.add(row)
    row.email_hour = email_hour
    row.muted = ",".join(k for k in OPTIONAL_REMINDERS if k in muted)
    session.flush()
    log.info("officer %s saved their notification settings, unit %s", officer.id, officer.unit_id)
    return Preferences(row.email_hour, parse_keys(row.muted))
