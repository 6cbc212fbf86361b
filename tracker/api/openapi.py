"""The OpenAPI 3.1 description of /api/v1, served at /api/v1/openapi.json.

Written by hand as a dict (no extra dependency). tests/api/test_openapi.py checks it against
`app.url_map` and validates real responses, and the request bodies the tests send, against its
schemas, so it cannot drift unnoticed. Enumerations come from the models, so a new plan kind or
role appears here by itself; request fields and their bounds come from tracker/api/writes.py.
"""

from __future__ import annotations

import copy
from typing import Any

from tracker.api.inputs import MAX_INT, MAX_JSON_BYTES, MAX_LIST, Spec
from tracker.core.files import ALLOWED, MAX_BYTES
from tracker.core.status import DeadlineClass
from tracker.people.models import Role
from tracker.plans.models import PlanKind
from tracker.tasks.models import TaskState

API_VERSION = "1.1.0"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


def _error_response(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": _ref("Error")}},
    }


def _json_response(description: str, schema_name: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": _ref(schema_name)}},
    }


_ERRORS = {
    "400": {"$ref": "#/components/responses/BadRequest"},
    "401": {"$ref": "#/components/responses/Unauthorized"},
    "403": {"$ref": "#/components/responses/Forbidden"},
    "404": {"$ref": "#/components/responses/NotFound"},
}
_WRITE_ERRORS = _ERRORS | {
    "409": {"$ref": "#/components/responses/Conflict"},
    "413": {"$ref": "#/components/responses/TooLarge"},
    "422": {"$ref": "#/components/responses/Unprocessable"},
}

_SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "description": "Every error, whatever its status.",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["status", "message"],
                "properties": {
                    "status": {"type": "integer", "description": "The HTTP status code."},
                    "message": {
                        "type": "string",
                        "description": "For people, in Vietnamese.",
                    },
                    "fields": {
                        "type": "object",
                        "description": (
                            "422: each request field that was refused, with its message in "
                            "Vietnamese (an unknown field, a wrong type, a rule of the task)."
                        ),
                        "additionalProperties": {"type": "string"},
                    },
                    "current_version": {
                        "type": "integer",
                        "description": "409: the task's version now; reread the task, then retry.",
                    },
                },
            }
        },
    },
    "Unit": {
        "type": "object",
        "required": ["code", "name"],
        "properties": {
            "code": {"type": "string", "examples": ["vinh-hoa"]},
            "name": {"type": "string", "examples": ["Phường Vĩnh Hòa"]},
        },
    },
    "OfficerRef": {
        "type": "object",
        "required": ["id", "full_name"],
        "properties": {
            "id": {"type": "integer"},
            "full_name": {"type": "string", "examples": ["Nguyễn Văn An"]},
        },
    },
    "TaskGroup": {
        "type": "object",
        "description": "The reform field (lĩnh vực) or PAPI dimension the task belongs to.",
        "required": ["id", "ordinal", "name"],
        "properties": {
            "id": {"type": "integer"},
            "ordinal": {"type": "integer"},
            "name": {"type": "string", "examples": ["Cải cách thủ tục hành chính"]},
        },
    },
    "PlanRef": {
        "type": "object",
        "required": ["id", "kind", "title", "document", "document_date", "appendix_row"],
        "properties": {
            "id": {"type": "integer"},
            "kind": {"type": "string", "enum": [k.value for k in PlanKind]},
            "title": {"type": "string"},
            "document": {
                "type": "string",
                "description": "Number of the document that issued the plan; may be empty.",
                "examples": ["39/QĐ-UBND"],
            },
            "document_date": {
                "type": ["string", "null"],
                "format": "date",
                "examples": ["2024-01-31"],
            },
            "appendix_row": {
                "type": ["string", "null"],
                "description": "The row of the quarterly report's appendix (Phụ lục 1) it feeds.",
                "examples": ["1.2"],
            },
        },
    },
    "PlanList": {
        "type": "object",
        "required": ["unit", "as_of", "plans"],
        "properties": {
            "unit": _ref("Unit"),
            "as_of": {"type": "string", "format": "date", "examples": ["2024-03-12"]},
            "plans": {"type": "array", "items": _ref("PlanSummary")},
        },
    },
    "Task": {
        "type": "object",
        "required": [
            "id",
            "ordinal",
            "group",
            "title",
            "deliverable",
            "lead_officer",
            "supporters",
            "deadline",
            "recurrence_note",
            "completed_on",
            "status",
            "entered_on",
        ],
        "properties": {
            "id": {"type": "integer"},
            "ordinal": {"type": "integer"},
            "group": _nullable(_ref("TaskGroup")),
            "title": {"type": "string"},
            "deliverable": {
                "type": "string",
                "description": "The expected product (sản phẩm, kết quả).",
            },
            "lead_officer": _nullable(_ref("OfficerRef")),
            "supporters": {"type": "array", "items": _ref("OfficerRef")},
            "deadline": {
                "type": ["string", "null"],
                "format": "date",
                "description": "The deadline in force on as_of (its history is kept).",
            },
            "entered_on": {
                "type": "string",
                "format": "date",
                "description": "The day the task entered its plan (ngày giao).",
            },
            "recurrence_note": {
                "type": "string",
                "description": "The cadence as the plan words it; empty for a one-off task.",
                "examples": ["hàng tháng", "thường xuyên"],
            },
            "completed_on": {
                "type": ["string", "null"],
                "format": "date",
                "description": "The confirmed completion date, if on or before as_of.",
            },
            "status": {
                "type": "string",
                "enum": [c.value for c in DeadlineClass],
                "description": (
                    "As of the requested date: done_on_time (hoàn thành đúng hạn), done_late "
                    "(hoàn thành quá hạn), open_on_time (đang thực hiện trong hạn), "
                    "open_overdue (quá hạn, chưa hoàn thành)."
                ),
            },
        },
    },
    "TaskList": {
        "type": "object",
        "required": ["unit", "as_of", "plan", "tasks"],
        "properties": {
            "unit": _ref("Unit"),
            "as_of": {"type": "string", "format": "date"},
            "plan": _ref("PlanRef"),
            "tasks": {"type": "array", "items": _ref("Task")},
        },
    },
    "Me": {
        "type": "object",
        "required": ["id", "full_name", "email", "position", "unit", "roles"],
        "properties": {
            "id": {"type": "integer"},
            "full_name": {"type": "string"},
            "email": {"type": "string"},
            "position": {"type": "string", "examples": ["Chủ tịch UBND"]},
            "unit": _ref("Unit"),
            "roles": {
                "type": "array",
                "items": {"type": "string", "enum": [r.value for r in Role]},
            },
        },
    },
}

