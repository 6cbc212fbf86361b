"""The nightly backup, a job of the scheduler process (`tracker scheduler`).

Added to the scheduler through the app's list of scheduler jobs (tracker.configure_scheduler),
with a fixed id, in the unit's time zone, at TRACKER_BACKUP_TIME. A run missed while the
scheduler was down is taken late within the job defaults' grace time (an hour), not dropped.
Two schedulers started by mistake would take two archives: harmless, retention deletes them.
"""

from __future__ import annotations

import logging
from datetime import time
from zoneinfo import ZoneInfo

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.cron import CronTrigger
from flask import Flask

from tracker.backup.service import take_backup
from tracker.extensions import db

log = logging.getLogger("tracker.backup")

JOB_ID = "backup.nightly"


def backup_time(app: Flask) -> time:
    text = str(app.config.get("TRACKER_BACKUP_TIME") or "")
    try:
        hour, minute = (int(part) for part in text.split(":", 1))
        return time(hour, minute)
    except ValueError:
        raise ValueError(f"TRACKER_BACKUP_TIME must read HH:MM, not {text!r}") from None


def nightly_job(app: Flask) -> None:
    with app.app_context():
        try:
            take_backup(app)
        except Exception:
            log.exception("nightly backup failed")
        finally:
            db.session.remove()


def add_backup_jobs(scheduler: BaseScheduler, app: Flask) -> None:
    zone = ZoneInfo(app.config.get("TRACKER_TIMEZONE") or "Asia/Ho_Chi_Minh")
    at = backup_time(app)
    scheduler.add_job(
        nightly_job,
        CronTrigger(hour=at.hour, minute=at.minute, timezone=zone),
        args=[app],
        id=JOB_ID,
        name=f"backup of the database and evidence files, nightly at {at:%H:%M}",
        replace_existing=True,
    )
