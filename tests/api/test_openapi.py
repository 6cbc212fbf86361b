"""The OpenAPI document tells the truth: every route, its methods, parameters and responses."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from werkzeug.routing import IntegerConverter

from tests.api.support import assert_documented, bearer, resolve, schema_errors, token_for
from tests.factories import gen_group, gen_officer, gen_plan, gen_task, gen_unit
from tracker.api.openapi import document
from tracker.people.models import Role, UnitKind

PREFIX = "/api/v1"
HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
_ARG = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


@pytest.fixture
def doc(client):
    served = client.get(f"{PREFIX}/openapi.json")
    assert served.status_code == 200
    assert served.get_json() == json.loads(json.dumps(document()))  # served as written
    return served.get_json()


def _api_rules(app):
    return [r for r in app.url_map.iter_rules() if r.rule.startswith(PREFIX + "/")]


def _template(rule) -> str:
    return _ARG.sub(r"{\1}", rule.rule[len(PREFIX) :])


def _path_parameters(doc, path_item: dict, operation: dict) -> dict[str, dict]:
    params = {}
    for param in [*path_item.get("parameters", []), *operation.get("parameters", [])]:
        param = resolve(doc, param)
        if param["in"] == "path":
            params[param["name"]] = param
    return params


def test_document_basics(doc):
    assert doc["openapi"] == "3.1.0"
    assert doc["info"]["title"] and doc["info"]["version"]
    assert doc["servers"] == [{"url": PREFIX}]
    scheme = doc["components"]["securitySchemes"]["bearerAuth"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    assert doc["security"] == [{"bearerAuth": []}]
    operation_ids = [
        op["operationId"]
        for item in doc["paths"].values()
        for method, op in item.items()
        if method in HTTP_METHODS
    ]
    assert len(operation_ids) == len(set(operation_ids))


def test_every_route_is_documented(app, doc):
    rules = _api_rules(app)
    assert len(rules) >= 11
    served: dict[str, set[str]] = {}  # a path served by several rules (GET and POST)
    for rule in rules:
        served.setdefault(_template(rule), set()).update(
            m.lower() for m in rule.methods if m not in ("HEAD", "OPTIONS")
        )
    for path, methods in served.items():
        documented = {key for key in doc["paths"].get(path, {}) if key in HTTP_METHODS}
        assert documented == methods, path
    for rule in rules:
        path = _template(rule)
        assert path in doc["paths"], f"{rule.rule} missing from the OpenAPI document"
        item = doc["paths"][path]
        methods = {m.lower() for m in rule.methods} - {"head", "options"}
        for method in methods:
            params = _path_parameters(doc, item, item[method])
            assert set(params) == set(rule.arguments), rule.rule
            for name, param in params.items():
                assert param["required"] is True
                converter = rule._converters[name]
                expected = "integer" if isinstance(converter, IntegerConverter) else "string"
                assert param["schema"]["type"] == expected, (rule.rule, name)


def test_every_documented_path_exists(app, doc):
    templates = {_template(rule) for rule in _api_rules(app)}
    for path in doc["paths"]:
        assert path in templates, f"{path} is documented but no route serves it"


def test_every_reference_resolves(doc):
    def walk(node):
        if isinstance(node, dict):
            if "$ref" in node:
                resolve(doc, node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(doc)


def test_security_declarations_match_behaviour(app, client, doc):
    """Operations documented without security answer without a token; others say 401."""
    ward = gen_unit()
    plan = gen_plan(ward)
    task = gen_task(plan)
    token_for(gen_officer(ward))
    values = {"unit_code": ward.code, "plan_id": plan.id, "task_id": task.id}
    for path, item in doc["paths"].items():
        url = PREFIX + path.format(**values)
        for method in HTTP_METHODS & set(item):
            operation = item[method]
            public = operation.get("security", doc["security"]) == []
            response = client.open(url, method=method.upper())
            if public:
                assert response.status_code == 200, path
            else:
                assert response.status_code == 401, path
                assert "401" in operation["responses"], path
                assert_documented(doc, path, response, method)


def test_responses_match_their_schemas(client, doc):
    city = gen_unit(kind=UnitKind.CITY)
    ward = gen_unit(parent=city)
    lead, helper = gen_officer(ward), gen_officer(ward)
    plan = gen_plan(ward, document_number="39/QĐ-UBND")
    group = gen_group(plan)
    gen_task(plan, lead, group=group, supporters=[helper], completed_on=date(2024, 3, 1))
    gen_task(plan, deadline=None)
    gen_plan(ward, appendix_row=None, document_date=None)  # no task: rate null
    officer_token = token_for(gen_officer(ward, Role.CHAIRPERSON))
    outsider_token = token_for(gen_officer(gen_unit()))
    inspector_token = token_for(gen_officer(city, Role.INSPECTOR))
    plans_path = "/units/{unit_code}/plans"
    tasks_path = "/units/{unit_code}/plans/{plan_id}/tasks"

    def get(path, token=None, query="", **values):
        url = PREFIX + path.format(**values) + query
        headers = bearer(token) if token else {}
        response = client.get(url, headers=headers)
        assert_documented(doc, path, response)
        return response

    ok = get(plans_path, officer_token, "?as_of=2024-03-12", unit_code=ward.code)
    assert ok.status_code == 200
    rates = [p["completion_rate"] for p in ok.get_json()["plans"]]
    assert rates == [50.0, None]  # both a number and a null went through the check
    assert get(plans_path, inspector_token, unit_code=ward.code).status_code == 200
    assert get(plans_path, outsider_token, unit_code=ward.code).status_code == 403
    assert get(plans_path, officer_token, unit_code="khong-co").status_code == 404
    assert get(plans_path, officer_token, "?as_of=x", unit_code=ward.code).status_code == 400
    assert get(plans_path, "bad-token", unit_code=ward.code).status_code == 401

    tasks = get(
        tasks_path, officer_token, "?as_of=2024-03-12", unit_code=ward.code, plan_id=plan.id
    )
    assert tasks.status_code == 200
    assert len(tasks.get_json()["tasks"]) == 2
    assert get(tasks_path, officer_token, unit_code=ward.code, plan_id=999999).status_code == 404
    assert get(tasks_path, outsider_token, unit_code=ward.code, plan_id=plan.id).status_code == 403
    bad = get(tasks_path, officer_token, "?as_of=2024-02-30", unit_code=ward.code, plan_id=plan.id)
    assert bad.status_code == 400

    assert get("/me", officer_token).status_code == 200
    assert get("/me").status_code == 401


def test_checker_catches_drift(doc):
    """The small schema checker is not a rubber stamp."""
    plan_list = {"$ref": "#/components/schemas/PlanList"}
    good = {
        "unit": {"code": "a", "name": "b"},
        "as_of": "2024-03-12",
        "plans": [
            {
                "id": 1,
                "kind": "papi",
                "title": "t",
                "document": "117/KH-UBND",
                "document_date": None,
                "appendix_row": "1.3",
                "task_count": 23,
                "done_count": 6,
                "completion_rate": 26.1,
            }
        ],
    }
    assert schema_errors(doc, plan_list, good) == []
    for change in (
        lambda b: b["plans"][0].pop("completion_rate"),
        lambda b: b["plans"][0].update(completion_rate="26.1"),
        lambda b: b["plans"][0].update(kind="unknown"),
        lambda b: b["plans"][0].update(task_count=True),
        lambda b: b["plans"][0].update(extra=1),
        lambda b: b.update(as_of="2024-02-30"),
        lambda b: b["unit"].pop("code"),
    ):
        bad = json.loads(json.dumps(good))
        change(bad)
        assert schema_errors(doc, plan_list, bad), change
