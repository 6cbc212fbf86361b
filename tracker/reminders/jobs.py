"""A reminder pass, the sending loop, and the scheduler that runs them (`tracker scheduler`).

The scheduler is its own process; `create_app` and the web workers never start one. Its jobs
are defined here with fixed ids, in the unit's time zone, in a memory job store: what is due and
what was sent lives in the reminder tables, so a scheduler started twice by mistake, a pass run
by hand next to it, or a restart, cannot send anything twice.

    reminders.daily    the day's pass at TRACKER_REMINDER_TIME (07:30), then sends
    reminders.retry    every TRACKER_RETRY_MINUTES (2): queued emails whose retry time has come
    reminders.startup  once at start: the day's pass if its time has already gone by (the
                       server was down at 07:30); harmless if it ran, since nothing is due twice
    backup.nightly     TRACKER_BACKUP_TIME (02:30): the backup archive (tracker/backup/jobs.py,
                       added through SCHEDULER_JOBS)

The triggers fire on the real clock; each job takes its day and moment from tracker.core.clock,
so under TRACKER_DEMO_TODAY (`make run`) every pass is that of the demo's date.
"""

from __future__ import annotations

import logging
import threading
import time as clock
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask, current_app
from sqlalchemy.engine import Engine

from tracker.core.clock import local_now, utcnow
from tracker.core.clock import today as local_today
from tracker.core.mail import (
    OutboxTransport,
    PermanentFailure,
    SmtpTransport,
    TemporaryFailure,
    build_message,
    transport_for,
)
from tracker.extensions import db
from tracker.reminders import delivery
from tracker.reminders.delivery import (
    Recorded,
    claim,
    lease_for,
    mark_failed,
    mark_retry,
    mark_sent,
    prepare,
    record,
)
from tracker.reminders.selection import Due, app_sources, select_due
from tracker.reminders.settings import mail_settings, pass_time, setting

log = logging.getLogger("tracker.reminders")

# Other jobs of the scheduler process (the nightly backup), listed where the app is built
# (tracker.configure_scheduler): each a function (scheduler, app) that adds its jobs.
SCHEDULER_JOBS = "tracker.scheduler_jobs"  # in app.extensions
JOB_DEFAULTS = {"misfire_grace_time": 3600, "coalesce": True, "max_instances": 1}
BATCH = 100


@dataclass
class DeliveryReport:
    sent: list[int] = field(default_factory=list)
    failed: list[tuple[int, str]] = field(default_factory=list)
    retrying: list[tuple[int, str]] = field(default_factory=list)
    cancelled: int = 0
    seconds: float = 0.0


@dataclass
class PassReport:
    day: date
    dues: list[Due]
    already_recorded: int
    closed_units: set[int]
    selection_ms: float
    dry_run: bool = False
    recorded: Recorded | None = None
    delivery: DeliveryReport | None = None
    recipients: dict[int, tuple[str, str]] = field(default_factory=dict)  # id -> name, email
    titles: dict[str, str] = field(default_factory=dict)  # subject -> title


def run_pass(
    day: date | None = None,
    *,
    now: datetime | None = None,
    dry_run: bool = False,
    send: bool = True,
    app: Flask | None = None,
) -> PassReport:
    """Select what is due on `day` (today), record it once, then send the queued emails.

    A dry run selects and reports, and changes nothing."""
    app = app or current_app._get_current_object()
    session = db.session
    day = day or local_today()
    started = clock.perf_counter()
    selection = select_due(session, day, app_sources(app))
    report = PassReport(
        day=day,
        dues=selection.dues,
        already_recorded=selection.already_recorded,
        closed_units=selection.closed_units,
        selection_ms=(clock.perf_counter() - started) * 1000,
        dry_run=dry_run,
        titles={key: s.title for key, s in selection.subjects.items()},
    )
    _describe_recipients(report, selection)
    if dry_run:
        session.rollback()
        return report
    try:
        report.recorded = record(session, selection, now or utcnow())
        session.commit()
    except BaseException:
        session.rollback()
        raise
    log.info(
        "reminders %s: %d recorded (%d already), %d emails queued",
        day.isoformat(),
        len(report.recorded.items),
        report.already_recorded,
        len(report.recorded.emails),
    )
    if send:
        report.delivery = send_queued(today=day, now=now, app=app)
    return report


