"""The reminders' settings: from the app's configuration, else the environment, else defaults.

TRACKER_BASE_URL           links in emails (default http://127.0.0.1:5000)
TRACKER_REMINDER_TIME      the daily pass, local time (default 07:30: the digest's hour)
TRACKER_RETRY_MINUTES      how often queued emails are retried (default 2)
TRACKER_MAIL_TRANSPORT     smtp (default) or outbox (development: nothing leaves the machine)
TRACKER_MAIL_OUTBOX        show /reminders/outbox outside debug mode (default off)
MAIL_*                     Flask's usual mail settings (config.py)
"""

from __future__ import annotations

import os
from datetime import time

from flask import Flask, current_app

from tracker.reminders.mail import MailSettings

DEFAULTS = {
    "TRACKER_BASE_URL": "http://127.0.0.1:5000",
    "TRACKER_REMINDER_TIME": "07:30",
    "TRACKER_RETRY_MINUTES": "2",
    "TRACKER_MAIL_WORKERS": "2",
    "TRACKER_MAIL_TRANSPORT": "smtp",
    "TRACKER_MAIL_OUTBOX": "",
}


def setting(name: str, app: Flask | None = None):
    app = app or current_app
    value = app.config.get(name)
    if value is None or value == "":
        value = os.environ.get(name)
    if value is None or value == "":
        value = DEFAULTS.get(name)
    return value


def flag(name: str, app: Flask | None = None) -> bool:
    value = setting(name, app)
    if isinstance(value, bool):
        return value
    return str(value or "").strip().lower() in {"1", "true", "yes", "on"}


def pass_time(app: Flask | None = None) -> time:
    text = str(setting("TRACKER_REMINDER_TIME", app))
    try:
        hour, minute = (int(part) for part in text.split(":", 1))
        return time(hour, minute)
    except ValueError:
        raise ValueError(f"TRACKER_REMINDER_TIME must read HH:MM, not {text!r}") from None


def mail_settings(app: Flask | None = None) -> MailSettings:
    app = app or current_app
    config = dict(app.config)
    for name in ("TRACKER_MAIL_TRANSPORT", "MAIL_TIMEOUT", "MAIL_MAX_PER_CONNECTION"):
        config[name] = setting(name, app)
    return MailSettings.from_config(config)


def outbox_enabled(app: Flask | None = None) -> bool:
    app = app or current_app
    return bool(app.debug) or flag("TRACKER_MAIL_OUTBOX", app)
