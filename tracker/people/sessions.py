"""Sessions kept on the server (`OfficerSession`): started at login, seen on each request,
ended at logout, after inactivity, from the officer's list of sessions, or when the password
changes. A cookie captured before a session ended is refused afterwards."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tracker.core.clock import utcnow
from tracker.people.models import Officer, OfficerSession

# How often a session's last activity is written: not on every request.
SEEN_EVERY = timedelta(minutes=1)
DEFAULT_IDLE_HOURS = 8


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def idle_limit() -> timedelta:
    return timedelta(hours=current_app.config.get("TRACKER_SESSION_IDLE_HOURS", DEFAULT_IDLE_HOURS))


def start_session(session: Session, officer: Officer, *, address: str, user_agent: str) -> str:
    """A new session for the officer; its key goes into the cookie (through `get_id`)."""
    key = secrets.token_urlsafe(32)
    session.add(
        OfficerSession(
            key_hash=key_hash(key),
            officer_id=officer.id,
            address=(address or "")[:64],
            user_agent=(user_agent or "")[:300],
        )
    )
    session.flush()
    officer.session_key = key
    return key


def still_open(row: OfficerSession, now: datetime) -> bool:
    return row.ended_at is None and row.last_seen_at + idle_limit() > now


def end_session(session: Session, key: str, reason: str) -> None:
    session.execute(
        update(OfficerSession)
        .where(OfficerSession.key_hash == key_hash(key), OfficerSession.ended_at.is_(None))
        .values(ended_at=utcnow(), ended_reason=reason)
    )


def end_sessions(session: Session, officer_id: int, reason: str, *, keep: str = "") -> None:
    """End every open session of the officer (but the one whose key is `keep`)."""
    query = update(OfficerSession).where(
        OfficerSession.officer_id == officer_id, OfficerSession.ended_at.is_(None)
    )
    if keep:
        query = query.where(OfficerSession.key_hash != key_hash(keep))
    session.execute(query.values(ended_at=utcnow(), ended_reason=reason))


def end_session_by_id(session: Session, officer: Officer, session_id: int) -> bool:
    """The officer ends one of their own sessions from the list; False if it is not theirs."""
    result = session.execute(
        update(OfficerSession)
        .where(
            OfficerSession.id == session_id,
            OfficerSession.officer_id == officer.id,
            OfficerSession.ended_at.is_(None),
        )
        .values(ended_at=utcnow(), ended_reason="ended")
    )
    return bool(result.rowcount)


@dataclass(frozen=True, slots=True)
class SessionLine:
    id: int
    created_at: datetime
    last_seen_at: datetime
    address: str
    device: str
    current: bool


# (what the User-Agent holds, the name shown), the more specific first.
_BROWSERS = (
    ("Edg/", "Edge"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)
_SYSTEMS = (
    ("Android", "Android"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Windows", "Windows"),
    ("Mac OS", "macOS"),
    ("Linux", "Linux"),
)


def _device(user_agent: str) -> str:
    """A short name of the browser and system, enough to recognise one's own devices."""
    agent = user_agent or ""
    browser = next((name for key, name in _BROWSERS if key in agent), "")
    system = next((name for key, name in _SYSTEMS if key in agent), "")
    return " · ".join(part for part in (browser, system) if part) or agent[:60]


def open_sessions(session: Session, officer: Officer) -> list[SessionLine]:
    now = utcnow()
    rows = session.scalars(
        select(OfficerSession)
        .where(OfficerSession.officer_id == officer.id, OfficerSession.ended_at.is_(None))
        .order_by(OfficerSession.last_seen_at.desc())
    ).all()
    current = key_hash(officer.session_key) if officer.session_key else ""
    return [
        SessionLine(
            id=row.id,
            created_at=row.created_at,
            last_seen_at=row.last_seen_at,
            address=row.address,
            device=_device(row.user_agent),
            current=row.key_hash == current,
        )
        for row in rows
        if still_open(row, now)
    ]
