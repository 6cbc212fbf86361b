"""Small helpers shared by the views of every area."""

from __future__ import annotations

from flask import abort
from sqlalchemy import select

from tracker.extensions import db
from tracker.people.models import Unit


def unit_or_404(code: str) -> Unit:
    """The unit with this code; a code no unit could have (NUL, too long) is a 404 too,
    before PostgreSQL refuses it with an error."""
    if not code or len(code) > 64 or "\x00" in code:
        abort(404)
    return db.one_or_404(select(Unit).where(Unit.code == code))
