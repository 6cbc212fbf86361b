"""What was typed into a form the server could not take survives it.

Two refusals used to lose a form: a session that had ended (the POST went to the login page,
which then sent the officer to the POST-only URL: "405 Phương thức không được hỗ trợ") and a
body over MAX_CONTENT_LENGTH (a bare 413 page). Both now keep the form's fields as a draft on the
server, for the officer who typed them, and send the browser back to the PAGE of the form (the
referring page, a GET URL); that page restores the fields once (static/js/forms.js fills the form
whose action and hidden fields match). Never kept: files, passwords, the CSRF token; a draft is
bounded in size, kept for an hour, one per officer.
"""

from __future__ import annotations

import io
import json
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import Flask, current_app, flash, g, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import validate_csrf
from sqlalchemy import ForeignKey, String, Text, delete, select
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound, RequestEntityTooLarge
from werkzeug.formparser import MultiPartParser
from werkzeug.http import parse_options_header
from werkzeug.routing import RequestRedirect
from werkzeug.wsgi import LimitedStream
from wtforms.validators import ValidationError

from tracker.core.clock import utcnow
from tracker.core.formatting import format_file_size, upload_limit
from tracker.core.security import safe_next
from tracker.core.transactions import commit_reading
from tracker.core.types import UTCDateTime
from tracker.extensions import db

SESSION_KEY = "form_draft"
KEPT_FOR = timedelta(hours=1)
MAX_FIELDS = 300
MAX_BYTES = 64 * 1024  # the whole draft, as stored
# A body this far over the limit is not read to find its fields: the form comes back empty.
MAX_READ = 200 * 1024 * 1024
_NEVER_KEPT = ("csrf_token",)


class FormDraft(db.Model):
    """The fields of one refused form, until its page shows them again (once)."""

    __tablename__ = "form_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("officers.id"), index=True)
    page: Mapped[str] = mapped_column(String(500))  # where the form is shown (GET)
    action: Mapped[str] = mapped_column(String(500))  # where it was sent (POST)
    fields: Mapped[str] = mapped_column(Text)  # JSON: [[name, value], …] in the form's order
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


def kept_fields(form: MultiDict) -> list[list[str]] | None:
    """The fields worth keeping, in order; None when there are too many or they are too big."""
    pairs = [
        [name, value]
        for name, value in form.items(multi=True)
        if name not in _NEVER_KEPT and "password" not in name.lower() and isinstance(value, str)
    ]
    if len(pairs) > MAX_FIELDS or len(json.dumps(pairs).encode()) > MAX_BYTES:
        return None
    return pairs


def _gettable(path: str) -> bool:
    """Whether `path` (with its query) is a page of this site a browser can GET."""
    if safe_next(path) != path:
        return False
    adapter = current_app.url_map.bind_to_environ(request.environ)
    try:
        adapter.match(urlsplit(path).path, method="GET")
    except RequestRedirect:
        return True
    except (MethodNotAllowed, NotFound, HTTPException):
        return False
    return True


def form_page() -> str:
    """The page the refused form was on: the referring page of this site (sent by browsers for
    the site's own requests: Referrer-Policy same-origin), else the posted URL if it is a page,
    else the home page."""
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and referrer.path:
        page = referrer.path + (f"?{referrer.query}" if referrer.query else "")
        if _gettable(page):
            return page
    posted = request.full_path.rstrip("?")
    return posted if _gettable(posted) else url_for("main.index")


def keep_draft(officer_id: int, page: str, form: MultiDict) -> bool:
    """Keep what `form` holds for `officer_id` (their earlier draft goes); False if too big."""
    pairs = kept_fields(form)
    if pairs is None or not pairs:
        return False
    db.session.execute(delete(FormDraft).where(FormDraft.officer_id == officer_id))
    db.session.execute(delete(FormDraft).where(FormDraft.created_at < utcnow() - KEPT_FOR))
    draft = FormDraft(
        officer_id=officer_id,
        page=page[:500],
        action=request.path[:500],
        fields=json.dumps(pairs, ensure_ascii=False),
    )
    db.session.add(draft)
    db.session.flush()
    session[SESSION_KEY] = draft.id
    return True


