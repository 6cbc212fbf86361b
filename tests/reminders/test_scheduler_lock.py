"""Several machines, one active scheduler: a second `tracker scheduler` waits on the
PostgreSQL advisory lock and takes over when the first stops. Two real processes; on SQLite
one process is the rule, so the test is skipped there."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tracker.reminders.leader import take_scheduler_lock

TRACKER = Path(sys.executable).with_name("tracker")


class Process:
    """A `tracker scheduler` process whose output is read line by line as it comes."""

    def __init__(self, env: dict[str, str]):
        self.popen = subprocess.Popen(
            [str(TRACKER), "scheduler"], env=env, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.popen.stdout:
            self.lines.put(line)

    def wait_for(self, words: str, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while not any(words in line for line in self.seen):
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"{words!r} not printed; got: {''.join(self.seen)}")
            try:
                self.seen.append(self.lines.get(timeout=left))
            except queue.Empty:
                continue

    def printed(self, words: str) -> bool:
        while not self.lines.empty():
            self.seen.append(self.lines.get())
        return any(words in line for line in self.seen)

    def stop(self) -> int:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
        return self.popen.wait(timeout=30)


@pytest.fixture
def scheduler_env(database_url, tmp_path):
    if not database_url.startswith("postgresql"):
        pytest.skip("one scheduler process is the rule on SQLite (no advisory locks)")
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "TRACKER_CONFIG": "development",
        "SECRET_KEY": "scheduler-lock-test-" + "x" * 20,
        "TRACKER_SCHEDULER_LOCK_SECONDS": "0.2",
        "TRACKER_REMINDER_TIME": "23:59",  # no pass at start-up: this test is about the lock
        "TRACKER_MAIL_TRANSPORT": "outbox",
        "TRACKER_BACKUP_DIR": str(tmp_path / "backups"),
        "TRACKER_DEMO_TODAY": "",
        "PYTHONUNBUFFERED": "1",
    }


def test_a_second_scheduler_waits_and_takes_over_when_the_first_stops(scheduler_env):
    first = Process(scheduler_env)
    second = None
    try:
        first.wait_for("Scheduler started")
        second = Process(scheduler_env)
        second.wait_for("waiting to take over")
        time.sleep(1.5)  # several tries of the lock, all refused while the first runs
        assert not second.printed("Scheduler started")
        assert first.stop() == 0
        second.wait_for("Scheduler lock taken")
        second.wait_for("Scheduler started")
    finally:
        first.stop()
        if second is not None:
            assert second.stop() == 0


def test_sqlite_needs_no_lock(app):
    from tracker.extensions import db

    if db.engine.dialect.name == "postgresql":
        pytest.skip("SQLite only")
    assert take_scheduler_lock(db.engine, 0.1) is None
