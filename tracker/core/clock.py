"""The unit's clock: the time zone comes from settings (Asia/Ho_Chi_Minh by default)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"


def local_zone() -> ZoneInfo:
    name = DEFAULT_TIMEZONE
    if has_app_context():
        name = current_app.config.get("TRACKER_TIMEZONE", DEFAULT_TIMEZONE)
    return ZoneInfo(name)


def utcnow() -> datetime:
    return datetime.now(UTC)


def local_now() -> datetime:
    return utcnow().astimezone(local_zone())


def today() -> date:
    """Today's date where the ward is, not where the server is."""
    return local_now().date()


def to_local(moment: datetime) -> datetime:
    return moment.astimezone(local_zone())