def _restore() -> None:
    """On the GET of a draft's page by its officer: hand the draft to the page, once."""
    draft_id = session.get(SESSION_KEY)
    if draft_id is None or request.method != "GET" or not current_user.is_authenticated:
        return
    draft = db.session.get(FormDraft, draft_id) if isinstance(draft_id, int) else None
    if draft is None or draft.officer_id != current_user.id:
        session.pop(SESSION_KEY, None)
        return
    if draft.page != request.full_path.rstrip("?"):
        return  # the login page, a second step: the draft waits for its page
    session.pop(SESSION_KEY, None)
    if draft.created_at >= utcnow() - KEPT_FOR:
        g.form_draft = {"action": draft.action, "fields": json.loads(draft.fields)}
    db.session.delete(draft)
    commit_reading()


def officer_of_ended_session() -> int | None:
    """The officer whose session cookie this request still carries, when that session ended
    (idle, logged out elsewhere): the one who typed the form. Checked against the session's
    key on the server, like a live session."""
    from tracker.auth import session_id_parts
    from tracker.people.models import OfficerSession
    from tracker.people.sessions import key_hash

    parsed = session_id_parts(session.get("_user_id") or "")
    if parsed is None:
        return None
    officer_id, _version, key = parsed
    return db.session.scalar(
        select(OfficerSession.officer_id).where(
            OfficerSession.officer_id == officer_id,
            OfficerSession.key_hash == key_hash(key),
        )
    )


def keep_after_logout() -> str | None:
    """A form sent after the session ended: keep it, and answer where to return after login."""
    if request.method != "POST" or request.blueprint == "api":
        return None
    page = form_page()
    officer_id = officer_of_ended_session()
    if officer_id is not None:
        keep_draft(officer_id, page, request.form)
    return page


class _Discard(io.RawIOBase):
    """Where an oversized upload's file parts go: nowhere."""

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        return len(data)

    def seek(self, *args) -> int:
        return 0


def _fields_of_oversized_body() -> MultiDict:
    """The text fields of a multipart body refused for its size, its files read and dropped
    (reading it also lets the browser see the answer rather than a reset connection)."""
    mimetype, options = parse_options_header(request.headers.get("Content-Type", ""))
    length = request.content_length
    boundary = options.get("boundary", "")
    if mimetype != "multipart/form-data" or not boundary or not length or length > MAX_READ:
        return MultiDict()
    parser = MultiPartParser(
        stream_factory=lambda *args, **kwargs: _Discard(),
        max_form_memory_size=MAX_BYTES,
        max_form_parts=MAX_FIELDS * 2,
    )
    try:
        form, _files = parser.parse(
            LimitedStream(request.environ["wsgi.input"], length), boundary.encode(), length
        )
    except (ValueError, HTTPException):
        return MultiDict()
    return form


def too_large(error: RequestEntityTooLarge):
    """A form whose body is over the limit: back to its page with its other fields kept."""
    from tracker.errors import render_error

    limit = format_file_size(upload_limit())
    message = _("Tệp tải lên quá lớn: tối đa %(size)s.", size=limit)
    if request.method != "POST" or request.blueprint == "api" or request.path.startswith("/api/"):
        return render_error(413, message)
    fields = _fields_of_oversized_body()
    try:
        validate_csrf(fields.get("csrf_token"))
    except ValidationError:
        fields = MultiDict()  # not this site's form: nothing of it is kept
    page = form_page()
    kept = current_user.is_authenticated and keep_draft(current_user.id, page, fields)
    flash(
        message + " " + (
            _("Các nội dung khác đã nhập được giữ lại; hãy chọn tệp nhỏ hơn rồi gửi lại.")
            if kept
            else _("Hãy chọn tệp nhỏ hơn rồi gửi lại.")
        ),
        "danger",
    )
    return redirect(page, 303)


def init_drafts(app: Flask) -> None:
    app.before_request(_restore)
    app.register_error_handler(RequestEntityTooLarge, too_large)
