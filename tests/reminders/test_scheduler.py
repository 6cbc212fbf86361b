"""The scheduler: its own process, jobs in code with fixed ids, the settings that make a late
run still happen once; and the commands that run a pass by hand."""

from __future__ import annotations

import threading
from datetime import date, datetime

from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import select

from tests.factories import gen_task
from tests.reminders.conftest import ZONE
from tracker import create_app
from tracker.extensions import db
from tracker.reminders.jobs import JOB_DEFAULTS, build_scheduler
from tracker.reminders.models import EmailState, ReminderEmail, ReminderItem, ReminderKind
from tracker.tasks.models import Notification


def test_jobs_are_defined_in_code_with_fixed_ids_and_forgiving_misfire_settings(app):
    scheduler = build_scheduler(app, BackgroundScheduler)
    scheduler.start(paused=True)
    try:
        jobs = {job.id: job for job in scheduler.get_jobs()}
        assert set(jobs) == {
            "reminders.daily",
            "reminders.retry",
            "reminders.startup",
            "backup.nightly",
        }
        nightly = jobs["backup.nightly"]  # tracker/backup/jobs.py, through SCHEDULER_JOBS
        assert str(nightly.trigger) == "cron[hour='2', minute='30']"
        assert str(nightly.trigger.timezone) == "Asia/Ho_Chi_Minh"
        daily = jobs["reminders.daily"]
        assert isinstance(daily.trigger, CronTrigger)
        assert str(daily.trigger) == "cron[hour='7', minute='30']"
        assert str(daily.trigger.timezone) == "Asia/Ho_Chi_Minh"
        assert isinstance(jobs["reminders.retry"].trigger, IntervalTrigger)
        for job in jobs.values():
            assert job.misfire_grace_time == 3600
            assert job.coalesce is True
            assert job.max_instances == 1
        assert isinstance(scheduler._jobstores["default"], MemoryJobStore)
        assert str(scheduler.timezone) == "Asia/Ho_Chi_Minh"
        # Added again (a restart, a second call): replaced, not doubled.
        again = build_scheduler(app, BackgroundScheduler)
        assert len(again.get_jobs()) == 4
    finally:
        scheduler.shutdown(wait=False)
    assert JOB_DEFAULTS == {"misfire_grace_time": 3600, "coalesce": True, "max_instances": 1}


def test_the_pass_time_is_a_setting(app, monkeypatch):
    monkeypatch.setitem(app.config, "TRACKER_REMINDER_TIME", "06:45")
    scheduler = build_scheduler(app, BackgroundScheduler)
    daily = next(j for j in scheduler.get_jobs() if j.id == "reminders.daily")
    assert str(daily.trigger) == "cron[hour='6', minute='45']"


def test_create_app_starts_no_scheduler():
    before = {t.name for t in threading.enumerate()}
    create_app("testing")
    after = {t.name for t in threading.enumerate()}
    assert after == before
    assert not any("APScheduler" in name for name in after)


def test_scheduler_list_command(runner):
    result = runner.invoke(args=["scheduler", "--list"])
    assert result.exit_code == 0, result.output
    assert "reminders.daily" in result.output and "reminders.retry" in result.output


