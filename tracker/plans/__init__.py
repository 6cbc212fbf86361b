"""The plans area of the product."""

from flask import Blueprint

bp = Blueprint("plans", __name__)

from tracker.plans import views  # noqa: E402,F401
