"""Phụ lục 1 of the quarterly report: the table that fills and checks itself.

indicators.py  the indicator tree, read from data/phu_luc_1_<year>.toml
models.py      reporting periods, typed figures, the frozen snapshot
queries.py     the sources of the computed rows, for one unit or many (grouped queries)
table.py       the table: computed rows, sums, rates (core.status), snapshot round trip
validation.py  errors (block the save) and warnings (acknowledged) on typed figures
service.py     the table of a period and its checks, as every reader gets them
operations.py  create a period, save figures, submit (chốt số liệu), reopen
exporting.py   .xlsx, .docx (and PDF through LibreOffice), the quarterly report draft
province.py    a province's periods for all its communes (the national regime's dates), its
               indicator trees loaded from files, where each commune's report stands
summary.py     the province's Phụ lục 1: its communes' frozen tables summed
reminders.py   the report reminder (listed in tracker.configure_reminders)
views.py, province_views.py, cli.py
"""

from flask import Blueprint

bp = Blueprint("appendix", __name__)

from tracker.appendix import models  # noqa: E402,F401


def blueprint() -> Blueprint:
    """The area's blueprint with its views, imported when the application registers it: so
    importing the area's models or rules never pulls in every view (and imports back)."""
    from tracker.appendix import province_views, views  # noqa: F401

    return bp
