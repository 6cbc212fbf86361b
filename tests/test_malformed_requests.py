"""No malformed request gives a 500: every route, logged in as a leader, with hostile input."""

from __future__ import annotations

import io

import pytest

from tests.conftest import session_csrf_token
from tests.factories import gen_officer, gen_plan, gen_task, gen_unit
from tracker.extensions import db
from tracker.people.models import Role

WEIRD_STRINGS = [
    "khong-co",
    "%00",
    "..%2F..%2Fetc%2Fpasswd",
    "a" * 3000,
    "🙂",
    "1;DROP TABLE units",
]
WEIRD_INTS = ["0", "2147483647", "99999999999999999999", "-1"]
WEIRD_QUERY = "?as_of=31/02/2024&page=-5&q=%00&plan=abc&officer=9999999999999&from=x&to=2024-13-40"


def _urls(app, values):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.endpoint.startswith("api."):
            continue  # the API has its own malformed-input tests
        args = {}
        for arg in rule.arguments:
            converter = rule._converters[arg].__class__.__name__
            args[arg] = values["int"] if "Integer" in converter else values["str"]
        path = rule.rule
        for arg, value in args.items():
            path = path.replace(f"<int:{arg}>", value).replace(f"<{arg}>", value)
        yield rule, path


@pytest.fixture
def leader(client, auth):
    ward = gen_unit()
    chair = gen_officer(ward, Role.CHAIRPERSON, Role.ADMIN)
    task = gen_task(gen_plan(ward), chair)
    db.session.commit()
    auth.login(chair)
    return chair, task


@pytest.mark.parametrize("weird_int", WEIRD_INTS)
@pytest.mark.parametrize("weird_str", WEIRD_STRINGS[:3])
def test_get_with_weird_path_values(app, client, leader, weird_int, weird_str):
    for rule, path in _urls(app, {"int": weird_int, "str": weird_str}):
        if "GET" not in rule.methods:
            continue
        response = client.get(path + WEIRD_QUERY)
        assert response.status_code < 500, (path, response.status_code)


def test_post_every_form_with_garbage(app, client, leader):
    chair, task = leader
    token = session_csrf_token(client)
    garbage = {
        "csrf_token": token,
        "email": "x" * 1000,
        "password": "",
        "title": "🙂" * 2000,
        "deadline": "31/02/2024",
        "document_date": "2099-99-99",
        "lead_officer": "abc",
        "task_ids": ["x", "-1", "99999999999999999999"],
        "file": (io.BytesIO(b"\x00\x01 not a spreadsheet"), "evil.xlsx"),
        "progress": "150",
    }
    values = {"int": str(task.id), "str": chair.unit.code}
    for rule, path in _urls(app, values):
        if "POST" not in rule.methods or rule.endpoint == "auth.logout":
            continue  # logging out would leave the rest of the walk unauthenticated
        data = dict(garbage)
        data["file"] = (io.BytesIO(b"\x00\x01 not a spreadsheet"), "evil.xlsx")
        response = client.post(path, data=data, content_type="multipart/form-data")
        assert response.status_code < 500, (path, response.status_code)
        no_token = client.post(path, data={"title": "x"})
        assert no_token.status_code in (400, 404), (path, no_token.status_code)