def _describe_recipients(report: PassReport, selection) -> None:
    """Names for the report: recipients, and the units a digest is about."""
    from sqlalchemy import select

    from tracker.people.models import Officer, Unit

    ids = {due.recipient_id for due in selection.dues}
    if ids:
        rows = db.session.execute(
            select(Officer.id, Officer.full_name, Officer.email).where(Officer.id.in_(ids))
        )
        report.recipients = {row.id: (row.full_name, row.email) for row in rows}
    units = {due.unit_id for due in selection.dues if due.subject.startswith("unit:")}
    if units:
        for unit_id, name in db.session.execute(
            select(Unit.id, Unit.name).where(Unit.id.in_(units))
        ):
            report.titles[f"unit:{unit_id}"] = name


def deliver(
    *,
    today: date | None = None,
    now: datetime | None = None,
    app: Flask | None = None,
    transport: SmtpTransport | OutboxTransport | None = None,
    batch: int = BATCH,
    ids: list[int] | None = None,
) -> DeliveryReport:
    """Send every email whose time has come, in batches over one connection.

    Each batch is claimed and committed before anything is sent; each email is marked sent
    (and committed) only once the server accepted it. A refusal for good fails that email
    alone; a temporary one queues it again with a backoff; a lost connection queues the rest
    of the batch too and ends this delivery (the retry job comes back). `ids`: only these
    emails (an action by hand sends its own now)."""
    app = app or current_app._get_current_object()
    session = db.session
    settings = mail_settings(app)
    lease = lease_for(settings.timeout)
    day = today or local_today()
    report = DeliveryReport()
    started = clock.perf_counter()
    with transport or transport_for(settings) as channel:
        while True:
            moment = now or utcnow()
            claimed_at = clock.perf_counter()
            try:
                claimed = claim(session, moment, day, limit=batch, ids=ids, lease=lease)
                session.commit()
                if not claimed:
                    break
                outgoing = prepare(session, claimed, day, app)
                session.commit()
            except BaseException:
                session.rollback()
                raise
            report.cancelled += len(claimed) - len(outgoing)
            lost = False
            for position, out in enumerate(outgoing):
                if position and _window_over(claimed_at):
                    # A slow server: the rest go back to the queue (claimed again just below)
                    # rather than leave after their lease, when another sender may take them.
                    rest = [o.email_id for o in outgoing[position:]]
                    mark_retry(
                        session,
                        rest,
                        now or utcnow(),
                        "send window over",
                        attempted=False,
                        until=moment,
                    )
                    session.commit()
                    break
                try:
                    message = build_message(
                        settings,
                        to_name=out.to_name,
                        to_address=out.to_address,
                        subject=out.content.subject,
                        text=out.content.text,
                        html=out.content.html,
                        headers={"X-Tracker-Reminder": str(out.email_id)},
                        key=out.key,
                    )
                    channel.send(message)
                except PermanentFailure as exc:
                    mark_failed(session, out.email_id, now or utcnow(), str(exc), out)
                    session.commit()
                    report.failed.append((out.email_id, str(exc)))
                    log.warning("reminder email %d refused: %s", out.email_id, exc)
                    continue
                except TemporaryFailure as exc:
                    moment = now or utcnow()
                    retry_at = mark_retry(session, [out.email_id], moment, str(exc), attempted=True)
                    report.retrying.append((out.email_id, str(exc)))
                    if exc.connection_lost:
                        rest = [o.email_id for o in outgoing[position + 1 :]]
                        mark_retry(session, rest, moment, str(exc), attempted=False, until=retry_at)
                        report.retrying.extend((email_id, str(exc)) for email_id in rest)
                        lost = True
                    session.commit()
                    log.warning("reminder email %d not sent, will retry: %s", out.email_id, exc)
                    if lost:
                        break
                    continue
                mark_sent(session, out.email_id, utcnow(), message.message_id, channel.name, out)
                session.commit()
                report.sent.append(out.email_id)
            if lost:
                break
    report.seconds = clock.perf_counter() - started
    if report.sent or report.failed or report.retrying:
        log.info(
            "reminder emails: %d sent, %d refused, %d to retry",
            len(report.sent),
            len(report.failed),
            len(report.retrying),
        )
    return report


