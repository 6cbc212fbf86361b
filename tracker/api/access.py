"""Which unit a request names, and whether its token's officer may read it: shared by the
read and write routes."""

from __future__ import annotations

from flask import g
from flask_babel import gettext as _
from sqlalchemy import select

from tracker.api.errors import ApiError
from tracker.core.permissions import Action, authorize
from tracker.extensions import db
from tracker.people.models import Unit

_MAX_UNIT_CODE_LENGTH = 64  # Unit.code's column length


def viewable_unit(code: str) -> Unit:
    """The unit of the URL, if it exists (404) and the token's officer may read it (403)."""
    unit = None
    if len(code) <= _MAX_UNIT_CODE_LENGTH and "\x00" not in code:  # PostgreSQL refuses NUL
        unit = db.session.scalar(select(Unit).where(Unit.code == code))
    if unit is None:
        raise ApiError(404, _("Không tìm thấy đơn vị có mã này."))
    authorize(g.api_officer, Action.USE_API, unit)
    authorize(g.api_officer, Action.VIEW_UNIT, unit)
    return unit
