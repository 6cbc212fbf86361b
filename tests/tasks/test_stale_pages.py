"""A page loaded before someone else acted: the click that follows is told what happened, by
whom and when, and nothing is saved twice or over another officer's change.

The same rules the concurrent races exercise (tests/test_concurrency.py), here one request after
the other through HTTP, on every database.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from tests.conftest import csrf_token
from tests.factories import gen_officer, gen_plan, gen_task, gen_unit
from tracker.core.once import FormUse
from tracker.extensions import db
from tracker.meetings.models import Meeting
from tracker.people.models import Role
from tracker.tasks.models import Evidence, NoteKind, Notification, Task, TaskNote, TaskState
from tracker.tasks.operations import return_completion

# Tuesday 12/03/2024, 09:12 in Vĩnh Hòa (UTC+7)
MOMENT = datetime(2024, 3, 12, 2, 12, tzinfo=UTC)


@pytest.fixture
def ward(clock):
    clock(MOMENT)
    unit = gen_unit(code="vinh-hoa")
    chair = gen_officer(unit, Role.CHAIRPERSON, full_name="Nguyễn Văn A")
    focal = gen_officer(unit, Role.FOCAL_OFFICER, full_name="Trần Thị B")
    admin = gen_officer(unit, Role.ADMIN, full_name="Lê Văn C")
    lead = gen_officer(unit, full_name="Phạm Thị D")
    plan = gen_plan(unit)
    task = gen_task(
        plan, lead, deadline=date(2024, 6, 28), confirmer_id=chair.id, title="Kế hoạch tuyên truyền"
    )
    db.session.commit()
    return {"unit": unit, "chair": chair, "focal": focal, "admin": admin, "lead": lead,
            "plan": plan, "task": task}  # fmt: skip


def _post(client, path, page, **data):
    return client.post(path, data={"csrf_token": csrf_token(client, page), **data})


def _token(html: str) -> str:
    match = re.search(r'name="form_token"[^>]*value="([^"]+)"', html)
    assert match, "the form carries no single-use token"
    return match.group(1)


def _submit(client, auth, ward):
    auth.login(ward["lead"])
    path = f"/tasks/{ward['task'].id}/complete"
    form = {"document_number": "333/KH-UBND", "document_date": "04/03/2024", "summary": "KH"}
    assert _post(client, path, path, **form).status_code == 302
    auth.logout()


def _flashes(response) -> str:
    return response.get_data(as_text=True)


# ---------------------------------------------------------------------------- decisions


@pytest.mark.parametrize(
    ("first", "then", "said"),
    [
        ("confirm", "return", "Kết quả này đã được Nguyễn Văn A xác nhận lúc 09:12 ngày "
         "12/03/2024; không thể trả lại."),
        ("confirm", "confirm", "Kết quả này đã được Nguyễn Văn A xác nhận lúc 09:12 ngày "
         "12/03/2024; không thể xác nhận."),
        ("return", "confirm", "Báo cáo hoàn thành này đã được Nguyễn Văn A trả lại lúc 09:12 "
         "ngày 12/03/2024; không thể xác nhận."),
        ("return", "return", "Báo cáo hoàn thành này đã được Nguyễn Văn A trả lại lúc 09:12 "
         "ngày 12/03/2024; không thể trả lại."),
    ],
)  # fmt: skip
def test_a_decision_on_a_decided_completion_names_who_decided(
    client, auth, ward, first, then, said
):
    _submit(client, auth, ward)
    task = ward["task"]
    page = f"/tasks/{task.id}"
    auth.login(ward["focal"])
    client.get(page)  # the focal officer's page: still waiting for a decision
    auth.logout()
    auth.login(ward["chair"])
    assert _post(client, f"{page}/{first}", page, reason="Thiếu số liệu").status_code == 302
    auth.logout()
    auth.login(ward["focal"])
    response = _post(client, f"{page}/{then}", page, reason="Thiếu minh chứng")
    assert response.status_code == 302
    html = client.get(page).get_data(as_text=True)
    assert said in html
    db.session.expire_all()
    decisions = db.session.scalars(
        select(TaskNote.kind).where(
            TaskNote.task_id == task.id,
            TaskNote.kind.in_([NoteKind.CONFIRMATION, NoteKind.RETURN]),
        )
    ).all()
    assert len(decisions) == 1


def test_a_returned_completion_counts_for_nothing(app, ward):
    """A completion date left on a task waiting for confirmation (as the race left it) is
    cleared by the return: a returned task is never counted done."""
    task, focal = ward["task"], ward["focal"]
    task.state = TaskState.PENDING_CONFIRMATION
    task.completed_on = date(2024, 3, 4)  # what made it count
    evidence = Evidence(task=task, document_number="333/KH-UBND", document_date=date(2024, 3, 4),
                        added_by_id=ward["lead"].id)  # fmt: skip
    db.session.add(evidence)
    db.session.flush()
    db.session.add(TaskNote(task=task, kind=NoteKind.SUBMISSION, evidence_id=evidence.id,
                            author_id=ward["lead"].id))  # fmt: skip
    db.session.flush()
    return_completion(db.session, task, focal, reason="Thiếu minh chứng")
    assert task.state is TaskState.RETURNED and task.completed_on is None


# ---------------------------------------------------------------------------- editing


def _edit_form(task: Task, **changes) -> dict:
    data = {
        "title": task.title,
        "deliverable": task.deliverable,
        "lead_officer_id": str(task.lead_officer_id),
        "confirmer_id": str(task.confirmer_id),
        "deadline_kind": "date",
        "deadline": f"{task.deadline:%d/%m/%Y}",
        "cadence_unit": "month",
        "cadence_mode": "fixed",
    }
    data.update(changes)
    return data


def test_a_stale_edit_is_refused_with_the_other_change_and_the_typing_kept(client, auth, ward):
    task = ward["task"]
    path = f"/tasks/{task.id}/edit"
    auth.login(ward["admin"])
    opened = client.get(path).get_data(as_text=True)
    version = re.search(r'name="version"[^>]*value="(\d+)"', opened)[1]
    form = _edit_form(task, title="Kế hoạch tuyên truyền CCHC năm 2024", version=version)
    auth.logout()
    # Meanwhile the chairperson moves the deadline.
    auth.login(ward["chair"])
    moved = _edit_form(task, deadline="31/07/2024", version=version)
    assert _post(client, path, path, **moved).status_code == 302
    auth.logout()
    auth.login(ward["admin"])
    response = _post(client, path, path, **form)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Trong lúc bạn sửa, Nguyễn Văn A đã lưu thay đổi nhiệm vụ này lúc 09:12 ngày " in html
    conflict = html.split('data-testid="edit-conflict"', 1)[1].split("</div>\n{% endif", 1)[0]
    assert "Thời hạn: 28/06/2024 → <strong>31/07/2024</strong>" in conflict
    assert "Kế hoạch tuyên truyền CCHC năm 2024" in html  # the typing is kept
    db.session.expire_all()
    assert task.title == "Kế hoạch tuyên truyền" and task.deadline == date(2024, 7, 31)
    # Saving again, having seen it, is a choice: it goes through (with the deadline typed).
    again = re.search(r'name="version"[^>]*value="(\d+)"', html)[1]
    assert again == str(task.version)
    assert _post(client, path, path, **{**form, "version": again}).status_code == 302
    db.session.expire_all()
    assert task.title == "Kế hoạch tuyên truyền CCHC năm 2024"


def test_an_edit_from_the_current_version_saves(client, auth, ward):
    task = ward["task"]
    path = f"/tasks/{task.id}/edit"
    auth.login(ward["chair"])
    version = re.search(r'name="version"[^>]*value="(\d+)"', client.get(path).get_data(True))[1]
    response = _post(client, path, path, **_edit_form(task, deadline="31/07/2024", version=version))
    assert response.status_code == 302
    db.session.expire_all()
    assert task.version == int(version) + 1
    # Progress and decisions are not edits: they leave the version as it is.
    before = task.version
    auth.logout()
    _submit(client, auth, ward)
    db.session.expire_all()
    assert task.version == before


# ---------------------------------------------------------------------------- double submits


def test_the_create_form_sent_twice_makes_one_task(client, auth, ward):
    plan = ward["plan"]
    path = f"/plans/{plan.id}/tasks/new"
    auth.login(ward["chair"])
    token = _token(client.get(path).get_data(as_text=True))
    form = _edit_form(ward["task"], title="Việc gửi hai lần", form_token=token)
    first = _post(client, path, path, **form)
    second = _post(client, path, path, **form)  # a double click, or back then save
    assert first.status_code == second.status_code == 302
    assert second.headers["Location"] == first.headers["Location"]
    html = client.get(second.headers["Location"]).get_data(as_text=True)
    assert "Biểu mẫu này đã được gửi rồi" in html
    made = db.session.scalar(
        select(func.count()).select_from(Task).where(Task.title == "Việc gửi hai lần")
    )
    assert made == 1


def test_a_refused_form_goes_through_once_corrected(client, auth, ward):
    plan = ward["plan"]
    path = f"/plans/{plan.id}/tasks/new"
    auth.login(ward["chair"])
    token = _token(client.get(path).get_data(as_text=True))
    form = _edit_form(ward["task"], title="Việc sửa lại", form_token=token)
    refused = _post(client, path, path, **{**form, "deliverable": ""})
    assert refused.status_code == 200
    assert _token(refused.get_data(as_text=True)) == token  # the same form, as typed
    assert db.session.scalar(select(func.count()).select_from(FormUse)) == 0
    assert _post(client, path, path, **form).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Task).where(
        Task.title == "Việc sửa lại")) == 1  # fmt: skip


def test_the_completion_sent_twice_makes_one_evidence_and_one_notice(client, auth, ward):
    task = ward["task"]
    path = f"/tasks/{task.id}/complete"
    auth.login(ward["lead"])
    token = _token(client.get(path).get_data(as_text=True))
    form = {"document_number": "333/KH-UBND", "document_date": "04/03/2024", "form_token": token}
    first = _post(client, path, path, **form)
    second = _post(client, path, path, **form)
    assert first.status_code == second.status_code == 302
    assert second.headers["Location"] == first.headers["Location"]
    assert "Biểu mẫu này đã được gửi rồi" in client.get(second.headers["Location"]).get_data(True)
    evidence = db.session.scalar(
        select(func.count()).select_from(Evidence).where(Evidence.task_id == task.id)
    )
    notices = db.session.scalars(
        select(Notification.officer_id).where(
            Notification.task_id == task.id, Notification.kind == "submitted"
        )
    ).all()
    assert evidence == 1
    assert sorted(notices) == sorted([ward["chair"].id, ward["focal"].id])  # once each


def test_a_completion_shown_again_goes_through_once_corrected(client, auth, ward):
    task = ward["task"]
    path = f"/tasks/{task.id}/complete"
    auth.login(ward["lead"])
    token = _token(client.get(path).get_data(as_text=True))
    form = {"document_number": "333/KH-UBND", "document_date": "31/02/2024", "form_token": token}
    shown_again = _post(client, path, path, **form)
    assert shown_again.status_code == 200 and "không hợp lệ" in shown_again.get_data(True)
    assert _token(shown_again.get_data(as_text=True)) == token
    corrected = _post(client, path, path, **{**form, "document_date": "04/03/2024"})
    assert corrected.status_code == 302
    assert "Biểu mẫu này đã được gửi rồi" not in client.get(corrected.headers["Location"]).get_data(
        True
    )
    assert (
        db.session.scalar(
            select(func.count()).select_from(Evidence).where(Evidence.task_id == task.id)
        )
        == 1
    )


def test_a_note_sent_twice_is_added_once(client, auth, ward):
    task = ward["task"]
    page = f"/tasks/{task.id}"
    auth.login(ward["lead"])
    token = _token(client.get(page).get_data(as_text=True).split('action="' + page + '/notes"')[1])
    for _ in range(2):
        assert (
            _post(client, f"{page}/notes", page, body="Đã họp", form_token=token).status_code == 302
        )
    notes = db.session.scalar(
        select(func.count())
        .select_from(TaskNote)
        .where(TaskNote.task_id == task.id, TaskNote.kind == NoteKind.NOTE)
    )
    assert notes == 1


# ---------------------------------------------------------------------------- meetings


def test_opening_a_month_already_opened_goes_to_it(client, auth, ward):
    unit = ward["unit"]
    path = f"/units/{unit.code}/meetings"
    form = {"year": "2024", "month": "3", "held_on": "15/03/2024", "starts_at": "08:00",
            "place": "Hội trường", "chair_id": str(ward["chair"].id)}  # fmt: skip
    auth.login(ward["focal"])
    first = _post(client, path, path, **form)
    assert first.status_code == 302
    auth.logout()
    auth.login(ward["chair"])
    second = _post(client, path, path, **form)
    assert second.status_code == 302
    assert second.headers["Location"] == first.headers["Location"]
    html = client.get(second.headers["Location"]).get_data(as_text=True)
    assert "Họp giao ban CCHC tháng 3/2024 đã được Trần Thị B mở lúc 09:12 ngày 12/03/2024" in html
    assert db.session.scalar(select(func.count()).select_from(Meeting)) == 1


def test_a_meeting_decision_on_a_changed_task_is_refused(client, auth, ward):
    unit = ward["unit"]
    task = gen_task(ward["plan"], ward["lead"], deadline=date(2024, 3, 1),
                    confirmer_id=ward["chair"].id)  # overdue: on the meeting's agenda  # fmt: skip
    db.session.commit()
    auth.login(ward["chair"])
    path = f"/units/{unit.code}/meetings"
    form = {"year": "2024", "month": "3", "held_on": "15/03/2024", "starts_at": "08:00",
            "place": "Hội trường", "chair_id": str(ward["chair"].id)}  # fmt: skip
    meeting_page = _post(client, path, path, **form).headers["Location"]
    html = client.get(meeting_page).get_data(as_text=True)
    prefix = f"t{task.id}"
    version = re.search(rf'name="{prefix}-task_version"[^>]*value="(\d*)"', html)
    assert version and version[1] == str(task.version)
    # Meanwhile the admin moves the deadline on the task's page.
    auth.logout()
    auth.login(ward["admin"])
    edit = f"/tasks/{task.id}/edit"
    moved = _edit_form(task, deadline="29/03/2024", version=str(task.version))
    assert _post(client, edit, edit, **moved).status_code == 302
    auth.logout()
    auth.login(ward["chair"])
    meeting_id = int(meeting_page.rsplit("/", 1)[1])
    decision = {
        f"{prefix}-task_id": str(task.id),
        f"{prefix}-task_version": version[1],
        f"{prefix}-decision": "Gia hạn đến 30/08/2024",
        f"{prefix}-dealt_with": "y",
        f"{prefix}-new_deadline": "30/08/2024",
    }
    response = _post(client, f"/meetings/{meeting_id}/decisions", meeting_page, **decision)
    html = response.get_data(as_text=True)
    assert "Trong lúc bạn sửa, Lê Văn C đã lưu thay đổi nhiệm vụ này" in html
    db.session.expire_all()
    assert task.deadline == date(2024, 3, 29)
    # The form comes back as typed, now carrying the version it was refused on: sent again, the
    # leaders' decision goes through over the admin's change, knowingly.
    again = re.search(rf'name="{prefix}-task_version"[^>]*value="(\d*)"', html)[1]
    assert again == str(task.version)
    decision[f"{prefix}-task_version"] = again
    response = _post(client, f"/meetings/{meeting_id}/decisions", meeting_page, **decision)
    assert response.status_code == 302
    db.session.expire_all()
    assert task.deadline == date(2024, 8, 30)