_SCHEMAS["PlanSummary"] = {
    "type": "object",
    "description": "A plan with its live tasks counted as of the requested date.",
    "required": [*_SCHEMAS["PlanRef"]["required"], "task_count", "done_count", "completion_rate"],
    "properties": _SCHEMAS["PlanRef"]["properties"]
    | {
        "task_count": {"type": "integer", "minimum": 0},
        "done_count": {
            "type": "integer",
            "minimum": 0,
            "description": "Tasks whose confirmed completion date is on or before as_of.",
        },
        "completion_rate": {
            "type": ["number", "null"],
            "description": (
                "done_count / task_count in percent, one decimal, rounded half up "
                "(6 of 22 is 27.3); null when the plan has no task (not applicable)."
            ),
            "examples": [27.3],
        },
    },
}

_SCHEMAS["TaskDetail"] = {
    "type": "object",
    "description": "A task as of today, with what a writer needs next.",
    "required": [
        *_SCHEMAS["Task"]["required"],
        "plan_id",
        "state",
        "progress_percent",
        "confirmer",
        "version",
        "withdrawn_on",
    ],
    "properties": _SCHEMAS["Task"]["properties"]
    | {
        "plan_id": {"type": "integer"},
        "state": {
            "type": "string",
            "enum": [s.value for s in TaskState],
            "description": "Where the task is in its workflow.",
        },
        "progress_percent": {"type": "integer", "minimum": 0, "maximum": 100},
        "confirmer": _nullable(_ref("OfficerRef")),
        "version": {
            "type": "integer",
            "description": (
                "Grows when the task's definition changes (title, lead, deadline…). Send it "
                "back as `version` or `If-Match` to refuse a change made meanwhile (409). "
                "Also in the ETag header."
            ),
        },
        "withdrawn_on": {"type": ["string", "null"], "format": "date"},
    },
}
_SCHEMAS["Assigned"] = {
    "type": "object",
    "required": ["assigned", "task_ids"],
    "properties": {
        "assigned": {"type": "integer", "minimum": 0},
        "task_ids": {"type": "array", "items": {"type": "integer"}},
    },
}


