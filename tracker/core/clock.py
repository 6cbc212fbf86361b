"""The unit's clock: the time zone comes from settings (Asia/Ho_Chi_Minh by default).

Every "now" and "today" of the product comes from here. Tests stand the clock at a moment with
`freeze`, in one place, instead of patching each module that imported `today`.

The demo (TRACKER_DEMO_TODAY, read by config.py into the app's configuration) lives on one fixed
date at the real time of day: the pages, the CLI and the scheduler's jobs, all in an app context,
see 12/03/2024 at the hour it is now. The scheduler's triggers fire on the real clock (07:30 each
real morning) and each pass then works out the demo's day, so the demo's reminders are those of
its report date, recorded once. Each real midnight the demo's time goes back to 00:00 of the same
date. Outside an app context there is no setting, hence no demo date.
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


def demo_date() -> date | None:
    """The demo's fixed date (TRACKER_DEMO_TODAY), or None where the calendar is the real one."""
    if has_app_context():
        return current_app.config.get("TRACKER_DEMO_TODAY")
    return None


def utcnow() -> datetime:
    moment = datetime.now(UTC) if _frozen_at is None else _frozen_at
    day = demo_date()
    if day is None:
        return moment
    # The demo's date, with the time of day it is (or is frozen at) where the ward is.
    zone = local_zone()
    wall = moment.astimezone(zone)
    return datetime.combine(day, wall.time(), tzinfo=zone).astimezone(UTC)


def local_now() -> datetime:
    return utcnow().astimezone(local_zone())


def today() -> date:
    """Today's date where the ward is, not where the server is."""
    return local_now().date()


def to_local(moment: datetime) -> datetime:
    return moment.astimezone(local_zone())


def set_now(moment: datetime | date | None) -> None:
    """Stand the clock at `moment` (aware; a date means 10:00 that day, local time), or let it
    run again with None. Under a demo date only the moment's time of day shows."""
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
