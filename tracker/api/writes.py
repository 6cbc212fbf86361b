"""The JSON API's writes: tasks created, edited and assigned, progress, completions decided.

Each route parses the body (tracker/api/inputs.py), checks the permission the page checks
(core.permissions, as the token's officer) and calls the same operation the page calls
(tracker/tasks/operations.py): its validation, row locks, stale-version check and audit hold
here too, in the request's one transaction (core.transactions). A read-scope token is refused.
"""

from __future__ import annotations

import functools
from typing import Any

from flask import Response, current_app, g, jsonify, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.exceptions import Forbidden

from tracker.api import bp
from tracker.api.access import viewable_unit
from tracker.api.errors import ApiError
from tracker.api.inputs import Spec, form_body, if_match_version, json_body
from tracker.api.serializers import task_detail
from tracker.core.clock import today
from tracker.core.files import store_file
from tracker.core.locking import lock
from tracker.core.permissions import Action, authorize, may_assign, may_assign_in
from tracker.core.refusals import Refusal
from tracker.extensions import db
from tracker.people.models import TokenScope, Unit
from tracker.plans.models import Plan
from tracker.tasks.conflicts import stale_edit
from tracker.tasks.models import CadenceMode, CadenceUnit, Task
from tracker.tasks.operations import (
    TaskInput,
    bulk_assign,
    confirm_completion,
    default_confirmer,
    record_progress,
    return_completion,
    save_task,
    submit_completion,
)
from tracker.tasks.queries import task_or_404

_VERSION = Spec("integer")
_OCCURRENCE = Spec("integer")
TASK_FIELDS = {
    "title": Spec("string", max_length=2000, nullable=False),
    "deliverable": Spec("string", max_length=2000, nullable=False),
    "group_id": Spec("integer"),
    "lead_officer_id": Spec("integer"),
    "supporter_ids": Spec("ids", nullable=False),
    "confirmer_id": Spec("integer"),
    "deadline": Spec("date"),
    "start_date": Spec("date"),
    "deadline_working_days": Spec("integer"),
    "cadence_every": Spec("integer"),
    "cadence_unit": Spec("choice", choices=tuple(u.value for u in CadenceUnit)),
    "cadence_mode": Spec("choice", choices=tuple(m.value for m in CadenceMode)),
    "recurrence_note": Spec("string", max_length=100, nullable=False),
    "notes": Spec("string", max_length=4000, nullable=False),
}
TASK_EDIT_FIELDS = TASK_FIELDS | {
    "deadline_reason": Spec("string", max_length=2000, nullable=False),
    "version": _VERSION,
}
ASSIGN_FIELDS = {
    "task_ids": Spec("ids", nullable=False),
    "lead_officer_id": Spec("integer"),
    "supporter_ids": Spec("ids"),
    "confirmer_id": Spec("integer"),
}
PROGRESS_FIELDS = {
    "percent": Spec("integer"),
    "note": Spec("string", max_length=4000, nullable=False),
    "version": _VERSION,
}
COMPLETION_FIELDS = {
    "document_number": Spec("string", max_length=100, nullable=False),
    "document_date": Spec("date"),
    "summary": Spec("string", max_length=2000, nullable=False),
    "occurrence_id": _OCCURRENCE,
    "version": _VERSION,
}
CONFIRM_FIELDS = {"occurrence_id": _OCCURRENCE, "version": _VERSION}
RETURN_FIELDS = {
    "reason": Spec("string", max_length=2000, nullable=False),
    "occurrence_id": _OCCURRENCE,
    "version": _VERSION,
}
# What a deadline is given as: setting one of them sets the others aside.
_DEADLINE_KINDS = ("deadline", "deadline_working_days", "cadence_every")