def _field_schema(spec: Spec) -> dict[str, Any]:
    """The JSON schema of a request field, from its Spec in tracker/api/writes.py."""
    if spec.kind == "integer":
        schema: dict[str, Any] = {"type": "integer", "minimum": 0, "maximum": MAX_INT}
    elif spec.kind == "date":
        schema = {"type": "string", "format": "date"}
    elif spec.kind == "ids":
        schema = {
            "type": "array",
            "items": {"type": "integer", "minimum": 0, "maximum": MAX_INT},
            "maxItems": MAX_LIST,
        }
    else:
        schema = {"type": "string"}
        if spec.max_length:
            schema["maxLength"] = spec.max_length
        if spec.choices:
            schema["enum"] = list(spec.choices)
    if spec.nullable:
        schema["type"] = [schema["type"], "null"]
        if "enum" in schema:
            schema["enum"] = [*schema["enum"], None]
    return schema


def _body_schema(specs: dict[str, Spec], description: str, required=()) -> dict[str, Any]:
    return {
        "type": "object",
        "description": description,
        "additionalProperties": False,
        "required": list(required),
        "properties": {name: _field_schema(spec) for name, spec in specs.items()},
    }


def _request_schemas() -> dict[str, Any]:
    from tracker.api import writes  # the fields the routes read (imported late: no cycle)

    version = (
        " `version` (or an If-Match header): the task version the change starts from; a "
        "task changed since is a 409."
    )
    return {
        "TaskCreate": _body_schema(
            writes.TASK_FIELDS,
            "A new task. The five clears are checked as on the page: title (việc), deliverable "
            "(sản phẩm), lead_officer_id (người chủ trì), confirmer_id (lãnh đạo xác nhận; "
            "default: the unit's chairperson) and a deadline: `deadline`, or `start_date` with "
            "`deadline_working_days`, or a cadence (`cadence_every`, `cadence_unit`). A "
            "deadline on a day off moves to the next working day.",
        ),
        "TaskEdit": _body_schema(
            writes.TASK_EDIT_FIELDS,
            "Only the fields sent change; a new lead reassigns the task (its past figures stay "
            "with the earlier lead). Giving one kind of deadline sets the others aside. "
            "`deadline_reason`: why the deadline moves." + version,
        ),
        "Assignment": _body_schema(
            writes.ASSIGN_FIELDS,
            "Several tasks of the plan to one lead at once, all or none. `supporter_ids`, if "
            "sent, replaces their supporters; `confirmer_id`, if sent, their confirmer.",
            required=("task_ids", "lead_officer_id"),
        ),
        "Progress": _body_schema(
            writes.PROGRESS_FIELDS,
            "Progress of an open task, by its lead: percent 0-100 and a note." + version,
            required=("percent",),
        ),
        "Completion": _body_schema(
            writes.COMPLETION_FIELDS,
            "The lead reports the task done, with the issued document as evidence: its number "
            "(e.g. 333/KH-UBND) and date (not after today). `occurrence_id`: the period of a "
            "recurring task (default: its earliest open one)." + version,
            required=("document_number", "document_date"),
        ),
        "CompletionUpload": _body_schema(
            writes.COMPLETION_FIELDS,
            "The same fields as Completion, as form fields (integers and dates as text), with "
            "the evidence file.",
            required=("document_number", "document_date"),
        )
        | {
            "properties": {
                **{
                    name: {"type": "string"}
                    for name in writes.COMPLETION_FIELDS
                },
                "file": {
                    "type": "string",
                    "contentMediaType": "application/octet-stream",
                    "description": (
                        f"{', '.join(k[1:].upper() for k in ALLOWED)}; at most "
                        f"{MAX_BYTES // (1024 * 1024)} MB; checked by content."
                    ),
                },
            }
        },
        "Confirmation": _body_schema(
            writes.CONFIRM_FIELDS,
            "A leader confirms the completion waiting for a decision (never their own); the "
            "task counts as done from the evidence's date. The body may be empty." + version,
        ),
        "Return": _body_schema(
            writes.RETURN_FIELDS,
            "A leader returns the completion with a reason; it counts for nothing." + version,
            required=("reason",),
        ),
    }


