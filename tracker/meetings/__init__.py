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

from tracker.meetings import models, views  # noqa: E402,F401
