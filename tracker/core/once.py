"""Single-use forms: the second POST of one form (a double click, back then save) does nothing
again, it is sent to what the first one made.

A form carries a token it was given when rendered (`token_field`). The view wrapped in
`@single_use` records the token in the request's own transaction before doing anything: a
second request with the same token finds it (or, on PostgreSQL, waits on the unique key until
the first commits, then finds it) and is redirected where the first one went, with a notice.
A refused first attempt rolls its record back with everything else: the corrected form then
goes through. A form without a token (an old page, a script) is handled as before.
"""

from __future__ import annotations

import functools
import re
import secrets
from datetime import datetime

from flask import flash, make_response, redirect, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import ForeignKey, String, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column
from wtforms import HiddenField

from tracker.core.clock import utcnow
from tracker.core.transactions import is_discarded
from tracker.core.types import UTCDateTime
from tracker.extensions import db

FIELD = "form_token"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


class FormUse(db.Model):
    """A submitted single-use form: its token and where its request sent the officer."""

    __tablename__ = "form_uses"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    target: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


def new_token() -> str:
    return secrets.token_urlsafe(16)


def token_field() -> HiddenField:
    """The hidden field a single-use form declares as `form_token`."""
    return HiddenField(default=new_token)


def claim(session: Session, token: str, officer_id: int | None) -> FormUse | None:
    """Record `token` as used in this transaction; the earlier use if it was used already."""
    try:
        with session.begin_nested():
            session.add(FormUse(token=token, officer_id=officer_id))
    except IntegrityError:
        return session.scalar(select(FormUse).where(FormUse.token == token))
    return None


def single_use(view):
    """Wrap a view whose POST creates something (a task, an evidence, a note)."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        token = request.form.get(FIELD, "") if request.method == "POST" else ""
        if not _TOKEN.match(token):
            return view(*args, **kwargs)
        officer_id = current_user.id if current_user.is_authenticated else None
        earlier = claim(db.session, token, officer_id)
        if earlier is not None:
            flash(_("Biểu mẫu này đã được gửi rồi; đây là kết quả của lần gửi đó."), "info")
            return redirect(earlier.target or request.path)
        response = make_response(view(*args, **kwargs))
        use = (
            None
            if is_discarded()
            else db.session.scalar(select(FormUse).where(FormUse.token == token))
        )
        if use is not None:
            if 300 <= response.status_code < 400:
                use.target = (response.location or "")[:500]
            else:  # the form shown again to be corrected: its token must go through then
                db.session.delete(use)
        return response

    return wrapper
