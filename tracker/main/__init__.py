"""Home, health check and language choice."""

from flask import Blueprint

bp = Blueprint("main", __name__)


def blueprint() -> Blueprint:
    """The area's blueprint with its views, imported when the application registers it: so
    importing the area's models or rules never pulls in every view (and imports back)."""
    from tracker.main import views  # noqa: F401

    return bp