def writes(view):
    """A write: the token must carry the write scope (a read token gets a 403)."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if g.api_token.scope is not TokenScope.WRITE:
            raise ApiError(
                403,
                _(
                    "Mã truy cập này chỉ có quyền đọc: tạo mã có quyền đọc và ghi để gửi dữ "
                    "liệu."
                ),
            )
        return view(*args, **kwargs)

    return wrapper


def _version(values: dict[str, Any]) -> int | None:
    """The task version the caller started from: the body's `version`, else If-Match."""
    header = if_match_version()
    body = values.get("version")
    if body is not None and header is not None and body != header:
        raise ApiError(
            422,
            _("Phiên bản trong thân yêu cầu và trong If-Match khác nhau."),
            fields={"version": _("Khác với If-Match.")},
        )
    return body if body is not None else header


def _check_version(task: Task, version: int | None) -> Task:
    """Refuse (409) a step started from an older version of the task, read under its lock."""
    if version is None:
        return task
    locked = lock(db.session, task, selectinload(Task.occurrences), selectinload(Task.supporters))
    if locked.version != version:
        raise stale_edit(db.session, locked, version)
    return locked


def _plan_in(unit: Unit, plan_id: int) -> Plan:
    plan = db.session.get(Plan, plan_id)
    if plan is None or plan.unit_id != unit.id or plan.archived_at is not None:
        raise ApiError(404, _("Không tìm thấy kế hoạch này trong đơn vị."))
    return plan


def _writable_task(task_id: int, action: Action) -> Task:
    task = task_or_404(task_id, details=True)
    authorize(g.api_officer, Action.USE_API, task.plan.unit)
    authorize(g.api_officer, action, task)
    return task


def _answer(task: Task, status: int = 200) -> Response:
    db.session.flush()
    response = jsonify(task_detail(task, today()))
    response.status_code = status
    response.headers["ETag"] = f'"{task.version}"'
    return response


def _task_input(values: dict[str, Any], base: TaskInput | None = None) -> TaskInput:
    data = base or TaskInput()
    given = dict(values)
    if any(kind in given for kind in _DEADLINE_KINDS):
        for kind in _DEADLINE_KINDS:
            given.setdefault(kind, None)
    for name, value in given.items():
        if name == "cadence_unit":
            value = CadenceUnit(value) if value is not None else None
        elif name == "cadence_mode":
            value = CadenceMode(value) if value is not None else None
        elif name in ("title", "deliverable", "recurrence_note", "notes", "deadline_reason"):
            value = value or ""
        setattr(data, name, value)
    return data


def _as_typed(task: Task) -> TaskInput:
    """The task as it stands, as the edit form would hold it: what the caller does not send
    stays as it is."""
    return TaskInput(
        title=task.title,
        deliverable=task.deliverable,
        group_id=task.group_id,
        lead_officer_id=task.lead_officer_id,
        supporter_ids=[s.id for s in task.supporters],
        confirmer_id=task.confirmer_id,
        deadline=task.deadline if not task.is_recurring else None,
        start_date=task.start_date,
        deadline_working_days=task.deadline_working_days,
        cadence_every=task.cadence_every,
        cadence_unit=task.cadence_unit,
        cadence_mode=task.cadence_mode,
        recurrence_note=task.recurrence_note,
        notes=task.notes,
    )


def _may_assign_to(plan: Plan, group_id: int | None, task: Task | None) -> None:
    # a vice chairperson creates or moves tasks only within the fields they oversee
    group = next((grp for grp in plan.groups if grp.id == group_id), None)
    if not may_assign(g.api_officer, plan, group, task):
        raise Forbidden()  # the 403 of the pages


@bp.post("/units/<unit_code>/plans/<int:plan_id>/tasks")
@writes
def create_task(unit_code: str, plan_id: int) -> Response:
    unit = viewable_unit(unit_code)
    plan = _plan_in(unit, plan_id)
    if not may_assign_in(g.api_officer, plan):
        raise Forbidden()
    values = json_body(TASK_FIELDS)
    data = _task_input(values)
    if "confirmer_id" not in values:  # as the page: the chairperson confirms by default
        chair = default_confirmer(db.session, plan.unit_id)
        data.confirmer_id = chair.id if chair is not None else None
    _may_assign_to(plan, data.group_id, None)
    result = save_task(db.session, plan, data, g.api_officer)
    response = _answer(result.task, 201)
    response.headers["Location"] = url_for("api.task", task_id=result.task.id)
    return response


