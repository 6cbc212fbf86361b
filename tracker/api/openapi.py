"""The OpenAPI 3.1 description of /api/v1, served at /api/v1/openapi.json.

Written by hand as a dict (no extra dependency). tests/api/test_openapi.py checks it against
`app.url_map` and validates real responses against its schemas, so it cannot drift unnoticed.
Enumerations come from the models, so a new plan kind or role appears here by itself.
"""

from __future__ import annotations

import copy
from typing import Any

from tracker.core.status import DeadlineClass
from tracker.people.models import Role
from tracker.plans.models import PlanKind

API_VERSION = "1.0.0"


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
                "Read-only access to a unit's administrative-reform plans and tasks. "
                "Authenticate with `Authorization: Bearer TOKEN`; a token is created with "
                "`tracker token create --email EMAIL`. The token's officer sees what the "
                "pages would show them. Every error is "
                '`{"error": {"status": N, "message": "..."}}`. Dates are ISO 8601 (YYYY-MM-DD).'
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
                    "description": "A token from `tracker token create`.",
                }
            },
            "schemas": copy.deepcopy(_SCHEMAS),
            "responses": {
                "BadRequest": _error_response("A malformed parameter, such as as_of."),
                "Unauthorized": _error_response(
                    "No token, or a bad, revoked or deactivated one "
                    "(with a WWW-Authenticate: Bearer header)."
                ),
                "Forbidden": _error_response("The token's officer may not read this unit."),
                "NotFound": _error_response("No such unit, plan or route."),
            },
        },
    }
