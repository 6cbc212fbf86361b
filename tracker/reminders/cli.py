"""`tracker reminders …` (a pass by hand, the queue, a unit's settings) and `tracker scheduler`."""

from __future__ import annotations

import contextlib
import logging
import signal
from collections import Counter
from datetime import date, datetime

import click
from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from tracker.core.refusals import Refusal
from tracker.extensions import db
from tracker.people.operations import get_unit_by_code
from tracker.reminders.models import EmailState, ReminderEmail, ReminderKind
from tracker.reminders.operations import SettingsInput, save_settings, settings_of

KIND_WORDS = {
    ReminderKind.BEFORE: "trước hạn",
    ReminderKind.DUE: "đến hạn",
    ReminderKind.OVERDUE: "quá hạn",
    ReminderKind.ESCALATION: "báo lãnh đạo",
    ReminderKind.DIGEST: "tổng hợp tuần",
    ReminderKind.MEETING: "Họp giao ban CCHC tháng",
    ReminderKind.PROMPT: "đôn đốc",
    ReminderKind.EXPLANATION: "giải trình",
    ReminderKind.REPORT: "báo cáo định kỳ",
}


def _database_error(exc: SQLAlchemyError) -> click.ClickException:
    db.session.rollback()
    reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
    return click.ClickException(
        f"database error ({reason}); is the schema up to date (`tracker db upgrade`)?"
    )


def _parse_date(value: str | None) -> date | None:
    if value is None:
        return None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value.strip(), pattern).date()
        except ValueError:
            continue
    raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD or dd/mm/yyyy)")


@click.group("reminders")
def reminders_group() -> None:
    """Reminders: run a pass by hand, send the queue, a unit's settings."""


@reminders_group.command("run")
@click.option("--date", "day_text", metavar="YYYY-MM-DD", help="The pass's day (default: today).")
@click.option("--dry-run", is_flag=True, help="Print what is due; record and send nothing.")
@click.option("--no-send", is_flag=True, help="Record and queue, but leave sending to the jobs.")
def run_command(day_text: str | None, dry_run: bool, no_send: bool) -> None:
    """One reminder pass: what is due, recorded once, then sent."""
    from tracker.reminders.jobs import run_pass

    try:
        day = _parse_date(day_text)
    except click.BadParameter as exc:
        raise click.ClickException(exc.format_message()) from None
    try:
        report = run_pass(day, dry_run=dry_run, send=not no_send)
    except SQLAlchemyError as exc:
        raise _database_error(exc) from None
    verb = "would record" if dry_run else "recorded"
    shown = report.dues if dry_run else [due for _, due in report.recorded.items]
    click.echo(
        f"Reminder pass for {report.day:%d/%m/%Y}: {len(shown)} reminders {verb}"
        f" ({report.already_recorded} due but recorded before);"
        f" selection {report.selection_ms:.0f} ms."
    )
    if report.closed_units:
        click.echo(f"  {len(report.closed_units)} units skipped: not a working day there.")
    for due in shown:
        name, email = report.recipients.get(due.recipient_id, ("?", "?"))
        about = report.titles.get(due.subject, due.subject)
        click.echo(
            f"  {due.due_on:%d/%m/%Y}  {KIND_WORDS[due.kind]:<13}  {due.role.value:<9}  "
            f"{name} <{email}>  {about}"
        )
    kinds = Counter(KIND_WORDS[due.kind] for due in shown)
    if kinds:
        click.echo("  by kind: " + ", ".join(f"{word} {n}" for word, n in sorted(kinds.items())))
    if report.recorded is not None:
        click.echo(f"  {len(report.recorded.emails)} emails queued.")
    if report.delivery is not None:
        _echo_delivery(report.delivery)


def _echo_delivery(delivery) -> None:
    click.echo(
        f"Emails: {len(delivery.sent)} sent, {len(delivery.failed)} refused, "
        f"{len(delivery.retrying)} queued for a retry, {delivery.cancelled} cancelled "
        f"({delivery.seconds:.1f} s)."
    )
    for email_id, error in delivery.failed:
        click.echo(f"  refused #{email_id}: {error}")
    for email_id, error in delivery.retrying[:5]:
        click.echo(f"  retry #{email_id}: {error}")


@reminders_group.command("send")
def send_command() -> None:
    """Send the queued emails whose time has come (what the retry job does)."""
    from tracker.reminders.jobs import send_queued

    try:
        delivery = send_queued()
    except SQLAlchemyError as exc:
        raise _database_error(exc) from None
    _echo_delivery(delivery)


@reminders_group.command("queue")
def queue_command() -> None:
    """How many reminder emails are in each state."""
    rows = db.session.execute(
        select(ReminderEmail.state, func.count()).group_by(ReminderEmail.state)
    ).all()
    counts = {state: count for state, count in rows}
    for state in EmailState:
        click.echo(f"  {state.value:<10} {counts.get(state, 0)}")


