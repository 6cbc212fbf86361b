"""The people area of the product."""

from flask import Blueprint

bp = Blueprint("people", __name__)

from tracker.people import unit_views, views  # noqa: E402,F401
