"""Two passes at once never send a reminder twice: two threads, and two `tracker reminders run`
processes, against a committed database and a real SMTP server counting messages.

The data must be committed for other connections to see it, so these tests build their own app
on a throwaway database (not the rolled-back `app` fixture). Threads and processes racing on
one database mean PostgreSQL; on SQLite the race is replayed step by step instead (both passes
select before either records), which exercises the same unique keys.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from config import TestingConfig
from tests.factories import gen_officer, gen_plan, gen_task, gen_unit
from tests.reminders.conftest import morning
from tests.support.databases import server_url
from tracker import create_app
from tracker.extensions import db
from tracker.people.models import Role
from tracker.reminders.delivery import record
from tracker.reminders.jobs import run_pass
from tracker.reminders.models import EmailState, ReminderEmail, ReminderItem
from tracker.reminders.selection import select_due
from tracker.tasks.models import Notification

ROOT = Path(__file__).resolve().parents[2]
DAYS = [date(2024, 3, 12), date(2024, 3, 13), date(2024, 3, 14)]
on_postgresql = pytest.mark.skipif(
    server_url() is None,
    reason="two writers racing on one database need PostgreSQL (TRACKER_TEST_DATABASE_URL); "
    "SQLite serialises writers, so its run replays the race step by step instead",
)


@pytest.fixture
def committed_app(tmp_path, smtp_server, migrated_database):
    """An app on its own database with two wards of committed tasks, mailing to the server."""
    with migrated_database(tmp_path, label="reminders") as url:
        app = create_app(
            TestingConfig,
            SQLALCHEMY_DATABASE_URI=url,
            TRACKER_UPLOAD_DIR=str(tmp_path / "uploads"),
            MAIL_SERVER="127.0.0.1",
            MAIL_PORT=smtp_server.port,
            MAIL_DEFAULT_SENDER="cchc@test.example",
            TRACKER_MAIL_TRANSPORT="smtp",
        )
        with app.app_context():
            for _ in range(2):
                unit = gen_unit()
                gen_officer(unit, Role.CHAIRPERSON)
                officers = [gen_officer(unit) for _ in range(12)]
                plan = gen_plan(unit)
                for n in range(120):
                    gen_task(
                        plan,
                        officers[n % 12],
                        deadline=date(2024, 3, 1) + timedelta(days=n % 30),
                        supporters=[officers[(n + 5) % 12]],
                    )
            db.session.commit()
            db.session.remove()
        try:
            yield app, url
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


def _officer_days(app) -> int:
    """How many (officer, day) have reminders: the day's reminders are one notice each."""
    with app.app_context():
        pairs = select(ReminderItem.recipient_id, ReminderItem.recorded_on).distinct().subquery()
        count = db.session.scalar(select(func.count()).select_from(pairs))
        db.session.remove()
    return count


def _counts(app) -> tuple[int, int, int]:
    with app.app_context():
        items = db.session.scalar(select(func.count()).select_from(ReminderItem))
        sent = db.session.scalar(
            select(func.count())
            .select_from(ReminderEmail)
            .where(ReminderEmail.state == EmailState.SENT)
        )
        notices = db.session.scalar(select(func.count()).select_from(Notification))
        db.session.remove()
    return items, sent, notices


def _assert_each_sent_once(smtp_server, sent: int) -> None:
    messages = smtp_server.messages
    ids = Counter(m["X-Tracker-Reminder"] for m in messages)
    assert ids and max(ids.values()) == 1, "an email went out twice"
    assert len(messages) == sent
    per_day = Counter(
        (m["To"].addresses[0].addr_spec, re.search(r"\d\d/\d\d/\d{4}", m["Subject"])[0])
        for m in messages
    )
    assert max(per_day.values()) == 1, "an officer got two emails the same day"


@on_postgresql
def test_two_threads_run_the_same_pass_at_once(committed_app, smtp_server):
    app, _url = committed_app
    errors: list[BaseException] = []
    reports = []

    def one_pass(day, barrier):
        try:
            with app.app_context():
                barrier.wait()
                reports.append(run_pass(day, now=morning(day)))
                db.session.remove()
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)

    for day in DAYS:
        barrier = threading.Barrier(2)
        threads = [threading.Thread(target=one_pass, args=(day, barrier)) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert not errors, errors

    # They raced: each selected the day's reminders before the other had recorded them, and
    # the unique keys let each reminder in once.
    assert all(r.dues for r in reports)
    items, sent, notices = _counts(app)
    assert sum(len(r.recorded.items) for r in reports) == items
    assert sum(len(r.delivery.sent) for r in reports) == sent
    # one notice per officer and day, not two
    assert items > 500 and notices == _officer_days(app) > 0
    _assert_each_sent_once(smtp_server, sent)
    with app.app_context():
        assert run_pass(DAYS[-1], now=morning(DAYS[-1])).dues == []


@on_postgresql
def test_two_processes_run_the_same_pass_at_once(committed_app, smtp_server, tmp_path):
    _app, url = committed_app
    env = {
        **os.environ,
        "TRACKER_CONFIG": "production",
        "SECRET_KEY": "test",
        "DATABASE_URL": url,
        "TRACKER_INSTANCE_PATH": str(tmp_path / "instance"),
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp_server.port),
        "TRACKER_MAIL_TRANSPORT": "smtp",
    }
    command = [sys.executable, "-c", "from tracker.cli import main; main()"]
    for day in DAYS[:2]:
        processes = [
            subprocess.Popen(
                [*command, "reminders", "run", "--date", day.isoformat()],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        outputs = [p.communicate(timeout=180) for p in processes]
        for process, (out, err) in zip(processes, outputs, strict=True):
            assert process.returncode == 0, err or out
    items, sent, notices = _counts(_app)
    assert items > 300 and notices == _officer_days(_app) > 0
    _assert_each_sent_once(smtp_server, sent)


def test_two_passes_that_selected_the_same_reminders_record_them_once(committed_app):
    """The race replayed: both select, then each records; the second inserts nothing."""
    app, _url = committed_app
    day = DAYS[0]
    with app.app_context():
        first = select_due(db.session, day)
        second = select_due(db.session, day)
        assert first.dues == second.dues and first.dues
        done = record(db.session, first, morning(day))
        db.session.commit()
        again = record(db.session, second, morning(day))
        db.session.commit()
        assert len(done.items) == len(first.dues)
        assert again.items == [] and again.notifications == 0 and again.emails == []
        db.session.remove()
    items, _sent, notices = _counts(app)
    assert items == len(first.dues)
    assert notices == _officer_days(app) == len({d.recipient_id for d in first.dues})