def _json_body(schema_name: str) -> dict[str, Any]:
    return {
        "required": True,
        "content": {"application/json": {"schema": _ref(schema_name)}},
    }


_TASK_ID = {
    "name": "task_id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer", "minimum": 0, "maximum": 2**31 - 1},
}
_IF_MATCH = {
    "name": "If-Match",
    "in": "header",
    "required": False,
    "description": 'The task version the change starts from, e.g. "3" (same as `version`).',
    "schema": {"type": "string"},
}
_WRITE_NOTE = (
    " Needs a token with the write scope (a read token: 403) and the permission the page asks "
    "of the token's officer."
)

_UNIT_CODE = {
    "name": "unit_code",
    "in": "path",
    "required": True,
    "description": "The unit's code, e.g. vinh-hoa.",
    "schema": {"type": "string"},
}
_PLAN_ID = {
    "name": "plan_id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer", "minimum": 0, "maximum": 2**31 - 1},
}
_AS_OF = {
    "name": "as_of",
    "in": "query",
    "required": False,
    "description": (
        "Count as of the end of this day (YYYY-MM-DD). Default: today in the unit's time zone "
        "(Asia/Ho_Chi_Minh). A malformed or impossible date is a 400."
    ),
    "schema": {"type": "string", "format": "date"},
    "example": "2024-03-12",
}

_PATHS: dict[str, Any] = {
    "/openapi.json": {
        "get": {
            "operationId": "getOpenApi",
            "summary": "This document.",
            "security": [],
            "responses": {
                "200": {
                    "description": "The OpenAPI document.",
                    "content": {"application/json": {"schema": {"type": "object"}}},
                }
            },
        }
    },
    "/me": {
        "get": {
            "operationId": "getMe",
            "summary": "The officer the token belongs to.",
            "responses": {
                "200": _json_response("The officer.", "Me"),
                "401": _ERRORS["401"],
                "403": _ERRORS["403"],
            },
        }
    },
    "/units/{unit_code}/plans": {
        "parameters": [_UNIT_CODE],
        "get": {
            "operationId": "listUnitPlans",
            "summary": "The unit's live plans, their tasks counted as of a date.",
            "description": (
                "Completion is cumulative up to as_of: a task counts as done only from its "
                "confirmed completion date. Inspectors may read every unit under theirs."
            ),
            "parameters": [_AS_OF],
            "responses": {"200": _json_response("The plans.", "PlanList")} | _ERRORS,
        },
    },
    "/units/{unit_code}/plans/{plan_id}/tasks": {
        "parameters": [_UNIT_CODE, _PLAN_ID],
        "get": {
            "operationId": "listPlanTasks",
            "summary": "A plan's live tasks with their status as of a date.",
            "parameters": [_AS_OF],
            "responses": {"200": _json_response("The tasks.", "TaskList")} | _ERRORS,
        },
        "post": {
            "operationId": "createTask",
            "summary": "Create a task in the plan (giao nhiệm vụ).",
            "description": "As the page's new-task form." + _WRITE_NOTE,
            "requestBody": _json_body("TaskCreate"),
            "responses": {"201": _json_response("The task created.", "TaskDetail")}
            | _WRITE_ERRORS,
        },
    },
    "/units/{unit_code}/plans/{plan_id}/assignments": {
        "parameters": [_UNIT_CODE, _PLAN_ID],
        "post": {
            "operationId": "assignTasks",
            "summary": "Assign several tasks of the plan to one lead.",
            "description": "As the plan page's bulk assignment." + _WRITE_NOTE,
            "requestBody": _json_body("Assignment"),
            "responses": {"200": _json_response("How many were assigned.", "Assigned")}
            | _WRITE_ERRORS,
        },
    },
    "/tasks/{task_id}": {
        "parameters": [_TASK_ID],
        "get": {
            "operationId": "getTask",
            "summary": "One task as of today, with its version.",
            "responses": {"200": _json_response("The task.", "TaskDetail")} | _ERRORS,
        },
        "patch": {
            "operationId": "editTask",
            "summary": "Edit or reassign a task.",
            "description": "As the page's task form." + _WRITE_NOTE,
            "parameters": [_IF_MATCH],
            "requestBody": _json_body("TaskEdit"),
            "responses": {"200": _json_response("The task saved.", "TaskDetail")}
            | _WRITE_ERRORS,
        },
    },
    "/tasks/{task_id}/progress": {
        "parameters": [_TASK_ID],
        "post": {
            "operationId": "recordProgress",
            "summary": "Record progress (the task's lead).",
            "description": _WRITE_NOTE.strip(),
            "parameters": [_IF_MATCH],
            "requestBody": _json_body("Progress"),
            "responses": {"200": _json_response("The task.", "TaskDetail")} | _WRITE_ERRORS,
        },
    },
    "/tasks/{task_id}/completion": {
        "parameters": [_TASK_ID],
        "post": {
            "operationId": "submitCompletion",
            "summary": "Report the task done with its evidence (the task's lead).",
            "description": (
                "JSON without a file, or multipart/form-data with the evidence file. The "
                "task then waits for a leader's confirmation." + _WRITE_NOTE
            ),
            "parameters": [_IF_MATCH],
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {"schema": _ref("Completion")},
                    "multipart/form-data": {"schema": _ref("CompletionUpload")},
                },
            },
            "responses": {"201": _json_response("The task, waiting.", "TaskDetail")}
            | _WRITE_ERRORS,
        },
    },
    "/tasks/{task_id}/confirmation": {
        "parameters": [_TASK_ID],
        "post": {
            "operationId": "confirmCompletion",
            "summary": "Confirm the completion waiting for a decision.",
            "description": _WRITE_NOTE.strip(),
            "parameters": [_IF_MATCH],
            "requestBody": {
                "required": False,
                "content": {"application/json": {"schema": _ref("Confirmation")}},
            },
            "responses": {"200": _json_response("The task, done.", "TaskDetail")}
            | _WRITE_ERRORS,
        },
    },
    "/tasks/{task_id}/return": {
        "parameters": [_TASK_ID],
        "post": {
            "operationId": "returnCompletion",
            "summary": "Return the completion waiting for a decision, with a reason.",
            "description": _WRITE_NOTE.strip(),
            "parameters": [_IF_MATCH],
            "requestBody": _json_body("Return"),
            "responses": {"200": _json_response("The task, returned.", "TaskDetail")}
            | _WRITE_ERRORS,
        },
    },
}