@bp.patch("/tasks/<int:task_id>")
@writes
def edit_task(task_id: int) -> Response:
    task = _writable_task(task_id, Action.ASSIGN_TASK)
    values = json_body(TASK_EDIT_FIELDS)
    data = _task_input(values, _as_typed(task))
    data.version = _version(values)
    _may_assign_to(task.plan, data.group_id, task)
    result = save_task(db.session, task.plan, data, g.api_officer, task=task)
    return _answer(result.task)


@bp.post("/units/<unit_code>/plans/<int:plan_id>/assignments")
@writes
def assign_tasks(unit_code: str, plan_id: int) -> Response:
    unit = viewable_unit(unit_code)
    plan = _plan_in(unit, plan_id)
    if not may_assign_in(g.api_officer, plan):
        raise Forbidden()
    values = json_body(ASSIGN_FIELDS)
    ids = values.get("task_ids") or []
    tasks = list(
        db.session.scalars(
            select(Task)
            .where(Task.id.in_(ids), Task.plan_id == plan.id, Task.archived_at.is_(None))
            .options(selectinload(Task.supporters), joinedload(Task.group))
        ).unique()
    )
    if len(tasks) != len(set(ids)):
        raise Refusal({"task_ids": _("Có nhiệm vụ không thuộc kế hoạch này hoặc không còn.")})
    for task in tasks:
        authorize(g.api_officer, Action.ASSIGN_TASK, task)
    count = bulk_assign(
        db.session,
        tasks,
        g.api_officer,
        lead_officer_id=values.get("lead_officer_id") or 0,
        supporter_ids=values.get("supporter_ids"),
        confirmer_id=values.get("confirmer_id"),
    )
    return jsonify(assigned=count, task_ids=sorted(t.id for t in tasks))


@bp.post("/tasks/<int:task_id>/progress")
@writes
def progress(task_id: int) -> Response:
    task = _writable_task(task_id, Action.REPORT_PROGRESS)
    values = json_body(PROGRESS_FIELDS)
    if values.get("percent") is None:
        raise Refusal({"percent": _("Nhập tiến độ (0 đến 100).")})
    task = _check_version(task, _version(values))
    record_progress(
        db.session, task, g.api_officer, percent=values["percent"], note=values.get("note", "")
    )
    return _answer(task)


@bp.post("/tasks/<int:task_id>/completion")
@writes
def completion(task_id: int) -> Response:
    task = _writable_task(task_id, Action.SUBMIT_COMPLETION)
    if request.mimetype == "multipart/form-data":
        values, files = form_body(COMPLETION_FIELDS, ("file",))
    else:
        values, files = json_body(COMPLETION_FIELDS), {}
    task = _check_version(task, _version(values))
    upload = files.get("file")
    stored = None
    if upload is not None:
        stored = store_file(
            current_app.config["TRACKER_UPLOAD_DIR"], upload.filename or "", upload.read()
        )
    submit_completion(
        db.session,
        task,
        g.api_officer,
        document_number=values.get("document_number", ""),
        document_date=values.get("document_date"),
        summary=values.get("summary", ""),
        today=today(),
        file=stored,
        occurrence_id=values.get("occurrence_id"),
    )
    return _answer(task, 201)


@bp.post("/tasks/<int:task_id>/confirmation")
@writes
def confirm(task_id: int) -> Response:
    task = _writable_task(task_id, Action.CONFIRM_COMPLETION)
    values = json_body(CONFIRM_FIELDS, optional=True)
    task = _check_version(task, _version(values))
    confirm_completion(db.session, task, g.api_officer, values.get("occurrence_id"))
    return _answer(task)


@bp.post("/tasks/<int:task_id>/return")
@writes
def send_back(task_id: int) -> Response:
    task = _writable_task(task_id, Action.CONFIRM_COMPLETION)
    values = json_body(RETURN_FIELDS)
    task = _check_version(task, _version(values))
    return_completion(
        db.session,
        task,
        g.api_officer,
        reason=values.get("reason", ""),
        occurrence_id=values.get("occurrence_id"),
    )
    return _answer(task)
