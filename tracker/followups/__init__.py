"""Prompting by hand: a leader's đôn đốc about an open task, and the explanation (giải trình)
a leader requests for an overdue one, its answer and the leader's decision.

models.py      the prompts and explanation requests, audited
operations.py  send_prompt, request_explanation, answer_explanation, decide_explanation
queries.py     what the task page and the monthly meeting list show
views.py       the task page's forms, the unit's monthly list
"""

from flask import Blueprint

bp = Blueprint("followups", __name__)

from tracker.followups import models  # noqa: E402,F401


def blueprint() -> Blueprint:
    """The area's blueprint with its views, imported when the application registers it: so
    importing the area's models or rules never pulls in every view (and imports back)."""
    from tracker.followups import views  # noqa: F401

    return bp
