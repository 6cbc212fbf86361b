"""The JSON API (/api/v1), its reading side: bearer token, the pages' permissions, JSON errors.

Sessions play no part here: a browser's login cookie never authenticates an API call (so CSRF,
which protects cookies, does not apply: the blueprint is exempt). Every route but the OpenAPI
document needs `Authorization: Bearer TOKEN` (the token page, or `tracker token create`). The
writes are in tracker/api/writes.py. The document in tracker/api/openapi.py describes every
route; a test keeps the two in step.
"""

from __future__ import annotations

import re
from datetime import date

from flask import Response, g, jsonify, request
from flask_babel import gettext as _

from tracker.api import bp
from tracker.api.access import viewable_unit
from tracker.api.errors import ApiError
from tracker.api.openapi import document
from tracker.api.serializers import plan_ref, task_detail, task_item, unit_json
from tracker.core.audit import set_actor
from tracker.core.clock import to_local, today
from tracker.core.permissions import Action, authorize
from tracker.core.refusals import Conflict, Refusal
from tracker.core.status import in_plan_on
from tracker.core.transactions import commit_reading, discard
from tracker.extensions import db
from tracker.people.models import Officer
from tracker.people.tokens import TokenProblem, check_token, note_use
from tracker.plans.models import Plan
from tracker.plans.queries import plan_summaries
from tracker.tasks.queries import plan_tasks, task_or_404

# Routes anyone may read without a token.
PUBLIC_ENDPOINTS = frozenset({"api.openapi"})

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # ASCII digits only, unlike \d


@bp.errorhandler(ApiError)
def _api_error(error: ApiError) -> Response:
    return error.response()


@bp.errorhandler(Refusal)
def _refusal(refusal: Refusal) -> Response:
    """An operation said no: nothing of it is kept; its messages go to their fields (a 422), or
    a 409 when someone else changed the task since the version the caller sent."""
    discard()
    if isinstance(refusal, Conflict):
        return ApiError(409, refusal.message, current_version=refusal.current_version).response()
    fields = {name: message for name, message in refusal.errors.items() if name}
    message = refusal.errors.get("") or _("Dữ liệu gửi lên chưa hợp lệ: xem từng trường.")
    return ApiError(422, message, fields=fields).response()


def _bearer_token() -> str | None:
    scheme, _sep, token = request.headers.get("Authorization", "").strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


@bp.before_request
def _authenticate() -> None:
    """Resolve the bearer token into `g.api_token` and `g.api_officer`, or answer 401. The
    officer is the audit actor of whatever the request changes."""
    g.api_officer = g.api_token = None
    if request.endpoint in PUBLIC_ENDPOINTS:
        return
    secret = _bearer_token()
    if secret is None:
        raise ApiError(
            401,
            _("Cần mã truy cập API trong tiêu đề “Authorization: Bearer <mã>”."),
            {"WWW-Authenticate": 'Bearer realm="tracker"'},
        )
    checked = check_token(db.session, secret)
    if checked.problem is TokenProblem.EXPIRED:
        raise ApiError(
            401,
            _(
                "Mã truy cập API đã hết hạn lúc %(when)s: tạo mã mới trong trang Mã truy cập API.",
                when=f"{to_local(checked.token.expires_at):%H:%M %d/%m/%Y}",
            ),
            {"WWW-Authenticate": 'Bearer realm="tracker", error="invalid_token"'},
        )
    if checked.token is None:
        raise ApiError(
            401,
            _("Mã truy cập API không hợp lệ, đã bị thu hồi hoặc tài khoản đã bị khóa."),
            {"WWW-Authenticate": 'Bearer realm="tracker", error="invalid_token"'},
        )
    g.api_token = checked.token
    g.api_officer = checked.token.officer
    g.api_actor = set_actor(g.api_officer.id)
    if note_use(checked.token):
        commit_reading()  # a read's only write: when the token was last used


@bp.teardown_request
def _forget_actor(_error: BaseException | None) -> None:
    actor = g.pop("api_actor", None)
    if actor is not None:
        actor.var.reset(actor)


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
        unit=unit_json(officer.unit),
        roles=sorted(role.value for role in officer.roles),
    )


@bp.get("/units/<unit_code>/plans")
def unit_plans(unit_code: str) -> Response:
    unit = viewable_unit(unit_code)
    as_of = _as_of()
    plans = []
    for summary in plan_summaries(db.session, unit.id, as_of):
        rate = summary.tally.completion_rate
        plans.append(
            plan_ref(summary.plan)
            | {
                "task_count": summary.tally.total,
                "done_count": summary.tally.done,
                # A JSON number (Flask would write a Decimal as a string); one decimal survives.
                "completion_rate": float(rate) if rate is not None else None,
            }
        )
    return jsonify(unit=unit_json(unit), as_of=as_of.isoformat(), plans=plans)


@bp.get("/units/<unit_code>/plans/<int:plan_id>/tasks")
def tasks_of_plan(unit_code: str, plan_id: int) -> Response:
    unit = viewable_unit(unit_code)
    as_of = _as_of()
    plan = db.session.get(Plan, plan_id)
    if plan is None or plan.unit_id != unit.id or plan.archived_at is not None:
        raise ApiError(404, _("Không tìm thấy kế hoạch này trong đơn vị."))
    tasks = plan_tasks(db.session, plan)  # lead, supporters, group, occurrences loaded
    # added later, or withdrawn by then: not in the plan on as_of
    items = [task_item(task, as_of) for task in tasks if in_plan_on(task, as_of)]
    return jsonify(
        unit=unit_json(unit), as_of=as_of.isoformat(), plan=plan_ref(plan), tasks=items
    )


@bp.get("/tasks/<int:task_id>")
def task(task_id: int) -> Response:
    found = task_or_404(task_id, details=True)
    authorize(g.api_officer, Action.USE_API, found.plan.unit)
    authorize(g.api_officer, Action.VIEW_UNIT, found.plan.unit)
    return jsonify(task_detail(found, today()))
