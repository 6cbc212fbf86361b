"""Logging in and out, changing one's password; loading the officer of a session."""

from __future__ import annotations

import functools

from flask import Blueprint, Flask, flash, redirect, request
from flask_babel import lazy_gettext as _l
from flask_login import login_url
from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import joinedload

from tracker.core.clock import today, utcnow
from tracker.core.transactions import commit_reading
from tracker.extensions import db, login_manager
from tracker.people.sessions import SEEN_EVERY, key_hash, still_open

bp = Blueprint("auth", __name__)


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Vui lòng đăng nhập để tiếp tục.")
    login_manager.login_message_category = "warning"
    login_manager.session_protection = app.config.get("SESSION_PROTECTION", "strong")

    @login_manager.unauthorized_handler
    def unauthorized():
        """Flask-Login's answer, but a form sent after the session ended is kept and the
        login leads back to its page (a GET), never to the URL it was posted to."""
        from tracker.auth.drafts import keep_after_logout

        flash(login_manager.login_message, category=login_manager.login_message_category)
        target = keep_after_logout() or request.url
        return redirect(login_url(login_manager.login_view, next_url=target))

    from tracker.auth.drafts import init_drafts

    init_drafts(app)

    @login_manager.user_loader
    def load_officer(user_id: str):
        parsed = session_id_parts(user_id)
        if parsed is None:
            return None
        officer_id, version, key = parsed
        row = db.session.execute(
            _officer_of_session(),
            {"officer_id": officer_id, "key_hash": key_hash(key), "today": today()},
        ).unique().first()
        # A deactivated officer's session ends at once (deactivation also bumps the version).
        if row is None or row[0].session_version != version or not row[0].active:
            return None
        officer, officer.unread_notifications, seen = row
        now = utcnow()
        if not still_open(seen, now):
            if seen.ended_at is None:  # idle too long: it ends here, for good
                seen.ended_at, seen.ended_reason = now, "idle"
                commit_reading()
            return None
        if now - seen.last_seen_at > SEEN_EVERY:
            seen.last_seen_at = now
            commit_reading()
        officer.session_key = key
        return officer


def session_id_parts(user_id: str) -> tuple[int, int, str] | None:
    """The officer's id, session version and session key a session cookie names
    ("12:3:key"), or None when it is not one."""
    officer_id, version, key = [*str(user_id or "").split(":"), "", ""][:3]
    if not (officer_id.isascii() and officer_id.isdigit() and len(officer_id) < 10):
        return None
    if not (version.isascii() and version.isdigit() and len(version) < 10):
        return None
    if not (key.isascii() and 20 <= len(key) <= 64):
        return None
    return int(officer_id), int(version), key


@functools.cache
def _officer_of_session() -> Select:
    """The officer with their unit, roles and unread notifications, and the session of the
    cookie's key: the shell of every page shows the unit and checks roles. Built once (every
    request runs it; building the statement cost a sixth of a small page)."""
    from tracker.people.models import Officer, OfficerSession
    from tracker.tasks.models import Notification
    from tracker.tasks.notices import needs_action

    # The badge counts only unread notices that need the officer (tasks.notices).
    unread = (
        select(func.count())
        .select_from(Notification)
        .where(
            Notification.officer_id == Officer.id,
            Notification.read_at.is_(None),
            needs_action(bindparam("today")),
        )
        .scalar_subquery()
    )
    return (
        select(Officer, unread, OfficerSession)
        .join(OfficerSession, OfficerSession.officer_id == Officer.id)
        .where(Officer.id == bindparam("officer_id"))
        .where(OfficerSession.key_hash == bindparam("key_hash"))
        .options(joinedload(Officer.unit), joinedload(Officer.role_rows))
    )


def blueprint() -> Blueprint:
    """The area's blueprint with its views, imported when the application registers it: so
    importing the area's models or rules never pulls in every view (and imports back)."""
    from tracker.auth import two_step_views, views  # noqa: F401

    return bp
