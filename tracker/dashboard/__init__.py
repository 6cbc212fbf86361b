"""The unit's dashboard: where each plan stands, by field and by officer, and what needs doing."""

from flask import Blueprint

bp = Blueprint("dashboard", __name__)

from tracker.dashboard import views  # noqa: E402,F401