def test_reminders_run_dry_run_prints_and_changes_nothing(app, runner, ward):
    task = gen_task(ward["plan"], ward["lead"], deadline=date(2024, 3, 13), title="Việc thử")
    db.session.commit()
    result = runner.invoke(args=["reminders", "run", "--date", "2024-03-12", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Reminder pass for 12/03/2024" in result.output
    assert "would record" in result.output
    assert f"<{ward['lead'].email}>  Việc thử" in result.output
    assert "trước hạn" in result.output
    assert db.session.query(ReminderItem).count() == 0
    assert task.id


def test_reminders_run_records_and_queues_without_sending(app, runner, ward):
    gen_task(ward["plan"], ward["lead"], deadline=date(2024, 3, 12))
    db.session.commit()
    result = runner.invoke(args=["reminders", "run", "--date", "12/03/2024", "--no-send"])
    assert result.exit_code == 0, result.output
    assert "recorded" in result.output and "emails queued" in result.output
    again = runner.invoke(args=["reminders", "run", "--date", "2024-03-12", "--no-send"])
    assert "0 reminders recorded" in again.output
    queue = runner.invoke(args=["reminders", "queue"])
    assert "pending" in queue.output


def test_reminders_run_refuses_a_bad_date(runner):
    result = runner.invoke(args=["reminders", "run", "--date", "31/02/2024"])
    assert result.exit_code != 0
    assert "is not a date" in result.output


def test_settings_command_shows_and_changes_a_units_settings(app, runner, ward):
    code = ward["unit"].code
    shown = runner.invoke(args=["reminders", "settings", code])
    assert "7, 3, 1" in shown.output and "Monday" in shown.output
    changed = runner.invoke(
        args=["reminders", "settings", code, "--days-before", "5,2", "--digest-weekday", "none"]
    )
    assert changed.exit_code == 0, changed.output
    assert "5, 2" in changed.output and "weekly digest        : none" in changed.output
    refused = runner.invoke(args=["reminders", "settings", code, "--overdue-every", "-1"])
    assert refused.exit_code != 0
    missing = runner.invoke(args=["reminders", "settings", "khong-co"])
    assert missing.exit_code != 0 and "no unit" in missing.output


def test_startup_job_runs_the_pass_only_once_its_time_has_gone_by(app, monkeypatch):
    from tracker.reminders import jobs

    ran = []
    monkeypatch.setattr(jobs, "daily_job", lambda a: ran.append(a))
    monkeypatch.setitem(app.config, "TRACKER_REMINDER_TIME", "00:00")
    jobs.startup_job(app)
    monkeypatch.setitem(app.config, "TRACKER_REMINDER_TIME", "23:59")
    jobs.startup_job(app)
    assert len(ran) in (1, 2)  # 1, unless the test runs in the minute before midnight


def test_on_the_demo_date_the_jobs_remind_as_of_that_date(app, ward, clock, monkeypatch):
    """TRACKER_DEMO_TODAY=2024-03-12 (`make run`): the jobs fire on the real clock, a morning of
    December 2026 here, and each pass is that of 12/03/2024, as the demo's report saw it."""
    from tracker.reminders import jobs

    monkeypatch.setitem(app.config, "TRACKER_DEMO_TODAY", date(2024, 3, 12))
    monkeypatch.setitem(app.config, "TRACKER_MAIL_TRANSPORT", "outbox")
    lead = ward["lead"]
    task = gen_task(ward["plan"], lead, deadline=date(2024, 3, 11), title="Việc quá hạn")
    db.session.commit()
    clock(datetime(2026, 12, 3, 8, 0, tzinfo=ZONE))  # the scheduler starts after 07:30
    jobs.startup_job(app)

    item = db.session.scalars(
        select(ReminderItem).where(
            ReminderItem.task_id == task.id, ReminderItem.recipient_id == lead.id
        )
    ).one()
    assert (item.kind, item.recorded_on, item.days) == (ReminderKind.OVERDUE, date(2024, 3, 12), 1)
    notice = db.session.scalars(
        select(Notification).where(Notification.officer_id == lead.id)
    ).one()
    assert (notice.kind, notice.day) == ("reminders", date(2024, 3, 12))
    assert "quá hạn 1 ngày làm việc (hạn 11/03/2024)" in item.message
    email = db.session.scalars(
        select(ReminderEmail).where(ReminderEmail.recipient_id == lead.id)
    ).one()
    assert (email.send_on, email.state) == (date(2024, 3, 12), EmailState.SENT)
    assert "12/03/2024" in email.subject and "quá hạn 1 ngày làm việc" in email.body_text

    # The next real morning the demo is on 12/03/2024 again: everything is recorded already.
    recorded, emailed = (
        db.session.query(ReminderItem).count(),
        db.session.query(ReminderEmail).count(),
    )
    clock(datetime(2026, 12, 4, 7, 30, tzinfo=ZONE))
    jobs.daily_job(app)
    assert db.session.query(ReminderItem).count() == recorded
    assert db.session.query(ReminderEmail).count() == emailed
