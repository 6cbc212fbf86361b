"""Logins as audit events (who logged in when, from where, successfully or not), and the
unit's login history read from them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.core.audit import AuditEvent
from tracker.people.models import Officer

LOGIN = "login"
LOGIN_FAILED = "login_failed"
PER_PAGE = 50


def record_login(
    session: Session,
    *,
    email: str,
    officer: Officer | None,
    address: str,
    success: bool,
    throttled: bool = False,
) -> None:
    """One audit event per attempt. A failed attempt with an email no officer has is kept
    too (entity 0, no unit): only the email typed tells it apart."""
    session.add(
        AuditEvent(
            actor_id=officer.id if officer is not None and success else None,
            unit_id=officer.unit_id if officer is not None else None,
            entity_type="officers",
            entity_id=officer.id if officer is not None else 0,
            action=LOGIN if success else LOGIN_FAILED,
            label=(officer.full_name if officer is not None else email)[:300],
            changes={
                "address": (address or "")[:64],
                "email": (email or "")[:254],
                # Refused unchecked: too many failures (people/throttle.py).
                **({"throttled": True} if throttled else {}),
            },
        )
    )
    session.flush()


@dataclass(frozen=True, slots=True)
class LoginRow:
    occurred_at: datetime
    officer_name: str
    email: str
    address: str
    success: bool
    throttled: bool = False


def login_history(session: Session, unit_id: int, page: int) -> tuple[list[LoginRow], int]:
    """A page of the unit's logins, newest first, and how many there are (two queries)."""
    where = (AuditEvent.unit_id == unit_id, AuditEvent.action.in_((LOGIN, LOGIN_FAILED)))
    total = session.scalar(select(func.count()).select_from(AuditEvent).where(*where)) or 0
    query = (
        select(AuditEvent.occurred_at, AuditEvent.action, AuditEvent.changes, Officer.full_name)
        .outerjoin(Officer, Officer.id == AuditEvent.entity_id)
        .where(*where)
        .order_by(AuditEvent.id.desc())
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    )
    rows = [
        LoginRow(
            occurred_at=when,
            officer_name=name or "",
            email=str((changes or {}).get("email", "")),
            address=str((changes or {}).get("address", "")),
            success=action == LOGIN,
            throttled=bool((changes or {}).get("throttled")),
        )
        for when, action, changes, name in session.execute(query)
    ]
    return rows, total
