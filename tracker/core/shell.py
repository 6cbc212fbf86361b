"""The page shell's menu, rendered once per unit, menu entries and language, then reused.

Every page of a logged-in officer carries the same menu: a dozen links (each a `url_for`) and
as many translated labels. Rendering it per request cost about a fifth of a small page; now each
combination of unit, entries the officer may see and language is rendered once per process, and
only the officer's name, unread count and CSRF token are filled in per request. The shell's
other fixed links (stylesheets, scripts, icon, language forms) are built once too (`shell_url`).

The stylesheets and scripts are named with a digest of their content (`?v=…`) and kept by the
browser for a year: a page loaded on a ward's phone asks for its HTML alone, not for ten files
to be revalidated, and a new release names its changed files anew.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from flask import Flask, Response, current_app, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from tracker.core.permissions import Action, can, holds_tasks

_NAME = "\x00name\x00"
_UNREAD = "\x00unread\x00"
_CSRF = "\x00csrf\x00"


@functools.lru_cache(maxsize=512)
def _menu(unit_code: str, unit_name: str, entries: tuple[bool, ...], locale: str,
          script_root: str) -> str:
    leader, meetings, evaluations, units, unit_admin, assign_admins, communes, own_tasks = entries
    return render_template(
        "_menu.html",
        unit_code=unit_code,
        unit_name=unit_name,
        leader=leader,
        meetings=meetings,
        evaluations=evaluations,
        units=units,
        unit_admin=unit_admin,
        assign_admins=assign_admins,
        communes=communes,
        own_tasks=own_tasks,
        full_name=_NAME,
        unread=Markup(_UNREAD),
        csrf=_CSRF,
    )


def page_menu() -> Markup:
    """The logged-in officer's menu (the page shell renders it only for them)."""
    officer = current_user
    unit = officer.unit
    entries = (
        can(officer, Action.SEE_LEADER_VIEWS, unit),
        can(officer, Action.VIEW_MEETINGS, unit),
        can(officer, Action.VIEW_EVALUATIONS, unit),
        can(officer, Action.MANAGE_UNITS, unit),
        can(officer, Action.MANAGE_UNIT_SETTINGS, unit),
        can(officer, Action.ASSIGN_UNIT_ADMINS, unit),
        # A province (or a city, the nation) collects its communes' reports.
        str(getattr(unit.kind, "value", unit.kind)) in ("province", "city", "national")
        and (can(officer, Action.SEE_LEADER_VIEWS, unit)
             or can(officer, Action.MANAGE_PROVINCE_REPORTS, unit)),
        holds_tasks(officer),  # a read-only inspector has no tasks, reminders or grades
    )
    html = _menu(unit.code, unit.name, entries, str(get_locale()), request.script_root)
    unread = officer.unread_notifications
    badge = (
        f' <span class="badge rounded-pill text-bg-warning" data-testid="unread-count">{unread:d}'
        "</span>"
        if unread
        else ""
    )
    return Markup(
        html.replace(_NAME, str(escape(officer.full_name)))
        .replace(_UNREAD, badge)
        .replace(_CSRF, str(escape(generate_csrf())))
    )


def shell_url(endpoint: str, **values: str) -> str:
    """`url_for` of a link the page shell puts on every page (its stylesheets, scripts, icon,
    language forms): the same for every request of an app and script root, so built once.
    In debug mode a file's name follows its content at once: a stylesheet edited while the
    development server runs is not kept under its old name."""
    app = current_app._get_current_object()
    if app.debug and endpoint == "static":
        return _url(endpoint, values)
    return _shell_url(id(app), request.script_root, endpoint, tuple(sorted(values.items())))


@functools.lru_cache(maxsize=256)
def _shell_url(_app: int, _script_root: str, endpoint: str, values: tuple) -> str:
    return _url(endpoint, dict(values))


def _url(endpoint: str, values: dict) -> str:
    if endpoint == "static":
        path = Path(current_app.static_folder, values["filename"])
        values = {**values, "v": _digest(path, path.stat().st_mtime_ns)}
    return url_for(endpoint, **values)


@functools.lru_cache(maxsize=256)
def _digest(path: Path, _modified: int) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


# A year; `immutable` (RFC 8246): not revalidated even when the officer reloads the page.
VERSIONED_STATIC = "public, max-age=31536000, immutable"


def _cache_versioned_static(response: Response) -> Response:
    """A static file asked for by its versioned name is kept; by its bare name it is not (the
    vendor stylesheets' own fonts and images, whose links carry no version)."""
    if request.endpoint == "static" and request.args.get("v") and response.status_code in (
        200, 304,
    ):
        response.headers["Cache-Control"] = VERSIONED_STATIC
    return response


def init_shell(app: Flask) -> None:
    app.after_request(_cache_versioned_static)
