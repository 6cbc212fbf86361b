"""One transaction per user action, committed in one place: at the end of the request.

Views call an operation (which flushes, never commits) and answer; when a request that may
change things (POST…) ends well (below 400) and was not refused, its changes are committed here,
then what waits for the commit (emails to send now) runs. A refused, failed or erroring request
is rolled back, then what undoes its side effects outside the database runs (a stored upload is
removed: `after_rollback`). CLI commands and scheduler jobs commit in their own single place.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Flask, Response, g, request, session
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from tracker.extensions import db

log = logging.getLogger("tracker.transactions")

CHANGING_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_DISCARDED = "_transaction_discarded"
_AFTER_COMMIT = "_transaction_after_commit"
_RECORDS = "_transaction_records"
_AFTER_ROLLBACK = "_transaction_after_rollback"


def discard() -> None:
    """Roll back what this request changed so far; its end commits nothing."""
    db.session.rollback()
    g.setdefault(_DISCARDED, True)


def is_discarded() -> bool:
    """Whether this request's changes were rolled back (a refused action)."""
    return bool(g.get(_DISCARDED, False))


def commit_reading() -> None:
    """This reading request (GET) records something small (a session's last activity): commit
    it at the end like a change, if the request ends well."""
    g.setdefault(_RECORDS, True)


def after_commit(callback: Callable[[], None]) -> None:
    """Run `callback` once this request's changes are committed (not at all if they are not)."""
    g.setdefault(_AFTER_COMMIT, []).append(callback)


def after_rollback(callback: Callable[[], None]) -> None:
    """Run `callback` if this request's changes are rolled back (refused, failed, or the commit
    itself failed): the counterpart of `after_commit` for what lives outside the database."""
    g.setdefault(_AFTER_ROLLBACK, []).append(callback)


def _undo(callbacks: list[Callable[[], None]]) -> None:
    for callback in callbacks:
        try:
            callback()
        except Exception:  # one failed clean-up must not hide the others, nor the answer
            log.exception("clean-up after a rolled-back request failed")


def _end_request(response: Response) -> Response:
    discarded = g.pop(_DISCARDED, False)
    callbacks = g.pop(_AFTER_COMMIT, [])
    records = g.pop(_RECORDS, False)
    undo = g.pop(_AFTER_ROLLBACK, [])
    if request.method not in CHANGING_METHODS and not records:
        _undo(undo)  # nothing of it is committed
        return response
    if discarded or response.status_code >= 400:
        db.session.rollback()
        _undo(undo)
        return response
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        _undo(undo)
        session.pop("_flashes", None)  # "saved" was said too early: the error page says why
        raise
    for callback in callbacks:
        callback()
    return response


def _teardown(exc: BaseException | None) -> None:
    # A request that ended without reaching `_end_request` (an error in another hook) kept
    # nothing in the database: undo what it left outside it too.
    _undo(g.pop(_AFTER_ROLLBACK, []))


# psycopg forgets the statements it has prepared at every ROLLBACK (what they use may have been
# dropped). Every reading request ends its transaction with one (the session's close), so no
# statement was ever prepared and PostgreSQL planned each anew on every request (a millisecond
# for Phụ lục 1's head statement). A transaction that wrote nothing ends the same committed:
# it is, and the connection keeps its prepared statements; one that wrote is rolled back.
_WROTE = "tracker.transaction_wrote"


def _reads_only(statement: str) -> bool:
    return statement.lstrip()[:6].upper() == "SELECT"


def wrote(conn: Connection) -> None:
    """This transaction writes on the driver's own cursor (COPY), where no statement of the
    engine shows it: end it by ROLLBACK if it is rolled back."""
    conn.info[_WROTE] = True


@event.listens_for(Engine, "before_cursor_execute")
def _note_writes(conn: Connection, _cursor, statement: str, *_args) -> None:
    if not _reads_only(statement):
        wrote(conn)


@event.listens_for(Engine, "commit")
def _committed(conn: Connection) -> None:
    conn.info.pop(_WROTE, None)


@event.listens_for(Engine, "rollback")
def _end_reading_by_commit(conn: Connection) -> None:
    if conn.info.pop(_WROTE, False) or conn.dialect.driver != "psycopg":
        return
    try:
        raw = conn.connection.dbapi_connection
        if raw is not None and raw.info.transaction_status.name == "INTRANS":
            raw.commit()  # then the rollback finds no transaction: psycopg does nothing
    except Exception:  # the rollback that follows meets the same trouble and handles it
        log.debug("ending a reading transaction by COMMIT failed", exc_info=True)


def init_app(app: Flask) -> None:
    app.after_request(_end_request)
    app.teardown_request(_teardown)