def document() -> dict[str, Any]:
    """The OpenAPI document (a fresh dict: callers may change it freely)."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Tracker API",
            "version": API_VERSION,
            "description": (
                "A unit's administrative-reform plans and tasks: read them, and (with a "
                "write token) create and assign tasks, record progress, submit completions "
                "with their evidence, confirm or return them. Authenticate with "
                "`Authorization: Bearer TOKEN`; an officer makes tokens on their page "
                "Mã truy cập API (or `tracker token create --email EMAIL --scope write`): "
                "each has a name, an expiry (at most a year) and a scope, read or write. The "
                "token's officer sees and does what the pages would let them, and is the "
                "author of every change in the audit trail. Every error is "
                '`{"error": {"status": N, "message": "...", "fields": {...}}}` with messages '
                "in Vietnamese. Dates are ISO 8601 (YYYY-MM-DD). JSON bodies: at most "
                f"{MAX_JSON_BYTES // 1024} KB; unknown fields are refused (422)."
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearerAuth": []}],
        "paths": copy.deepcopy(_PATHS),
        "components": {
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A token from the page Mã truy cập API, or the CLI.",
                }
            },
            "schemas": copy.deepcopy(_SCHEMAS) | _request_schemas(),
            "responses": {
                "BadRequest": _error_response(
                    "A malformed parameter (as_of, If-Match), or a body that is not a JSON "
                    "object."
                ),
                "Unauthorized": _error_response(
                    "No token, or a bad, expired, revoked or deactivated one "
                    "(with a WWW-Authenticate: Bearer header)."
                ),
                "Forbidden": _error_response(
                    "The token's officer may not do this here, or a read token tried to write."
                ),
                "NotFound": _error_response("No such unit, plan, task or route."),
                "Conflict": _error_response(
                    "The task changed since the version sent (who and when in the message)."
                ),
                "TooLarge": _error_response("The body, or the evidence file, is too large."),
                "Unprocessable": _error_response(
                    "Refused: an unknown field, a value of the wrong type, or a rule of the "
                    "workflow (each field's message in `fields`; nothing was saved)."
                ),
            },
        },
    }
