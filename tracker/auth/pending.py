"""Between the password and the second step: who passed the password, kept for five minutes
in the (signed) Flask session. Nobody is logged in meanwhile: every page but the second step
and the enrolment it may require still sends to the login page."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app, session

from tracker.core.clock import utcnow
from tracker.extensions import db
from tracker.people import two_step
from tracker.people.models import Officer

KEY = "pending_login"
ENROL_SECRET = "two_step_secret"
LIFETIME = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class Pending:
    officer: Officer
    remember: bool
    next: str
    enrol: bool  # the role requires the second step and the officer has none yet


def second_step_needed(officer: Officer) -> str:
    """After a right password: "code" when the officer has an authenticator, "enrol" when
    their role requires one they have not set up, "" when the password is enough."""
    if two_step.is_enabled(db.session, officer.id):
        return "code"
    required = two_step.required_roles(officer.unit, current_app.config.get("TRACKER_2FA_ROLES"))
    if two_step.must_use(officer, required):
        return "enrol"
    return ""


def begin_second_step(officer: Officer, *, remember: bool, next_url: str, enrol: bool) -> None:
    session.pop(ENROL_SECRET, None)
    session[KEY] = {
        "officer": officer.id,
        "version": officer.session_version,
        "nonce": secrets.token_urlsafe(16),
        "expires": (utcnow() + LIFETIME).timestamp(),
        "remember": remember,
        "next": next_url,
        "enrol": enrol,
    }


def current() -> Pending | None:
    """The pending login, if it has not expired and its officer still may log in (a password
    changed or an account closed meanwhile ends it)."""
    data = session.get(KEY)
    if not isinstance(data, dict):
        return None
    try:
        officer_id, version = int(data["officer"]), int(data["version"])
        expires = float(data["expires"])
    except (KeyError, TypeError, ValueError):
        end()
        return None
    officer = db.session.get(Officer, officer_id)
    if (
        expires <= utcnow().timestamp()
        or officer is None
        or not officer.active
        or officer.session_version != version
    ):
        end()
        return None
    return Pending(
        officer=officer,
        remember=bool(data.get("remember")),
        next=str(data.get("next") or ""),
        enrol=bool(data.get("enrol")),
    )


def end() -> None:
    session.pop(KEY, None)
    session.pop(ENROL_SECRET, None)


def enrol_secret(new_secret) -> str:
    """The secret being set up, kept until a code confirms it (a reload shows the same QR)."""
    secret = session.get(ENROL_SECRET)
    if not isinstance(secret, str) or len(secret) != 32:
        secret = session[ENROL_SECRET] = new_secret()
    return secret
