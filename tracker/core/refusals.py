"""Refusals: the one way an operation says no, and the one way a view shows it.

An operation that cannot do what was asked raises `Refusal` with the user's message (translated,
Vietnamese) and the form field it belongs to, if any; several at once as {field: message}. The
view catches it and calls `show_refusal`, which rolls the request's changes back (nothing of a
refused action is committed) and puts each message on its field, or flashes it.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask import flash

from tracker.core.transactions import discard


class Refusal(ValueError):
    """A refused action. `errors` maps a form field (or "" for the whole form) to its message;
    `Refusal({})` refuses with nothing more to say (the form's own errors say it)."""

    def __init__(self, message: str | Mapping[str, str], field: str = ""):
        self.errors: dict[str, str] = (
            dict(message) if isinstance(message, Mapping) else {field: message}
        )
        super().__init__("; ".join(self.errors.values()))

    @property
    def message(self) -> str:
        return str(self)


def show_refusal(refusal: Refusal, form=None) -> None:
    """Undo what the refused action changed, then show why: each message on its field of
    `form` (a field that already says what is wrong with what was typed keeps its own), every
    other one (the whole form's, or no form) flashed above the page."""
    discard()
    for name, message in refusal.errors.items():
        field = form[name] if form is not None and name and name in form else None
        if field is None:
            flash(message, "danger")
        elif not field.errors:
            field.errors = [*field.errors, message]


class Conflict(Refusal):
    """Someone else saved the same thing while this user was editing it. `changes` holds what
    they changed (the page shows it); the form is shown again as the user typed it."""

    def __init__(self, message: str, changes=(), current_version: int | None = None):
        super().__init__(message)
        self.changes = list(changes)
        self.current_version = current_version
