"""The unit's dashboard: where each plan stands, by field and by officer, and what needs doing."""

from flask import Blueprint

bp = Blueprint("dashboard", __name__)


def blueprint() -> Blueprint:
    """The area's blueprint with its views, imported when the application registers it: so
    importing the area's models or rules never pulls in every view (and imports back)."""
    from tracker.dashboard import views  # noqa: F401

    return bp
