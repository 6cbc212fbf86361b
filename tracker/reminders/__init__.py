"""Reminders: what is due is chosen by rule, recorded once, and mailed at most once a day.

selection.py   what is due on a day (set-based, a handful of queries for every unit)
delivery/      recording it exactly once, the in-app notices, the emails' lifecycle
mail.py        SMTP (one connection for a batch) and the development outbox
rendering.py   the email's subject, plain text and HTML
jobs.py        one pass, the sending loop, the APScheduler jobs (`tracker scheduler`)
"""

from flask import Blueprint

bp = Blueprint("reminders", __name__)

# The models first: they pull in the people area before the views ask for permissions, so
# importing this package first (a script, a job) does not trip the people <-> permissions cycle.
from tracker.reminders import models  # noqa: E402,F401


def blueprint() -> Blueprint:
    """The area's blueprint with its views, imported when the application registers it: so
    importing the area's models or rules never pulls in every view (and imports back)."""
    from tracker.reminders import views  # noqa: F401

    return bp
