"""The province page: every commune below a province (a city of old, the nation) with its
figures, for the leaders and inspectors who oversee them."""

from flask import Blueprint

bp = Blueprint("province", __name__)


def blueprint() -> Blueprint:
    """The area's blueprint with its views, imported when the application registers it: so
    importing the area's models or rules never pulls in every view (and imports back)."""
    from tracker.province import views  # noqa: F401

    return bp
