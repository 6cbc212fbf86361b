"""The JSON API (/api/v1): reads and writes, authenticated by bearer token."""

from flask import Blueprint

from tracker.extensions import csrf

bp = Blueprint("api", __name__)
# Bearer tokens only: no cookie ever authenticates an API call, so there is no cross-site
# request to forge. This blueprint is the one place CSRF protection is lifted.
csrf.exempt(bp)


def blueprint() -> Blueprint:
    """The area's blueprint with its views, imported when the application registers it: so
    importing the area's models or rules never pulls in every view (and imports back)."""
    from tracker.api import views, writes  # noqa: F401

    return bp
