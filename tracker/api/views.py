"""The read-only JSON API (/api/v1): bearer token, the pages' permissions, JSON errors.

Sessions play no part here: a browser's login cookie never authenticates an API call. Every
route but the OpenAPI document needs `Authorization: Bearer TOKEN` (`tracker token create`).
The document in tracker/api/openapi.py describes every route; a test keeps the two in step.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask import Response, g, jsonify, request
from flask_babel import gettext as _
from sqlalchemy import select

from tracker.api import bp
from tracker.api.openapi import document
from tracker.core.clock import today
from tracker.core.permissions import Action, authorize
from tracker.core.status import deadline_class, deadline_on, done_as_of, in_plan_on
from tracker.extensions import db
from tracker.people.models import Officer, Unit
from tracker.people.operations import officer_for_token
from tracker.plans.models import Plan
from tracker.plans.queries import plan_summaries
from tracker.tasks.queries import plan_tasks

# Routes anyone may read without a token.
PUBLIC_ENDPOINTS = frozenset({"api.openapi"})

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # ASCII digits only, unlike \d
_MAX_TOKEN_LENGTH = 512  # issued tokens have 43 characters
_MAX_UNIT_CODE_LENGTH = 64  # Unit.code's column length


class ApiError(Exception):
    """An error answered as `{"error": {"status": N, "message": "..."}}`."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


@bp.errorhandler(ApiError)
def _api_error(error: ApiError) -> Response:
    response = jsonify(error={"status": error.status, "message": error.message})
    response.status_code = error.status
    response.headers.update(error.headers)
    return response


def _bearer_token() -> str | None:
    scheme, _sep, token = request.headers.get("Authorization", "").strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


@bp.before_request
def _authenticate() -> None:
    """Resolve the bearer token into `g.api_officer`, or answer 401."""
    g.api_officer = None
    if request.endpoint in PUBLIC_ENDPOINTS:
        return
    token = _bearer_token()
    if token is None:
        raise ApiError(
            401,
            _("Cần mã truy cập API trong tiêu đề “Authorization: Bearer <mã>”."),
            {"WWW-Authenticate": 'Bearer realm="tracker"'},
        )
    officer = None
    if len(token) <= _MAX_TOKEN_LENGTH:
        officer = officer_for_token(db.session, token)
    if officer is None:
        raise ApiError(
            401,
            _("Mã truy cập API không hợp lệ, đã bị thu hồi hoặc tài khoản đã bị khóa."),
            {"WWW-Authenticate": 'Bearer realm="tracker", error="invalid_token"'},
        )
    g.api_officer = officer


@bp.after_request
def _no_store(response: Response) -> Response:
    if request.endpoint not in PUBLIC_ENDPOINTS:
        response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# --- request helpers ------------------------------------------------------------------------


def _as_of() -> date:
    """The `as_of` query parameter (YYYY-MM-DD), or today where the ward is."""
    raw = request.args.get("as_of")
    if raw is None:
        return today()
    if _ISO_DATE.fullmatch(raw):
        try:
            return date.fromisoformat(raw)
        except ValueError:
            pass
    raise ApiError(
        400,
        _("Tham số as_of không hợp lệ: cần một ngày có thật, dạng YYYY-MM-DD (ví dụ 2024-03-12)."),
    )


def _viewable_unit(code: str) -> Unit:
    """The unit of the URL, if it exists (404) and the token's officer may read it (403)."""
    unit = None
    if len(code) <= _MAX_UNIT_CODE_LENGTH and "\x00" not in code:  # PostgreSQL refuses NUL
        unit = db.session.scalar(select(Unit).where(Unit.code == code))
    if unit is None:
        raise ApiError(404, _("Không tìm thấy đơn vị có mã này."))
    authorize(g.api_officer, Action.USE_API, unit)
    authorize(g.api_officer, Action.VIEW_UNIT, unit)
    return unit


# --- serialisers ----------------------------------------------------------------------------


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _unit_json(unit: Unit) -> dict[str, Any]:
    return {"code": unit.code, "name": unit.name}


def _officer_ref(officer: Officer | None) -> dict[str, Any] | None:
    if officer is None:
        return None
    return {"id": officer.id, "full_name": officer.full_name}


def _plan_ref(plan: Plan) -> dict[str, Any]:
    return {
        "id": plan.id,
        "kind": plan.kind.value,
        "title": plan.title,
        "document": plan.document_number,
        "document_date": _iso(plan.document_date),
        "appendix_row": plan.appendix_row,
    }


# --- routes ---------------------------------------------------------------------------------


@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(document())


@bp.get("/me")
def me() -> Response:
    officer: Officer = g.api_officer
    authorize(officer, Action.USE_API, officer.unit)
    return jsonify(
        id=officer.id,
        full_name=officer.full_name,
        email=officer.email,
        position=officer.position,
        unit=_unit_json(officer.unit),
        roles=sorted(role.value for role in officer.roles),
    )


@bp.get("/units/<unit_code>/plans")
def unit_plans(unit_code: str) -> Response:
    unit = _viewable_unit(unit_code)
    as_of = _as_of()
    plans = []
    for summary in plan_summaries(db.session, unit.id, as_of):
        rate = summary.tally.completion_rate
        plans.append(
            _plan_ref(summary.plan)
            | {
                "task_count": summary.tally.total,
                "done_count": summary.tally.done,
                # A JSON number (Flask would write a Decimal as a string); one decimal survives.
                "completion_rate": float(rate) if rate is not None else None,
            }
        )
    return jsonify(unit=_unit_json(unit), as_of=as_of.isoformat(), plans=plans)


@bp.get("/units/<unit_code>/plans/<int:plan_id>/tasks")
def tasks_of_plan(unit_code: str, plan_id: int) -> Response:
    unit = _viewable_unit(unit_code)
    as_of = _as_of()
    plan = db.session.get(Plan, plan_id)
    if plan is None or plan.unit_id != unit.id or plan.archived_at is not None:
        raise ApiError(404, _("Không tìm thấy kế hoạch này trong đơn vị."))
    tasks = plan_tasks(db.session, plan)  # lead, supporters, group, occurrences loaded
    items = []
    for task in tasks:
        if not in_plan_on(task, as_of):  # added later, or withdrawn by then
            continue
        status = deadline_class(task, as_of)
        group = task.group
        items.append(
            {
                "id": task.id,
                "ordinal": task.ordinal,
                "group": (
                    {"id": group.id, "ordinal": group.ordinal, "name": group.name}
                    if group is not None
                    else None
                ),
                "title": task.title,
                "deliverable": task.deliverable,
                "lead_officer": _officer_ref(task.lead_officer),
                "supporters": [_officer_ref(o) for o in task.supporters],
                "deadline": _iso(deadline_on(task, as_of)),
                "entered_on": _iso(task.entered_on),
                "recurrence_note": task.recurrence_note,
                "completed_on": _iso(done_as_of(task, as_of)),
                "status": status.value,
            }
        )
    return jsonify(
        unit=_unit_json(unit), as_of=as_of.isoformat(), plan=_plan_ref(plan), tasks=items
    )
