"""The API writes through the operations the pages call: their permission, validation, locks,
stale-version check, single transaction and audit, as the token's officer."""

from __future__ import annotations

import io
from datetime import date
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from tests.api.support import assert_documented, assert_request_documented, bearer, token_for
from tests.factories import gen_group, gen_officer, gen_plan, gen_task, gen_unit
from tracker.api.openapi import document
from tracker.core.audit import AuditEvent
from tracker.extensions import db
from tracker.people.models import Role, TokenScope
from tracker.tasks.models import Evidence, NoteKind, Task, TaskNote, TaskState

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


@pytest.fixture
def doc(app):
    return document()


@pytest.fixture
def ward(client, clock):
    clock(date(2024, 3, 12))
    unit = gen_unit(code="vinh-hoa")
    chair = gen_officer(unit, Role.CHAIRPERSON, full_name="Trần Văn Chủ")
    focal = gen_officer(unit, Role.FOCAL_OFFICER)
    lead = gen_officer(unit, full_name="Lê Thị Chủ Trì")
    other = gen_officer(unit)
    plan = gen_plan(unit)
    task = gen_task(plan, lead, deadline=date(2024, 6, 28), confirmer=chair)
    db.session.commit()
    return SimpleNamespace(
        unit=unit, chair=chair, focal=focal, lead=lead, other=other, plan=plan, task=task
    )


def _write(officer):
    return bearer(token_for(officer, TokenScope.WRITE))


def _call(client, doc, method, path, values, body=None, headers=None, media="application/json",
          **kwargs):
    url = "/api/v1" + path.format(**values)
    if body is not None and media == "application/json":
        assert_request_documented(doc, path, method, body)
        kwargs["json"] = body
    elif body is not None:
        assert_request_documented(
            doc, path, method, {k: v for k, v in body.items() if k != "file"}, media
        )
        kwargs["data"] = body
        kwargs["content_type"] = media
    response = client.open(url, method=method.upper(), headers=headers or {}, **kwargs)
    assert_documented(doc, path, response, method)
    return response


TASKS = "/units/{unit_code}/plans/{plan_id}/tasks"


def _new_task_body(w, **changes):
    return {
        "title": "Rà soát thủ tục hành chính",
        "deliverable": "Báo cáo rà soát",
        "lead_officer_id": w.lead.id,
        "deadline": "2024-04-26",
    } | changes


def test_create_task_as_the_chairperson(client, doc, ward):
    values = {"unit_code": "vinh-hoa", "plan_id": ward.plan.id}
    response = _call(client, doc, "post", TASKS, values, _new_task_body(ward),
                     headers=_write(ward.chair))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["lead_officer"]["id"] == ward.lead.id
    assert body["confirmer"]["id"] == ward.chair.id  # the chairperson confirms by default
    assert body["deadline"] == "2024-04-26"
    assert response.headers["Location"].endswith(f"/api/v1/tasks/{body['id']}")
    task = db.session.get(Task, body["id"])
    assert task.title == "Rà soát thủ tục hành chính"
    created = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.entity_type == "tasks", AuditEvent.entity_id == task.id
        )
    )
    assert created.actor_id == ward.chair.id  # the token's officer is the author


def test_a_read_token_may_not_write(client, doc, ward):
    values = {"unit_code": "vinh-hoa", "plan_id": ward.plan.id}
    response = _call(client, doc, "post", TASKS, values, _new_task_body(ward),
                     headers=bearer(token_for(ward.chair)))
    assert response.status_code == 403
    assert "chỉ có quyền đọc" in response.get_json()["error"]["message"]
    assert db.session.scalars(select(Task)).all() == [ward.task]


def test_a_task_without_its_clears_is_refused_field_by_field(client, doc, ward):
    values = {"unit_code": "vinh-hoa", "plan_id": ward.plan.id}
    response = _call(client, doc, "post", TASKS, values, {"title": " "},
                     headers=_write(ward.chair))
    assert response.status_code == 422
    fields = response.get_json()["error"]["fields"]
    assert {"title", "deliverable", "lead_officer_id", "deadline"} <= set(fields)
    assert "Chưa rõ" in fields["title"]
    assert db.session.scalars(select(Task)).all() == [ward.task]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": 5}, "title"),
        ({"lead_officer_id": "3"}, "lead_officer_id"),
        ({"lead_officer_id": True}, "lead_officer_id"),
        ({"lead_officer_id": -1}, "lead_officer_id"),
        ({"lead_officer_id": 2**40}, "lead_officer_id"),
        ({"deadline": "30/04/2024"}, "deadline"),
        ({"deadline": "2024-02-30"}, "deadline"),
        ({"supporter_ids": [1, "x"]}, "supporter_ids"),
        ({"supporter_ids": 3}, "supporter_ids"),
        ({"cadence_unit": "year"}, "cadence_unit"),
        ({"title": "x" * 2001}, "title"),
        ({"owner": 1}, "owner"),
        ({"title": None}, "title"),
    ],
)
def test_wrong_types_and_unknown_fields_are_422(client, ward, body, field):
    url = f"/api/v1/units/vinh-hoa/plans/{ward.plan.id}/tasks"
    response = client.post(url, json=_new_task_body(ward) | body, headers=_write(ward.chair))
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["error"]["fields"]


