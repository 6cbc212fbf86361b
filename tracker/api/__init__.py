"""The JSON API (/api/v1): reads and writes, authenticated by bearer token."""

from flask import Blueprint

from tracker.extensions import csrf

bp = Blueprint("api", __name__)
# Bearer tokens only: no cookie ever authenticates an API call, so there is no cross-site
# request to forge. This blueprint is the one place CSRF protection is lifted.
csrf.exempt(bp)

from tracker.api import views, writes  # noqa: E402,F401
