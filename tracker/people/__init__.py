"""The people area of the product."""

from flask import Blueprint

bp = Blueprint("people", __name__)


def blueprint() -> Blueprint:
    """The area's blueprint with its views, imported when the application registers it: so
    importing the area's models or rules never pulls in every view (and imports back)."""
    from tracker.people import officer_views, token_views, unit_views, views  # noqa: F401

    return bp
