"""Helpers of the API tests: tokens, and a small checker of responses against the OpenAPI schemas.

jsonschema is not a dependency; the checker knows the little the document uses: $ref, type
(one or a list), required, properties, items, enum, anyOf, format "date". It is stricter than
JSON Schema in one way: a property the schema does not list is an error, so every field the
API answers is documented.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from tests.factories import gen_task
from tracker.extensions import db
from tracker.people.models import Officer, TokenScope
from tracker.people.tokens import issue_token
from tracker.plans.models import Plan
from tracker.tasks.models import CadenceUnit, Task, TaskOccurrence

_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "null": (type(None),),
}
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def token_for(officer: Officer, scope: TokenScope = TokenScope.READ, days: int = 90) -> str:
    issued = issue_token(db.session, officer, name="Kiểm thử", scope=scope, days=days)
    db.session.commit()
    return issued.secret


def gen_recurring(plan: Plan, done: list[date | None], deadlines: list[date], **fields) -> Task:
    """A monthly task with one occurrence per deadline, completed on the matching `done` date."""
    task = gen_task(
        plan,
        deadline=None,
        cadence_every=1,
        cadence_unit=CadenceUnit.MONTH,
        recurrence_note="hàng tháng",
        **fields,
    )
    for i, (deadline, completed_on) in enumerate(zip(deadlines, done, strict=True), start=1):
        db.session.add(
            TaskOccurrence(task=task, sequence=i, deadline=deadline, completed_on=completed_on)
        )
    db.session.flush()
    return task


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def resolve(doc: dict, node: dict) -> dict:
    while "$ref" in node:
        ref = node["$ref"]
        assert ref.startswith("#/"), ref
        target: Any = doc
        for part in ref[2:].split("/"):
            target = target[part]
        node = target
    return node


def _is_type(value: Any, name: str) -> bool:
    if isinstance(value, bool) and name in ("integer", "number"):
        return False
    return isinstance(value, _TYPES[name])


def schema_errors(doc: dict, schema: dict, value: Any, where: str = "$") -> list[str]:
    schema = resolve(doc, schema)
    if "anyOf" in schema:
        branches = [schema_errors(doc, s, value, where) for s in schema["anyOf"]]
        if any(not errors for errors in branches):
            return []
        return [f"{where}: matches no anyOf branch: {branches}"]
    errors: list[str] = []
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(_is_type(value, t) for t in types):
            return [f"{where}: {value!r} is not of type {types}"]
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{where}: {value!r} not in {schema['enum']}")
    if schema.get("format") == "date" and isinstance(value, str):
        try:
            assert _DATE.fullmatch(value)
            date.fromisoformat(value)
        except (AssertionError, ValueError):
            errors.append(f"{where}: {value!r} is not a YYYY-MM-DD date")
    if isinstance(value, dict):
        properties = schema.get("properties")
        for name in schema.get("required", []):
            if name not in value:
                errors.append(f"{where}: missing required property {name!r}")
        if properties is not None:
            for name, item in value.items():
                if name not in properties:
                    errors.append(f"{where}: undocumented property {name!r}")
                else:
                    errors.extend(schema_errors(doc, properties[name], item, f"{where}.{name}"))
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            errors.extend(schema_errors(doc, schema["items"], item, f"{where}[{i}]"))
    return errors


def assert_documented(doc: dict, path: str, response, method: str = "get") -> None:
    """The response's status is documented for the operation and its body fits the schema."""
    operation = doc["paths"][path][method]
    status = str(response.status_code)
    assert status in operation["responses"], f"{method.upper()} {path}: {status} undocumented"
    documented = resolve(doc, operation["responses"][status])
    schema = documented["content"]["application/json"]["schema"]
    assert response.mimetype == "application/json"
    errors = schema_errors(doc, schema, response.get_json())
    assert not errors, errors


def assert_request_documented(
    doc: dict, path: str, method: str, body: Any, media: str = "application/json"
) -> None:
    """A request body the tests send fits the operation's documented requestBody schema."""
    operation = doc["paths"][path][method]
    content = operation["requestBody"]["content"]
    assert media in content, f"{method.upper()} {path}: {media} undocumented"
    errors = schema_errors(doc, content[media]["schema"], body)
    assert not errors, errors
