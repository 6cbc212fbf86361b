"""The reminders' settings, as the app's configuration holds them.

config.py reads the environment once, with the defaults (TRACKER_BASE_URL, TRACKER_REMINDER_TIME,
TRACKER_RETRY_MINUTES, TRACKER_MAIL_WORKERS, TRACKER_MAIL_TRANSPORT, TRACKER_MAIL_OUTBOX and
Flask's usual MAIL_*); these only read `app.config`.
"""

from __future__ import annotations

from datetime import time

from flask import Flask, current_app

from tracker.core.mail import MailSettings


def setting(name: str, app: Flask | None = None):
    return (app or current_app).config[name]


def pass_time(app: Flask | None = None) -> time:
    text = str(setting("TRACKER_REMINDER_TIME", app))
    try:
        hour, minute = (int(part) for part in text.split(":", 1))
        return time(hour, minute)
    except ValueError:
        raise ValueError(f"TRACKER_REMINDER_TIME must read HH:MM, not {text!r}") from None


def mail_settings(app: Flask | None = None) -> MailSettings:
    return MailSettings.from_config((app or current_app).config)


def outbox_enabled(app: Flask | None = None) -> bool:
    app = app or current_app
    return bool(app.debug) or bool(setting("TRACKER_MAIL_OUTBOX", app))
