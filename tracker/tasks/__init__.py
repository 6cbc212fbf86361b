"""The tasks area of the product."""

from flask import Blueprint

bp = Blueprint("tasks", __name__)

from tracker.tasks import cascade_views, handover_views, views  # noqa: E402,F401
