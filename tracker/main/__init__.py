"""Home, health check and language choice."""

from flask import Blueprint

bp = Blueprint("main", __name__)

from tracker.main import views  # noqa: E402,F401
