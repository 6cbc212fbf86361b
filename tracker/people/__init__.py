"""The people area of the product."""

from flask import Blueprint

bp = Blueprint("people", __name__)

from tracker.people import officer_views, token_views, unit_views, views  # noqa: E402,F401
