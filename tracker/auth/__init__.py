"""Logging in and out, changing one's password; loading the officer of a session."""

from __future__ import annotations

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from tracker.extensions import db, login_manager

bp = Blueprint("auth", __name__)


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Vui lòng đăng nhập để tiếp tục.")
    login_manager.login_message_category = "warning"
    login_manager.session_protection = app.config.get("SESSION_PROTECTION", "strong")

    @login_manager.user_loader
    def load_officer(user_id: str):
        from tracker.people.models import Officer
        from tracker.tasks.models import Notification

        officer_id, _, version = user_id.partition(":")
        if not (officer_id.isascii() and officer_id.isdigit() and len(officer_id) < 10):
            return None
        if not (version.isascii() and version.isdigit() and len(version) < 10):
            return None
        # The shell of every page shows the unit and checks roles: load them with the officer.
        unread = (
            select(func.count())
            .select_from(Notification)
            .where(Notification.officer_id == Officer.id, Notification.read_at.is_(None))
            .scalar_subquery()
        )
        row = db.session.execute(
            select(Officer, unread)
            .where(Officer.id == int(officer_id))
            .options(joinedload(Officer.unit), joinedload(Officer.role_rows))
        ).unique().first()
        if row is None or row[0].session_version != int(version):
            return None
        officer, officer.unread_notifications = row
        return officer


from tracker.auth import views  # noqa: E402,F401
