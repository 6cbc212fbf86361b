"""The unit's clock: the time zone comes from settings (Asia/Ho_Chi_Minh by default).

Every "now" and "today" of the product comes from here. Tests (and a demo replaying a past
quarter) stand the clock at a moment with `freeze`, in one place, instead of patching each
module that imported `today`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"

# Set only by `freeze`; None means the real time.
_frozen_at: datetime | None = None


def local_zone() -> ZoneInfo:
    name = DEFAULT_TIMEZONE
    if has_app_context():
        name = current_app.config.get("TRACKER_TIMEZONE", DEFAULT_TIMEZONE)
    return ZoneInfo(name)


def utcnow() -> datetime:
    if _frozen_at is not None:
        return _frozen_at
    return datetime.now(UTC)


def local_now() -> datetime:
    return utcnow().astimezone(local_zone())


def today() -> date:
    """Today's date where the ward is, not where the server is."""
    return local_now().date()


def to_local(moment: datetime) -> datetime:
    return moment.astimezone(local_zone())


def set_now(moment: datetime | date | None) -> None:
    """Stand the clock at `moment` (aware; a date means 10:00 that day, local time), or let it
    run again with None."""
    global _frozen_at
    if moment is None:
        _frozen_at = None
        return
    if not isinstance(moment, datetime):
        moment = datetime.combine(moment, time(10, 0), tzinfo=local_zone())
    if moment.tzinfo is None:
        raise ValueError("the clock is set to an aware datetime")
    _frozen_at = moment.astimezone(UTC)


@contextlib.contextmanager
def freeze(moment: datetime | date) -> Iterator[None]:
    """The clock stands at `moment` inside the block, and runs again after it."""
    previous = _frozen_at
    set_now(moment)
    try:
        yield
    finally:
        set_now(previous)


def end_of_day(day: date) -> datetime:
    """The first instant after `day` where the ward is (UTC), to select what happened by then."""
    midnight = datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=local_zone())
    return midnight.astimezone(UTC)
