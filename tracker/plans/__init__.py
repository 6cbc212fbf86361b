"""Plans: the list of a unit's plans, a plan's page, import and export."""

from flask import Blueprint

bp = Blueprint("plans", __name__)

from tracker.plans import edit_views, import_views, merge_views, views  # noqa: E402,F401