@reminders_group.command("settings")
@click.argument("unit_code")
@click.option("--days-before", help='Working days before a deadline, e.g. "7,3,1" ("" for none).')
@click.option("--on-deadline/--no-on-deadline", default=None, help="A reminder on the day.")
@click.option("--overdue-every", type=int, help="Working days between overdue reminders (0: none).")
@click.option(
    "--escalate-after", type=int, help="Working days overdue before the chairperson is told."
)
@click.option("--copy-supporters/--no-copy-supporters", default=None)
@click.option("--digest-weekday", help="0 = Monday … 6 = Sunday; 'none' for no digest.")
@click.option("--meeting-days-before", type=int, help="Working days before a monthly meeting.")
def settings_command(unit_code: str, **options) -> None:
    """Show a unit's reminder settings, or change the ones given."""
    unit = get_unit_by_code(db.session, unit_code)
    if unit is None:
        raise click.ClickException(f"no unit with code {unit_code!r}")
    current = settings_of(db.session, unit)
    given = {k: v for k, v in options.items() if v is not None}
    if given:
        data = SettingsInput.from_policy(current)
        if "days_before" in given:
            data.days_before = given["days_before"]
        for name in (
            "on_deadline",
            "overdue_every",
            "escalate_after",
            "copy_supporters",
            "meeting_days_before",
        ):
            if name in given:
                setattr(data, name, given[name])
        if "digest_weekday" in given:
            text = given["digest_weekday"].strip().lower()
            data.digest_weekday = None if text in ("", "none", "-") else _int(text)
        try:
            current = save_settings(db.session, unit, data)
            db.session.commit()
        except Refusal as exc:
            db.session.rollback()
            raise click.ClickException(str(exc)) from None
    click.echo(f"Reminder settings of {unit.code} ({unit.name}):")
    click.echo(f"  days before deadline : {', '.join(map(str, current.days_before)) or 'none'}")
    click.echo(f"  on the deadline      : {'yes' if current.on_deadline else 'no'}")
    click.echo(f"  overdue, every       : {current.overdue_every or 'never'} working days")
    click.echo(f"  escalate after       : {current.escalate_after or 'never'} working days")
    click.echo(f"  supporters in copy   : {'yes' if current.copy_supporters else 'no'}")
    weekday = current.digest_weekday
    click.echo(f"  weekly digest        : {'none' if weekday is None else WEEKDAYS[weekday]}")
    click.echo(f"  before a meeting     : {current.meeting_days_before} working days")


WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise click.ClickException(f"{text!r} is not a number") from None


@click.command("scheduler")
@click.option("--list", "list_only", is_flag=True, help="Print the jobs and their next run; exit.")
def scheduler_command(list_only: bool) -> None:
    """Run the scheduler (reminders) in this process, until stopped. On PostgreSQL one runs
    at a time across machines: another started waits for its lock and takes over when it
    stops. On SQLite start only one (a second does no harm: nothing is sent twice)."""
    from tracker.reminders.jobs import build_scheduler
    from tracker.reminders.leader import lock_alive, take_scheduler_lock

    app = current_app._get_current_object()
    if list_only:
        from apscheduler.schedulers.background import BackgroundScheduler

        scheduler = build_scheduler(app, BackgroundScheduler)
        scheduler.start(paused=True)
        for job in scheduler.get_jobs():
            click.echo(f"  {job.id:<20} {job.trigger}  next: {job.next_run_time:%d/%m/%Y %H:%M %Z}")
        scheduler.shutdown(wait=False)
        return
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    # PostgreSQL: one active scheduler across machines; the others wait for its lock.
    lock = take_scheduler_lock(
        db.engine, float(app.config.get("TRACKER_SCHEDULER_LOCK_SECONDS", 5.0)),
        say=lambda line: click.echo(line),
    )
    scheduler = build_scheduler(app)
    lost = []
    if lock is not None:

        def watch_lock() -> None:
            # A lost connection has released the lock: stop, so that another takes over and a
            # supervisor restarts this one, waiting.
            if not lock_alive(lock):
                lost.append(True)
                scheduler.shutdown(wait=False)

        scheduler.add_job(watch_lock, "interval", seconds=30, id="scheduler.lock",
                          name="the scheduler lock's connection", replace_existing=True)

    def stop(signum, frame) -> None:
        scheduler.shutdown(wait=False)

    signal.signal(signal.SIGTERM, stop)
    click.echo(f"Scheduler started ({app.config.get('TRACKER_TIMEZONE')}); jobs:")
    for job in scheduler.get_jobs():
        click.echo(f"  {job.id}: {job.name}")
    try:
        with contextlib.suppress(KeyboardInterrupt, SystemExit):
            scheduler.start()
    finally:
        if lock is not None:
            with contextlib.suppress(Exception):
                lock.close()  # releases the lock at once
    click.echo("Scheduler stopped.")
    if lost:
        raise click.ClickException("the scheduler lock's connection was lost")
