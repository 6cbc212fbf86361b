"""One transaction per user action, committed in one place: at the end of the request.

Views call an operation (which flushes, never commits) and answer; when a request that may
change things (POST…) ends well (below 400) and was not refused, its changes are committed here,
then what waits for the commit (emails to send now) runs. A refused, failed or erroring request
is rolled back. CLI commands and scheduler jobs commit in their own single place.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, Response, g, request, session

from tracker.extensions import db

CHANGING_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_DISCARDED = "_transaction_discarded"
_AFTER_COMMIT = "_transaction_after_commit"
_RECORDS = "_transaction_records"


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


def _end_request(response: Response) -> Response:
    discarded = g.pop(_DISCARDED, False)
    callbacks = g.pop(_AFTER_COMMIT, [])
    records = g.pop(_RECORDS, False)
    if request.method not in CHANGING_METHODS and not records:
        return response
    if discarded or response.status_code >= 400:
        db.session.rollback()
        return response
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        session.pop("_flashes", None)  # "saved" was said too early: the error page says why
        raise
    for callback in callbacks:
        callback()
    return response


def init_app(app: Flask) -> None:
    app.after_request(_end_request)