def _window_over(claimed_at: float) -> bool:
    return clock.perf_counter() - claimed_at > delivery.SEND_WINDOW.total_seconds()


def send_queued(
    *,
    today: date | None = None,
    now: datetime | None = None,
    app: Flask | None = None,
    workers: int | None = None,
) -> DeliveryReport:
    """`deliver` over several SMTP connections at once (TRACKER_MAIL_WORKERS, default 2): each
    worker its own thread, database session and SMTP connection, claiming its own batches (a
    claim is exclusive, so they never take the same email). One worker on SQLite, or when the
    app's database is a single connection (the tests' rolled-back transaction)."""
    app = app or current_app._get_current_object()
    if workers is None:
        workers = max(int(setting("TRACKER_MAIL_WORKERS", app)), 1)
    engine = db.engine
    if workers <= 1 or not isinstance(engine, Engine) or engine.dialect.name == "sqlite":
        return deliver(today=today, now=now, app=app)
    reports: list[DeliveryReport] = []
    errors: list[BaseException] = []

    def work() -> None:
        with app.app_context():
            try:
                reports.append(deliver(today=today, now=now, app=app))
            except BaseException as exc:  # re-raised in the caller's thread
                errors.append(exc)
            finally:
                db.session.remove()

    started = clock.perf_counter()
    threads = [threading.Thread(target=work, name=f"reminder-mail-{n}") for n in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    merged = DeliveryReport(seconds=clock.perf_counter() - started)
    for report in reports:
        merged.sent += report.sent
        merged.failed += report.failed
        merged.retrying += report.retrying
        merged.cancelled += report.cancelled
    return merged


# ---------------------------------------------------------------------------- the scheduler


def _in_app(app: Flask, work) -> None:
    with app.app_context():
        try:
            work()
        except Exception:
            log.exception("reminder job failed")
            db.session.rollback()
        finally:
            db.session.remove()


def daily_job(app: Flask) -> None:
    _in_app(app, lambda: run_pass(app=app))


def retry_job(app: Flask) -> None:
    _in_app(app, lambda: send_queued(app=app))


def startup_job(app: Flask) -> None:
    """The day's pass now if its time has gone by (a scheduler started late, or restarted)."""
    with app.app_context():
        late = local_now().time() >= pass_time(app)
    if late:
        daily_job(app)


def build_scheduler(app: Flask, scheduler_class: type[BaseScheduler] = BlockingScheduler):
    zone = ZoneInfo(app.config.get("TRACKER_TIMEZONE") or "Asia/Ho_Chi_Minh")
    at = pass_time(app)
    every = max(int(setting("TRACKER_RETRY_MINUTES", app)), 1)
    scheduler = scheduler_class(
        timezone=zone,
        jobstores={"default": MemoryJobStore()},
        executors={"default": ThreadPoolExecutor(max_workers=2)},
        job_defaults=dict(JOB_DEFAULTS),
    )
    scheduler.add_job(
        daily_job,
        CronTrigger(hour=at.hour, minute=at.minute, timezone=zone),
        args=[app],
        id="reminders.daily",
        name=f"reminder pass, daily at {at:%H:%M}",
        replace_existing=True,
    )
    scheduler.add_job(
        retry_job,
        IntervalTrigger(minutes=every, timezone=zone),
        args=[app],
        id="reminders.retry",
        name=f"queued reminder emails, every {every} min",
        replace_existing=True,
    )
    scheduler.add_job(
        startup_job,
        DateTrigger(run_date=datetime.now(zone) + timedelta(seconds=2), timezone=zone),
        args=[app],
        id="reminders.startup",
        name="the day's pass if its time has gone by",
        replace_existing=True,
    )
    for add_jobs in app.extensions.get(SCHEDULER_JOBS, ()):
        add_jobs(scheduler, app)
    return scheduler
