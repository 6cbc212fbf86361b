"""Who may write what through the API: each role against each write, with a write token, as
the pages decide (the expectations are written out here, not derived from core.permissions).
And no malformed request to a write is ever a 500."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.api.support import bearer, token_for
from tests.factories import gen_officer, gen_plan, gen_task, gen_unit
from tracker.extensions import db
from tracker.people.models import Role, TokenScope, UnitKind
from tracker.tasks.models import Evidence, NoteKind, TaskNote, TaskState

ROLES = ["admin", "chairperson", "vice_chairperson", "focal_officer", "officer", "inspector"]
ASSIGNERS = {"admin", "chairperson"}
CONFIRMERS = {"admin", "chairperson", "focal_officer"}

# (name, method, path, body, who may in the ward; "lead": only the task's lead)
WRITES = [
    ("create", "POST", "/units/{unit}/plans/{plan}/tasks", "new_task", ASSIGNERS),
    ("edit", "PATCH", "/tasks/{open}", {"title": "Tên mới"}, ASSIGNERS),
    ("assign", "POST", "/units/{unit}/plans/{plan}/assignments", "assignment", ASSIGNERS),
    ("progress", "POST", "/tasks/{open}/progress", {"percent": 20}, {"lead"}),
    (
        "completion",
        "POST",
        "/tasks/{open}/completion",
        {"document_number": "333/KH-UBND", "document_date": "2024-03-08"},
        {"lead"},
    ),
    ("confirm", "POST", "/tasks/{pending}/confirmation", {}, CONFIRMERS),
    ("return", "POST", "/tasks/{pending}/return", {"reason": "Thiếu minh chứng"}, CONFIRMERS),
]
SCOPES = [
    *[(role, "ward") for role in ROLES],
    ("lead", "ward"),
    *[(role, "other_ward") for role in ROLES if role != "admin"],
    ("inspector", "city"),
]


@pytest.fixture
def world(client, clock):
    clock(date(2024, 3, 12))
    city = gen_unit(code="thanh-pho", kind=UnitKind.CITY)
    ward = gen_unit(code="phuong-a", parent=city)
    other_ward = gen_unit(code="phuong-b", parent=city)
    chair = gen_officer(ward, Role.CHAIRPERSON)
    lead = gen_officer(ward)
    plan = gen_plan(ward)
    open_task = gen_task(plan, lead, confirmer=chair)
    pending = gen_task(plan, lead, confirmer=chair, state=TaskState.PENDING_CONFIRMATION)
    evidence = Evidence(task=pending, document_number="1/KH-UBND", document_date=date(2024, 3, 1),
                        added_by_id=lead.id)
    db.session.add(evidence)
    db.session.flush()
    note = db.session.scalars(
        select(TaskNote).where(TaskNote.task_id == pending.id, TaskNote.kind == NoteKind.SUBMISSION)
    ).one()
    note.evidence_id = evidence.id
    db.session.commit()
    return {"city": city, "ward": ward, "other_ward": other_ward, "plan": plan, "lead": lead,
            "open": open_task, "pending": pending, "chair": chair}


def _body(world, body):
    if body == "new_task":
        return {"title": "Việc mới", "deliverable": "Báo cáo",
                "lead_officer_id": world["lead"].id, "deadline": "2024-04-26"}
    if body == "assignment":
        return {"task_ids": [world["open"].id], "lead_officer_id": world["lead"].id}
    return body


def _url(world, path):
    return "/api/v1" + path.format(unit=world["ward"].code, plan=world["plan"].id,
                                   open=world["open"].id, pending=world["pending"].id)


@pytest.mark.parametrize(("role", "where"), SCOPES)
@pytest.mark.parametrize(("name", "method", "path", "body", "allowed"), WRITES,
                         ids=[w[0] for w in WRITES])
def test_write_matrix(client, world, role, where, name, method, path, body, allowed):
    officer = world["lead"] if role == "lead" else gen_officer(world[where], Role(role))
    db.session.commit()
    headers = bearer(token_for(officer, TokenScope.WRITE))
    response = client.open(_url(world, path), method=method, json=_body(world, body),
                           headers=headers)
    expected = role in allowed and (where == "ward" or role == "admin")
    if expected:
        assert response.status_code in (200, 201), (name, role, where, response.get_json())
    else:
        assert response.status_code == 403, (name, role, where, response.get_json())


@pytest.mark.parametrize(("name", "method", "path", "body", "allowed"), WRITES,
                         ids=[w[0] for w in WRITES])
def test_read_tokens_never_write(client, world, name, method, path, body, allowed):
    headers = bearer(token_for(world["chair"] if "lead" not in allowed else world["lead"]))
    response = client.open(_url(world, path), method=method, json=_body(world, body),
                           headers=headers)
    assert response.status_code == 403


MALFORMED = [
    ("not json", {"data": b"{title: 1", "content_type": "application/json"}, 400),
    ("truncated", {"data": b'{"percent": ', "content_type": "application/json"}, 400),
    ("not utf-8", {"data": b'{"title": "\xff\xfe"}', "content_type": "application/json"}, 400),
    ("array", {"json": [1, 2]}, 400),
    ("string", {"json": "xin chào"}, 400),
    ("null", {"data": b"null", "content_type": "application/json"}, 400),
    ("nested deep", {"data": b"[" * 100_000 + b"]" * 100_000,
                     "content_type": "application/json"}, 400),
    ("form instead of json", {"data": {"percent": "5"}}, 400),
    ("text", {"data": b"percent=5", "content_type": "text/plain"}, 400),
    ("too large", {"data": b'{"note": "' + b"x" * 300_000 + b'"}',
                   "content_type": "application/json"}, 413),
    ("NaN", {"data": b'{"percent": NaN}', "content_type": "application/json"}, 422),
    ("huge number", {"data": b'{"percent": 1' + b"0" * 400 + b"}",
                     "content_type": "application/json"}, 422),
    ("float", {"json": {"percent": 50.5}}, 422),
    ("unknown", {"json": {"percent": 5, "state": "done"}}, 422),
]


@pytest.mark.parametrize(("case", "request_kwargs", "status"), MALFORMED,
                         ids=[m[0] for m in MALFORMED])
@pytest.mark.parametrize(("name", "method", "path", "body", "allowed"), WRITES,
                         ids=[w[0] for w in WRITES])
def test_malformed_bodies_are_never_500(client, world, case, request_kwargs, status, name,
                                        method, path, body, allowed):
    officer = world["lead"] if "lead" in allowed else world["chair"]
    headers = bearer(token_for(officer, TokenScope.WRITE))
    response = client.open(_url(world, path), method=method, headers=headers, **request_kwargs)
    if name == "completion" and case == "unknown":
        assert response.status_code == 422
        return
    if case in ("NaN", "huge number", "float", "unknown") and "percent" not in str(
        _body(world, body)
    ):
        assert response.status_code == 422  # an unknown field, whatever its value
        return
    assert response.status_code == status, (case, name, response.get_json())
    error = response.get_json()["error"]
    assert error["status"] == status and error["message"]


def test_malformed_multipart_completions_are_never_500(client, world):
    import io

    headers = bearer(token_for(world["lead"], TokenScope.WRITE))
    url = _url(world, "/tasks/{open}/completion")
    cases = [
        {"document_number": "333/KH-UBND", "document_date": "08/03/2024"},
        {"document_number": "333/KH-UBND", "occurrence_id": "١٢"},
        {"document_number": ["1/KH-UBND", "2/KH-UBND"]},
        {"other": (io.BytesIO(b"%PDF-"), "x.pdf")},
        {"file": (io.BytesIO(b""), "rong.pdf"), "document_number": "333/KH-UBND",
         "document_date": "2024-03-08"},
    ]
    for data in cases:
        response = client.post(url, data=data, content_type="multipart/form-data",
                               headers=headers)
        assert response.status_code == 422, (data, response.get_json())
    broken = client.post(url, data=b"--x\r\nnot a part", headers=headers,
                         content_type="multipart/form-data; boundary=x")
    assert broken.status_code in (400, 422)