def test_a_nul_character_is_refused_before_anything(client, ward):
    url = f"/api/v1/units/vinh-hoa/plans/{ward.plan.id}/tasks"
    response = client.post(url, json=_new_task_body(ward, title="a\x00b"),
                           headers=_write(ward.chair))
    assert response.status_code == 400
    assert "NUL" in response.get_json()["error"]["message"]


def test_edit_reassigns_and_a_stale_version_is_409(client, doc, ward):
    path, values = "/tasks/{task_id}", {"task_id": ward.task.id}
    headers = _write(ward.chair)
    current = _call(client, doc, "get", path, values, headers=headers).get_json()
    assert current["version"] == ward.task.version
    moved = _call(
        client, doc, "patch", path, values,
        {"lead_officer_id": ward.other.id, "version": current["version"]}, headers=headers,
    )
    assert moved.status_code == 200, moved.get_json()
    assert moved.get_json()["lead_officer"]["id"] == ward.other.id
    assert moved.get_json()["title"] == ward.task.title  # what was not sent stays
    assert moved.get_json()["version"] > current["version"]
    db.session.expire_all()
    assert ward.task.lead_history[-1][1] == ward.other.id  # recorded as the pages do
    stale = _call(
        client, doc, "patch", path, values, {"title": "Tiêu đề cũ"},
        headers=headers | {"If-Match": f'"{current["version"]}"'},
    )
    assert stale.status_code == 409
    assert stale.get_json()["error"]["current_version"] == moved.get_json()["version"]
    db.session.expire_all()
    assert ward.task.title != "Tiêu đề cũ"


def test_a_new_deadline_kind_sets_the_others_aside(client, doc, ward):
    path, values = "/tasks/{task_id}", {"task_id": ward.task.id}
    response = _call(
        client, doc, "patch", path, values,
        {"start_date": "2024-03-01", "deadline_working_days": 10,
         "deadline_reason": "Theo chỉ đạo"},
        headers=_write(ward.chair),
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["deadline"] == "2024-03-15"  # ten working days on


def test_bad_if_match_is_400(client, ward):
    response = client.patch(
        f"/api/v1/tasks/{ward.task.id}", json={"title": "x"},
        headers=_write(ward.chair) | {"If-Match": "abc"},
    )
    assert response.status_code == 400


def test_bulk_assignment(client, doc, ward):
    second = gen_task(ward.plan)
    db.session.commit()
    path = "/units/{unit_code}/plans/{plan_id}/assignments"
    values = {"unit_code": "vinh-hoa", "plan_id": ward.plan.id}
    body = {"task_ids": [ward.task.id, second.id], "lead_officer_id": ward.other.id}
    response = _call(client, doc, "post", path, values, body, headers=_write(ward.chair))
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"assigned": 2, "task_ids": sorted([ward.task.id, second.id])}
    db.session.expire_all()
    assert {ward.task.lead_officer_id, second.lead_officer_id} == {ward.other.id}
    foreign = gen_task(gen_plan(ward.unit))
    db.session.commit()
    body = {"task_ids": [foreign.id], "lead_officer_id": ward.other.id}
    refused = _call(client, doc, "post", path, values, body, headers=_write(ward.chair))
    assert refused.status_code == 422
    assert "task_ids" in refused.get_json()["error"]["fields"]


def test_progress_completion_with_evidence_then_confirmation(client, doc, ward):
    lead, chair = _write(ward.lead), _write(ward.chair)
    values = {"task_id": ward.task.id}
    progress = _call(client, doc, "post", "/tasks/{task_id}/progress", values,
                     {"percent": 60, "note": "Đã rà soát 6/10 thủ tục"}, headers=lead)
    assert progress.status_code == 200, progress.get_json()
    assert progress.get_json()["progress_percent"] == 60
    assert progress.get_json()["state"] == "in_progress"
    too_much = _call(client, doc, "post", "/tasks/{task_id}/progress", values,
                     {"percent": 101}, headers=lead)
    assert too_much.status_code == 422
    assert "percent" in too_much.get_json()["error"]["fields"]

    form = {
        "document_number": "333/KH-UBND",
        "document_date": "2024-03-08",
        "summary": "Kế hoạch rà soát",
        "file": (io.BytesIO(PDF), "ke-hoach.pdf"),
    }
    done = _call(client, doc, "post", "/tasks/{task_id}/completion", values, form,
                 headers=lead, media="multipart/form-data")
    assert done.status_code == 201, done.get_json()
    assert done.get_json()["state"] == "pending_confirmation"
    evidence = db.session.scalar(select(Evidence).where(Evidence.task_id == ward.task.id))
    assert (evidence.document_number, evidence.file_name) == ("333/KH-UBND", "ke-hoach.pdf")
    assert evidence.added_by_id == ward.lead.id

    # the lead does not confirm their own completion
    own = _call(client, doc, "post", "/tasks/{task_id}/confirmation", values, headers=lead)
    assert own.status_code == 403
    confirmed = _call(client, doc, "post", "/tasks/{task_id}/confirmation", values, {},
                      headers=chair)
    assert confirmed.status_code == 200, confirmed.get_json()
    assert confirmed.get_json()["state"] == "done"
    assert confirmed.get_json()["completed_on"] == "2024-03-08"
    again = _call(client, doc, "post", "/tasks/{task_id}/confirmation", values, headers=chair)
    assert again.status_code == 422  # already decided: the refusal names who and when
    kinds = [n.kind for n in db.session.scalars(
        select(TaskNote).where(TaskNote.task_id == ward.task.id).order_by(TaskNote.id))]
    assert kinds == [NoteKind.PROGRESS, NoteKind.SUBMISSION, NoteKind.CONFIRMATION]


