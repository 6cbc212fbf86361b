"""How fast one may try passwords: per account and per client address, growing delays, then a
temporary lock. A correct password during a lock is refused the same way (the answer must not
tell the attacker they found it).

The rule, over the failures of the last WINDOW (an account's count restarts at its last
successful login):
- an account: free for FREE_FAILURES failures, then a wait doubling from 1 s after each one;
  from LOCK_FAILURES failures on, locked for LOCK_FOR after the last one;
- an address (one machine trying many accounts): the same shape with larger numbers.
Attempts refused by the rule count as failures: hammering keeps the lock on.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from tracker.core.clock import utcnow
from tracker.people.models import LoginAttempt

WINDOW = timedelta(minutes=15)
LOCK_FOR = timedelta(minutes=15)
MAX_WAIT = timedelta(minutes=5)


class Pace:
    def __init__(self, free: int, lock: int):
        self.free, self.lock = free, lock

    def wait(self, failures: int, last: datetime | None, now: datetime) -> timedelta:
        """How long from `now` before the next attempt may be checked."""
        if last is None or failures < self.free:
            return timedelta(0)
        if failures >= self.lock:
            until = last + LOCK_FOR
        else:
            until = last + min(timedelta(seconds=2 ** (failures - self.free)), MAX_WAIT)
        return max(until - now, timedelta(0))


ACCOUNT = Pace(free=3, lock=10)
ADDRESS = Pace(free=20, lock=100)


def _failures(session: Session, column, value: str, since: datetime):
    count, last = session.execute(
        select(func.count(), func.max(LoginAttempt.at)).where(
            column == value,
            LoginAttempt.at >= since,
            LoginAttempt.success.is_(False),
            LoginAttempt.kind == "login",
        )
    ).one()
    return count, last


def wait_before_login(session: Session, email: str, address: str) -> timedelta:
    """How long this email from this address must still wait; zero when it may try now."""
    now = utcnow()
    since = now - WINDOW
    last_success = session.scalar(
        select(func.max(LoginAttempt.at)).where(
            LoginAttempt.email == email,
            LoginAttempt.success.is_(True),
            LoginAttempt.kind == "login",
        )
    )
    account_since = max(since, last_success) if last_success else since
    by_account = ACCOUNT.wait(*_failures(session, LoginAttempt.email, email, account_since), now)
    by_address = ADDRESS.wait(*_failures(session, LoginAttempt.address, address, since), now)
    return max(by_account, by_address)


def is_locked(session: Session, email: str) -> bool:
    """Whether the account is in its temporary lock (shown to the unit administrator)."""
    now = utcnow()
    count, last = _failures(session, LoginAttempt.email, email, now - WINDOW)
    return count >= ACCOUNT.lock and last is not None and last + LOCK_FOR > now


def record_attempt(session: Session, email: str, address: str, *, success: bool) -> None:
    session.add(LoginAttempt(email=email[:254], address=address[:64], success=success))
    # What the rule no longer reads goes: the table stays the size of a day's attempts.
    session.execute(delete(LoginAttempt).where(LoginAttempt.at < utcnow() - timedelta(days=1)))
    session.flush()


# Password-reset letters: an address asks for a few an hour, an account receives a few an hour.
# Beyond that the answer stays the same but no letter goes (a mailbox is not flooded, and the
# page tells nothing of the account); an address beyond its own pace is told to wait.
RESET_WINDOW = timedelta(hours=1)
RESET_LETTERS_PER_ACCOUNT = 3
RESET_REQUESTS_PER_ADDRESS = 20


def reset_request_pace(session: Session, email: str, address: str) -> tuple[bool, bool]:
    """Record one request for a reset letter; answer (address may ask, letter may go)."""
    since = utcnow() - RESET_WINDOW

    def recent(column, value: str) -> int:
        return session.scalar(
            select(func.count()).where(
                column == value, LoginAttempt.at >= since, LoginAttempt.kind == "reset"
            )
        ) or 0

    by_address = recent(LoginAttempt.address, address)
    by_account = recent(LoginAttempt.email, email)
    session.add(
        LoginAttempt(email=email[:254], address=address[:64], success=False, kind="reset")
    )
    session.flush()
    address_may = by_address < RESET_REQUESTS_PER_ADDRESS
    return address_may, address_may and by_account < RESET_LETTERS_PER_ACCOUNT
