"""The workflow through HTTP: assign, deliver with a PDF, confirm, and the rate moves."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.conftest import csrf_token
from tests.factories import gen_group, gen_officer, gen_unit, gen_ward_team
from tracker.core.clock import today
from tracker.extensions import db
from tracker.people.models import Role
from tracker.tasks.models import Evidence, Task, TaskState

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def ward():
    world = gen_ward_team("phuong-thu")
    db.session.commit()
    return world


def _form(client, path, **fields):
    return {"csrf_token": csrf_token(client, path), **fields}


def _create(client, w, **changes):
    deadline = (today() + timedelta(days=30)).strftime("%d/%m/%Y")
    data = {
        "title": "Xây dựng kế hoạch tuyên truyền",
        "deliverable": "Kế hoạch tuyên truyền",
        "group_id": str(w["group"].id),
        "lead_officer_id": str(w["lead"].id),
        "supporter_ids": [str(w["helper"].id)],
        "confirmer_id": str(w["chair"].id),
        "deadline_kind": "date",
        "deadline": deadline,
        "cadence_unit": "month",
        "cadence_mode": "fixed",
    }
    data.update(changes)
    path = f"/plans/{w['plan'].id}/tasks/new"
    return client.post(path, data=_form(client, path, **data))


def _task(title="Xây dựng kế hoạch tuyên truyền") -> Task:
    return db.session.scalar(select(Task).where(Task.title == title))


def test_missing_clears_are_named_and_typing_is_kept(client, auth, ward):
    auth.login(ward["chair"])
    response = _create(client, ward, deliverable="", lead_officer_id="", deadline="31/02/2024")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Chưa rõ sản phẩm" in html
    assert "Chưa rõ người chủ trì" in html
    assert "không hợp lệ" in html  # 31/02/2024
    assert "Xây dựng kế hoạch tuyên truyền" in html  # what was typed stays
    assert _task() is None


def test_the_whole_journey_moves_the_rate(app, client, auth, ward):
    auth.login(ward["chair"])
    response = _create(client, ward)
    assert response.status_code == 302, response.get_data(as_text=True)
    task = _task()
    assert task.lead_officer_id == ward["lead"].id

    auth.logout()
    auth.login(ward["lead"])
    assert "Xây dựng kế hoạch tuyên truyền" in client.get("/my-tasks").get_data(as_text=True)
    path = f"/tasks/{task.id}/complete"
    done_on = today().strftime("%d/%m/%Y")
    response = client.post(
        path,
        data=_form(
            client,
            path,
            document_number="333/KH-UBND",
            document_date=done_on,
            summary="Kế hoạch tuyên truyền CCHC năm 2024",
            file=(io.BytesIO(PDF), "kế hoạch 333.pdf"),
        ),
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    db.session.refresh(task)
    assert task.state is TaskState.PENDING_CONFIRMATION
    evidence = db.session.scalar(select(Evidence).where(Evidence.task_id == task.id))
    assert evidence.file_name == "kế hoạch 333.pdf"
    download = client.get(f"/evidence/{evidence.id}/file")
    assert download.status_code == 200 and download.data == PDF
    assert "attachment" in download.headers["Content-Disposition"]
    assert download.headers["Cache-Control"] == "private, no-store"  # no proxy keeps a copy

    plans_page = f"/units/{ward['unit'].code}/plans"
    assert "0,0%" in client.get(plans_page).get_data(as_text=True)

    auth.logout()
    auth.login(ward["chair"])
    pending = client.get(f"/units/{ward['unit'].code}/confirmations").get_data(as_text=True)
    assert "Xây dựng kế hoạch tuyên truyền" in pending
    response = client.post(f"/tasks/{task.id}/confirm", data=_form(client, f"/tasks/{task.id}"))
    assert response.status_code == 302
    db.session.refresh(task)
    assert task.state is TaskState.DONE and task.completed_on == today()
    assert "100,0%" in client.get(plans_page).get_data(as_text=True)


def test_bad_evidence_is_refused_with_the_form_kept(client, auth, ward):
    auth.login(ward["chair"])
    _create(client, ward)
    task = _task()
    auth.logout()
    auth.login(ward["lead"])
    path = f"/tasks/{task.id}/complete"
    tomorrow = (today() + timedelta(days=1)).strftime("%d/%m/%Y")
    response = client.post(
        path,
        data=_form(
            client,
            path,
            document_number="khong hop le",
            document_date=tomorrow,
            summary="Giữ nguyên",
        ),
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Số văn bản chưa đúng dạng" in html
    assert "không được sau hôm nay" in html
    assert "Giữ nguyên" in html
    response = client.post(
        path,
        data=_form(
            client,
            path,
            document_number="333/KH-UBND",
            document_date=today().strftime("%d/%m/%Y"),
            file=(io.BytesIO(b"MZ not a pdf"), "virus.pdf"),
        ),
        content_type="multipart/form-data",
    )
    assert "không phải PDF" in response.get_data(as_text=True)
    db.session.refresh(task)
    assert task.state is TaskState.NOT_STARTED


def test_supporter_adds_notes_and_files_but_cannot_submit(client, auth, ward):
    auth.login(ward["chair"])
    _create(client, ward)
    task = _task()
    auth.logout()
    auth.login(ward["helper"])
    assert client.get(f"/tasks/{task.id}/complete").status_code == 403
    path = f"/tasks/{task.id}/notes"
    response = client.post(
        path,
        data=_form(
            client,
            f"/tasks/{task.id}",
            body="Đã gửi dự thảo",
            file=(io.BytesIO(PDF), "du-thao.pdf"),
        ),
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert "Đã gửi dự thảo" in client.get(f"/tasks/{task.id}").get_data(as_text=True)


def test_return_then_reassign_notifies(client, auth, ward):
    auth.login(ward["chair"])
    _create(client, ward)
    task = _task()
    auth.logout()
    auth.login(ward["lead"])
    page = client.get("/notifications").get_data(as_text=True)
    assert "Bạn được giao chủ trì" in page
    path = f"/tasks/{task.id}/complete"
    client.post(
        path,
        data=_form(
            client, path, document_number="12/KH-UBND", document_date=today().strftime("%d/%m/%Y")
        ),
    )
    auth.logout()
    auth.login(ward["chair"])
    response = client.post(
        f"/tasks/{task.id}/return", data=_form(client, f"/tasks/{task.id}", reason="Thiếu chữ ký")
    )
    assert response.status_code == 302
    db.session.refresh(task)
    assert task.state is TaskState.RETURNED
    # reassign: both the old and the new lead are told
    path = f"/tasks/{task.id}/edit"
    response = client.post(
        path,
        data=_form(
            client,
            path,
            title=task.title,
            deliverable=task.deliverable,
            group_id=str(ward["group"].id),
            lead_officer_id=str(ward["helper"].id),
            confirmer_id=str(ward["chair"].id),
            deadline_kind="date",
            deadline=task.deadline.strftime("%d/%m/%Y"),
            cadence_unit="month",
            cadence_mode="fixed",
        ),
    )
    assert response.status_code == 302
    auth.logout()
    auth.login(ward["lead"])
    page = client.get("/notifications").get_data(as_text=True)
    assert "Thiếu chữ ký" in page
    assert "đã được giao cho Võ Phối Hợp" in page


def test_bulk_assign_from_the_plan_page(client, auth, ward):
    auth.login(ward["chair"])
    for i in range(3):
        _create(client, ward, title=f"Việc số {i}")
    ids = [str(_task(f"Việc số {i}").id) for i in range(3)]
    path = f"/plans/{ward['plan'].id}/assign"
    response = client.post(
        path,
        data=_form(
            client,
            f"/plans/{ward['plan'].id}",
            task_ids=ids[:2],
            lead_officer_id=str(ward["helper"].id),
        ),
    )
    assert response.status_code == 302
    leads = [_task(f"Việc số {i}").lead_officer_id for i in range(3)]
    assert leads == [ward["helper"].id, ward["helper"].id, ward["lead"].id]


def test_vice_chair_assigns_only_in_the_fields_they_oversee(client, auth, ward):
    vice = gen_officer(ward["unit"], Role.VICE_CHAIRPERSON)
    other_group = gen_group(ward["plan"], "Cải cách tài chính công")
    ward["group"].overseer_id = vice.id
    db.session.commit()
    auth.login(vice)
    assert _create(client, ward).status_code == 302
    assert (
        _create(client, ward, title="Việc lĩnh vực khác", group_id=str(other_group.id)).status_code
        == 403
    )


def test_recurring_task_shows_its_periods(client, auth, ward):
    auth.login(ward["chair"])
    response = _create(
        client,
        ward,
        deadline_kind="recurring",
        deadline="",
        cadence_every="1",
        cadence_unit="month",
        start_date=f"01/01/{ward['plan'].start_year}",
        recurrence_note="Hàng tháng",
    )
    assert response.status_code == 302
    task = _task()
    assert len(task.occurrences) == 12
    html = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "0/12 kỳ" in html
    assert "Tháng 1/2024" in html


def test_evidence_file_is_not_served_to_another_ward(client, auth, ward, app):
    auth.login(ward["chair"])
    _create(client, ward)
    task = _task()
    auth.logout()
    auth.login(ward["lead"])
    path = f"/tasks/{task.id}/complete"
    client.post(
        path,
        data=_form(
            client,
            path,
            document_number="1/KH-UBND",
            document_date=date.today().strftime("%d/%m/%Y"),
            file=(io.BytesIO(PDF), "a.pdf"),
        ),
        content_type="multipart/form-data",
    )
    evidence = db.session.scalar(select(Evidence).where(Evidence.task_id == task.id))
    stranger = gen_officer(gen_unit(), Role.CHAIRPERSON)
    db.session.commit()
    auth.logout()
    auth.login(stranger)
    assert client.get(f"/evidence/{evidence.id}/file").status_code == 403
