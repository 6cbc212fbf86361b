"""The tasks area of the product."""

from flask import Blueprint

bp = Blueprint("tasks", __name__)


def blueprint() -> Blueprint:
    """The area's blueprint with its views, imported when the application registers it: so
    importing the area's models or rules never pulls in every view (and imports back)."""
    from tracker.tasks import cascade_views, handover_views, views  # noqa: F401

    return bp
