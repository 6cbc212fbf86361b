"""The monthly review meeting (họp giao ban CCHC): the agenda builds itself from the tasks,
leaders record each officer's evaluation and the decisions, the minutes come out as Word.

models.py      meetings, attendance, agenda items, evaluations, the unit's grades (audited)
agenda.py      the built agenda (one status rule, fixed queries) and the grade proposal
operations.py  open, attendance, items, decisions (through tasks.operations), grades, close
queries.py     the meeting list, what the meeting page shows (agenda, live differences,
               proposals), the grades, an officer's evaluations, the officer × month table
exporting.py   the minutes (.docx, official layout; PDF via LibreOffice), the agenda (.xlsx)
reminders.py   the reminder before a meeting (a source of the reminder engine, listed in
               tracker.configure_reminders)
views.py       the pages
"""

from flask import Blueprint

bp = Blueprint("meetings", __name__)

from tracker.meetings import models  # noqa: E402,F401


def blueprint() -> Blueprint:
    """The area's blueprint with its views, imported when the application registers it: so
    importing the area's models or rules never pulls in every view (and imports back)."""
    from tracker.meetings import views  # noqa: F401

    return bp
