"""The task page keeps what it reads of the journal and the audit trail (tracker.core.versions):
a change made through the product shows at once, each reader sees their own buttons and forms,
languages do not cross, a commune's change shows on the province's parent task."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.conftest import AuthActions, csrf_token, session_csrf_token, token_in
from tests.factories import gen_officer, gen_task, gen_unit, gen_ward_team
from tracker.core.clock import today
from tracker.extensions import db
from tracker.people.models import Role, UnitKind
from tracker.tasks.models import TaskState
from tracker.tasks.operations import add_note

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def ward():
    world = gen_ward_team("phuong-giu")
    chair, lead, helper = world["chair"], world["lead"], world["helper"]
    task = gen_task(
        world["plan"], lead, group=world["group"], deadline=today() + timedelta(days=20),
        title="Việc được giữ",
    )
    task.confirmer_id = chair.id
    task.supporters.append(helper)
    db.session.commit()
    return {**world, "task": task}


def _page(client, task) -> str:
    response = client.get(f"/tasks/{task.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _post(client, task, action: str, **fields):
    data = {"csrf_token": csrf_token(client, f"/tasks/{task.id}"), **fields}
    return client.post(f"/tasks/{task.id}/{action}", data=data,
                        content_type="multipart/form-data")


def _kept(count_queries, client, task) -> int:
    """Statements of a second request of the page (the first kept what it read)."""
    _page(client, task)
    with count_queries() as q:
        _page(client, task)
    return q.count


def test_a_note_shows_on_the_kept_page(client, auth, ward, count_queries):
    auth.login(ward["helper"])
    first = _page(client, ward["task"])
    assert "Chưa có trao đổi nào." in first
    with count_queries() as cold:
        _page(client, ward["task"])
    with count_queries() as warm:
        _page(client, ward["task"])
    assert warm.count <= cold.count  # nothing changed: the page is served from what it kept
    assert _post(client, ward["task"], "notes", body="Đã gửi dự thảo lần 2").status_code == 302
    page = _page(client, ward["task"])
    assert "Đã gửi dự thảo lần 2" in page and "Chưa có trao đổi nào." not in page


def test_completion_then_confirmation_show_with_each_readers_forms(app, client, auth, ward):
    task = ward["task"]
    auth.login(ward["lead"])
    page = _page(client, task)
    assert "Báo cáo hoàn thành" in page and "Xác nhận hoàn thành" not in page
    response = client.post(
        f"/tasks/{task.id}/complete",
        data={"csrf_token": csrf_token(client, f"/tasks/{task.id}/complete"),
              "document_number": "12/BC-UBND",
              "document_date": today().strftime("%d/%m/%Y"),
              "summary": "Báo cáo kết quả tuyên truyền",
              "file": (__import__("io").BytesIO(PDF), "bao-cao.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    lead_page = _page(client, task)
    assert "12/BC-UBND" in lead_page and "bao-cao.pdf" in lead_page
    # The lead may not decide on their own completion: no confirm form for them.
    assert f'action="/tasks/{task.id}/confirm"' not in lead_page
    lead_token = token_in(lead_page)
    chair_client = app.test_client()  # another browser: another session, another token
    AuthActions(chair_client).login(ward["chair"])
    chair_page = _page(chair_client, task)  # the activity the lead's request kept
    assert f'action="/tasks/{task.id}/confirm"' in chair_page and "12/BC-UBND" in chair_page
    chair_token = token_in(chair_page)
    assert chair_token != lead_token  # each page carries its reader's own token
    auth.logout()
    auth.login(ward["chair"])
    assert _post(client, task, "confirm").status_code == 302
    done_page = _page(client, task)
    assert f'action="/tasks/{task.id}/confirm"' not in done_page
    assert "Xác nhận hoàn thành" in done_page  # the journal's new entry
    assert "Mở lại nhiệm vụ đã hoàn thành" in done_page  # the chair may reopen
    auth.logout()
    auth.login(ward["helper"])
    helper_page = _page(client, task)
    assert "Mở lại nhiệm vụ đã hoàn thành" not in helper_page
    assert 'data-testid="task-state">Đã hoàn thành' in helper_page


def test_a_return_shows_its_reason_on_the_evidence(client, auth, ward):
    task = ward["task"]
    auth.login(ward["lead"])
    path = f"/tasks/{task.id}/complete"
    response = client.post(path, data={
        "csrf_token": csrf_token(client, path), "document_number": "5/BC-UBND",
        "document_date": today().strftime("%d/%m/%Y")})
    assert response.status_code == 302
    auth.logout()
    auth.login(ward["chair"])
    page = _page(client, task)
    assert "5/BC-UBND" in page and 'data-testid="returned-evidence"' not in page
    assert _post(client, task, "return", reason="Thiếu chữ ký").status_code == 302
    page = _page(client, task)
    assert 'data-testid="returned-alert"' in page and 'data-testid="returned-evidence"' in page
    assert "Thiếu chữ ký" in page


def test_a_moved_deadline_shows_in_the_history(client, auth, ward):
    task = ward["task"]
    auth.login(ward["chair"])
    old = task.deadline.strftime("%d/%m/%Y")
    assert old in _page(client, task)
    new = (task.deadline + timedelta(days=10)).strftime("%d/%m/%Y")
    path = f"/tasks/{task.id}/edit"
    response = client.post(path, data={
        "csrf_token": csrf_token(client, path), "title": task.title,
        "deliverable": task.deliverable or "", "group_id": str(ward["group"].id),
        "lead_officer_id": str(ward["lead"].id), "supporter_ids": [str(ward["helper"].id)],
        "confirmer_id": str(ward["chair"].id), "deadline_kind": "date", "deadline": new,
        "cadence_unit": "month", "cadence_mode": "fixed", "version": str(task.version),
        "deadline_reason": "Theo chỉ đạo của Chủ tịch",
    })
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    page = _page(client, task)
    history = page.split("Lịch sử thay đổi", 1)[1]
    db.session.refresh(task)
    assert f"Thời hạn: {old} → {task.deadline:%d/%m/%Y}" in history


def test_languages_do_not_cross(client, auth, ward):
    auth.login(ward["lead"])
    assert "Lịch sử thay đổi" in _page(client, ward["task"])
    client.post("/language/en", data={"csrf_token": session_csrf_token(client)})
    english = _page(client, ward["task"])
    assert "Lịch sử thay đổi" not in english and "Chưa có trao đổi nào." not in english
    assert 'data-testid="task-state">Not started' in english
    client.post("/language/vi", data={"csrf_token": session_csrf_token(client)})
    vietnamese = _page(client, ward["task"])
    assert "Chưa có trao đổi nào." in vietnamese
    assert 'data-testid="task-state">Chưa thực hiện' in vietnamese


def test_renamed_officer_of_another_unit_shows_in_the_journal(client, auth, ward):
    """A note by an officer of another unit (the province's inspector): renaming them renews
    their unit's version, not the task's; the page still shows the new name."""
    province = gen_unit(code="tinh-giu", kind=UnitKind.PROVINCE)
    inspector = gen_officer(province, Role.INSPECTOR, full_name="Thanh Tra Cũ")
    ward["unit"].parent_id = province.id
    db.session.commit()
    add_note(db.session, ward["task"], inspector, body="Đề nghị khẩn trương")
    db.session.commit()
    auth.login(ward["lead"])
    assert "Thanh Tra Cũ" in _page(client, ward["task"])
    inspector.full_name = "Thanh Tra Mới"
    db.session.commit()
    page = _page(client, ward["task"])
    assert "Thanh Tra Mới" in page and "Thanh Tra Cũ" not in page


def test_renamed_lead_who_moved_away_shows(client, auth, ward):
    """A lead moved to another unit and renamed there: the move renews the unit they left."""
    task = ward["task"]
    auth.login(ward["chair"])
    assert "Phạm Chủ Trì" in _page(client, task)
    elsewhere = gen_unit(code="phuong-khac")
    lead = ward["lead"]
    lead.unit_id = elsewhere.id
    db.session.commit()
    _page(client, task)
    lead.full_name = "Phạm Chủ Trì Mới"
    db.session.commit()
    assert "Phạm Chủ Trì Mới" in _page(client, task)


def test_a_communes_completion_shows_on_the_province_parent(client, auth, clock):
    from tracker.tasks.cascade import issue_task
    from tracker.tasks.operations import TaskInput

    clock(date(2026, 3, 2))
    tinh = gen_unit(code="tinh-cha", name="Tỉnh Cha", kind=UnitKind.PROVINCE)
    leader = gen_officer(tinh, Role.CHAIRPERSON, full_name="Chủ Tịch Tỉnh")
    follower = gen_officer(tinh, full_name="Cán Bộ Sở")
    communes = [gen_unit(code=f"xa-con-{n}", name=f"Xã Con {n}", parent=tinh,
                         kind=UnitKind.COMMUNE) for n in (1, 2)]
    db.session.commit()
    result = issue_task(
        db.session, tinh,
        TaskInput(title="Rà soát thủ tục", deliverable="Báo cáo", lead_officer_id=follower.id,
                  confirmer_id=leader.id, deadline=date(2026, 4, 28)),
        [c.id for c in communes], leader,
    )
    db.session.commit()
    auth.login(leader)
    assert "0/2 xã đã hoàn thành" in _page(client, result.parent)
    child = result.children[0]
    child.state, child.completed_on = TaskState.DONE, date(2026, 3, 2)
    db.session.commit()
    assert "1/2 xã đã hoàn thành" in _page(client, result.parent)
