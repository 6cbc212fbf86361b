"""The read-only JSON API, authenticated by bearer token."""

from flask import Blueprint

from tracker.extensions import csrf

bp = Blueprint("api", __name__)
csrf.exempt(bp)  # bearer tokens, no cookies: CSRF does not apply

from tracker.api import views  # noqa: E402,F401
