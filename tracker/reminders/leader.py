"""One active scheduler across machines: a PostgreSQL advisory lock.

`tracker scheduler` started on several hosts (a standby, a second web host) runs its jobs in one
of them only: each tries `pg_try_advisory_lock` on a connection of its own, in a loop; the one
that gets it runs the scheduler and holds the lock as long as its connection lives. When it
stops (or dies, or its connection drops), PostgreSQL releases the lock and the next try of a
waiting one takes over. The database's unique keys already make a second scheduler harmless
(nothing is sent twice); the lock makes it idle rather than busy doing the same work.

On SQLite there is one process by rule (the database is a file on one machine): no lock.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

log = logging.getLogger("tracker.reminders")

# The lock's key, the same for every process of an installation (its database): "tracker".
LOCK_KEY = 0x747261636B6572


def take_scheduler_lock(
    engine: Engine, interval: float, say: Callable[[str], None] = log.info,
    sleep: Callable[[float], None] = time.sleep,
) -> Connection | None:
    """Wait until this process holds the scheduler lock; the connection holding it (keep it
    open while the scheduler runs). None on a database without advisory locks (SQLite)."""
    if engine.dialect.name != "postgresql":
        return None
    connection = engine.connect()
    # Out of the pool: closing it closes the database session, which releases the lock (a
    # pooled connection would keep the session, and the lock, alive).
    connection.detach()
    waiting = False
    while True:
        taken = connection.execute(
            text("SELECT pg_try_advisory_lock(:key)"), {"key": LOCK_KEY}
        ).scalar()
        connection.commit()  # the lock is the session's: no transaction left open
        if taken:
            say("Scheduler lock taken: this process runs the jobs.")
            return connection
        if not waiting:
            say("Another scheduler holds the lock; waiting to take over "
                f"(every {interval:g} s).")
            waiting = True
        sleep(interval)


def lock_alive(connection: Connection) -> bool:
    """The lock's connection still answers (a dropped one has released the lock)."""
    try:
        connection.execute(text("SELECT 1")).scalar()
        connection.commit()
        return True
    except Exception:
        log.exception("the scheduler lock's connection is lost")
        return False