def test_completion_as_json_and_its_return(client, doc, ward):
    values = {"task_id": ward.task.id}
    bad = _call(client, doc, "post", "/tasks/{task_id}/completion", values,
                {"document_number": "abc", "document_date": "2024-04-01"},
                headers=_write(ward.lead))
    assert bad.status_code == 422
    assert set(bad.get_json()["error"]["fields"]) == {"document_number", "document_date"}
    done = _call(client, doc, "post", "/tasks/{task_id}/completion", values,
                 {"document_number": "39/QĐ-UBND", "document_date": "2024-03-01"},
                 headers=_write(ward.lead))
    assert done.status_code == 201, done.get_json()
    no_reason = _call(client, doc, "post", "/tasks/{task_id}/return", values, {"reason": ""},
                      headers=_write(ward.focal))
    assert no_reason.status_code == 422
    returned = _call(client, doc, "post", "/tasks/{task_id}/return", values,
                     {"reason": "Thiếu chữ ký"}, headers=_write(ward.focal))
    assert returned.status_code == 200, returned.get_json()
    assert returned.get_json()["state"] == "returned"


def test_a_file_we_do_not_take_is_422_and_saves_nothing(client, ward):
    response = client.post(
        f"/api/v1/tasks/{ward.task.id}/completion",
        data={"document_number": "333/KH-UBND", "document_date": "2024-03-08",
              "file": (io.BytesIO(b"MZ\x90\x00"), "virus.pdf")},
        content_type="multipart/form-data",
        headers=_write(ward.lead),
    )
    assert response.status_code == 422
    assert "file" in response.get_json()["error"]["fields"]
    db.session.expire_all()
    assert ward.task.state is TaskState.NOT_STARTED
    assert db.session.scalars(select(Evidence)).all() == []


def test_an_oversized_file_is_413(app, client, ward):
    big = PDF + b"0" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.post(
        f"/api/v1/tasks/{ward.task.id}/completion",
        data={"document_number": "333/KH-UBND", "document_date": "2024-03-08",
              "file": (io.BytesIO(big), "lon.pdf")},
        content_type="multipart/form-data",
        headers=_write(ward.lead),
    )
    assert response.status_code == 413
    assert response.get_json()["error"]["message"]


def test_a_stale_version_refuses_progress(client, ward):
    version = ward.task.version
    ward.task.title = "Đổi tên"
    db.session.commit()
    response = client.post(
        f"/api/v1/tasks/{ward.task.id}/progress",
        json={"percent": 10, "version": version},
        headers=_write(ward.lead),
    )
    assert response.status_code == 409
    db.session.expire_all()
    assert ward.task.progress_percent == 0


def test_csrf_is_lifted_for_the_api_only(app, client, auth, ward):
    """Bearer calls need no CSRF token; a browser session neither authenticates the API nor
    escapes CSRF on the pages."""
    csrf = app.extensions["csrf"]
    assert csrf._exempt_views == set()
    assert {bp.name for bp in csrf._exempt_blueprints} == {"api"}
    auth.login(ward.chair)
    no_token = client.post(f"/api/v1/tasks/{ward.task.id}/progress", json={"percent": 5})
    assert no_token.status_code == 401  # the session cookie is not a credential here
    page = client.post(f"/tasks/{ward.task.id}/progress", data={"percent": 5})
    assert page.status_code == 400  # the page still wants its CSRF token


def test_withdrawn_group_field_checks(client, ward):
    """A vice chairperson creates tasks only in the fields they oversee (as on the page)."""
    vice = gen_officer(ward.unit, Role.VICE_CHAIRPERSON)
    mine, theirs = gen_group(ward.plan), gen_group(ward.plan)
    mine.overseer_id = vice.id
    db.session.commit()
    url = f"/api/v1/units/vinh-hoa/plans/{ward.plan.id}/tasks"
    headers = _write(vice)
    ok = client.post(url, json=_new_task_body(ward, group_id=mine.id), headers=headers)
    assert ok.status_code == 201, ok.get_json()
    refused = client.post(url, json=_new_task_body(ward, group_id=theirs.id), headers=headers)
    assert refused.status_code == 403
