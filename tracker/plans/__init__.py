"""Plans: the list of a unit's plans, a plan's page, import and export."""

from flask import Blueprint

bp = Blueprint("plans", __name__)


def blueprint() -> Blueprint:
    """The area's blueprint with its views, imported when the application registers it: so
    importing the area's models or rules never pulls in every view (and imports back)."""
    from tracker.plans import edit_views, import_views, merge_views, views  # noqa: F401

    return bp
