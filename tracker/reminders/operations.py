"""Domain actions of the reminders area: a unit's settings, an officer's email preference.

They flush, never commit: the request (or the command) that calls them commits.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.core.audit import current_actor_id
from tracker.core.refusals import Refusal
from tracker.people.models import Officer, Unit
from tracker.reminders.models import (
    OPTIONAL_REMINDERS,
    ReminderPolicy,
    ReminderSettings,
    parse_days,
)

log = logging.getLogger("tracker.reminders")


@dataclass
class SettingsInput:
    """What the settings form sends; `from_policy(DEFAULT_POLICY)` for the defaults."""

    days_before: str
    on_deadline: bool
    overdue_every: int
    escalate_after: int
    copy_supporters: bool
    digest_weekday: int | None
    meeting_days_before: int
    required: tuple[str, ...] = ()  # optional reminders the unit's officers cannot turn off

    @classmethod
    def from_policy(cls, policy: ReminderPolicy) -> SettingsInput:
        return cls(
            days_before=",".join(map(str, policy.days_before)),
            on_deadline=policy.on_deadline,
            overdue_every=policy.overdue_every,
            escalate_after=policy.escalate_after,
            copy_supporters=policy.copy_supporters,
            digest_weekday=policy.digest_weekday,
            meeting_days_before=policy.meeting_days_before,
            required=tuple(k for k in OPTIONAL_REMINDERS if k in policy.required),
        )


def settings_of(session: Session, unit: Unit) -> ReminderPolicy:
    row = session.scalar(select(ReminderSettings).where(ReminderSettings.unit_id == unit.id))
    return ReminderPolicy.from_settings(row)


def check_settings(data: SettingsInput) -> dict[str, str]:
    """What `save_settings` would refuse, by field: a form shows it all at once."""
    return _validate(data)[0]


def _validate(data: SettingsInput) -> tuple[dict[str, str], tuple[int, ...]]:
    errors: dict[str, str] = {}
    try:
        days = parse_days(data.days_before)
        raw = [p for p in (data.days_before or "").replace(";", ",").split(",") if p.strip()]
        if len(days) != len({int(p) for p in raw}) or any(d > 60 for d in days) or len(days) > 5:
            raise ValueError
    except ValueError:
        errors["days_before"] = _(
            "Số ngày làm việc trước hạn: tối đa 5 số từ 1 đến 60, cách nhau bởi dấu phẩy."
        )
        days = ()
    ranges = {
        "overdue_every": (data.overdue_every, 60),
        "escalate_after": (data.escalate_after, 120),
        "meeting_days_before": (data.meeting_days_before, 20),
    }
    for name, (value, high) in ranges.items():
        if value is None or not 0 <= value <= high:
            errors[name] = _("Nhập một số từ 0 đến %(high)s.", high=high)
    if data.digest_weekday is not None and not 0 <= data.digest_weekday <= 6:
        errors["digest_weekday"] = _("Ngày gửi tổng hợp tuần không hợp lệ.")
    if set(data.required) - set(OPTIONAL_REMINDERS):
        errors["required"] = _("Loại nhắc việc không hợp lệ.")
    return errors, days


def save_settings(session: Session, unit: Unit, data: SettingsInput) -> ReminderPolicy:
    errors, days = _validate(data)
    if errors:
        raise Refusal(errors)
    row = session.scalar(select(ReminderSettings).where(ReminderSettings.unit_id == unit.id))
    if row is None:
        row = ReminderSettings(unit_id=unit.id)
        session.add(row)
    row.days_before = ",".join(map(str, days))
    row.on_deadline = bool(data.on_deadline)
    row.overdue_every = data.overdue_every
    row.escalate_after = data.escalate_after
    row.copy_supporters = bool(data.copy_supporters)
    row.digest_weekday = data.digest_weekday
    row.meeting_days_before = data.meeting_days_before
    row.required = ",".join(k for k in OPTIONAL_REMINDERS if k in data.required)
    session.flush()
    log.info("officer %s saved the reminder settings, unit %s", current_actor_id(), unit.id)
    return ReminderPolicy.from_settings(row)


def set_email_reminders(session: Session, officer: Officer, enabled: bool) -> None:
    """An officer turns reminder emails on or off for themselves (in-app ones stay)."""
    officer.email_reminders = bool(enabled)
    session.flush()
    log.info(
        "officer %s turned reminder emails %s, unit %s",
        officer.id,
        "on" if enabled else "off",
        officer.unit_id,
    )
