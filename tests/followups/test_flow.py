"""Prompting by hand through the pages: the prompt and the explanation request reach the lead
by email (a real SMTP server on loopback) and in the app, the lead answers, a leader decides,
the new deadline is in the task's history, and the month's list counts it all."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from tests.conftest import csrf_token
from tests.factories import gen_officer, gen_task
from tracker.core.refusals import Refusal
from tracker.extensions import db
from tracker.followups.models import Decision, ExplanationRequest, TaskPrompt
from tracker.followups.operations import request_explanation, send_prompt
from tracker.people.models import Role
from tracker.reminders.models import EmailState, ReminderEmail, ReminderItem, ReminderKind
from tracker.tasks.models import Notification, TaskState
from tracker.tasks.queries import task_history


def _post(client, url, data, page):
    return client.post(url, data={"csrf_token": csrf_token(client, page), **data})


def _login(auth, officer):
    auth.logout()
    auth.login(officer)


def _overdue_task(ward, **fields):
    return gen_task(
        ward["plan"],
        ward["lead"],
        deadline=fields.pop("deadline", date(2024, 3, 1)),
        supporters=[ward["helper"]],
        title=fields.pop("title", "Xây dựng kế hoạch tuyên truyền CCHC"),
        **fields,
    )


def test_prompt_explanation_answer_accept(client, auth, ward, mail_to, frozen):
    # A province whose rules let an accepted new deadline judge the task (tasks.deadlines).
    ward["unit"].late_extension_counts = True
    task = _overdue_task(ward)
    db.session.commit()
    page = f"/tasks/{task.id}"
    _login(auth, ward["chair"])
    html = client.get(page).get_data(as_text=True)
    assert "Gửi đôn đốc" in html and "Gửi yêu cầu giải trình" in html

    # Đôn đốc: sent now to the lead, the supporting officer in copy, and in the app.
    response = _post(client, f"{page}/prompt", {"message": "Đề nghị hoàn thành trong tuần."}, page)
    assert response.status_code == 302
    lead_mail = mail_to.to(ward["lead"].email)
    assert len(lead_mail) == 1
    assert "đôn đốc của lãnh đạo" in lead_mail[0]["Subject"]
    text = lead_mail[0].get_body(("plain",)).get_content()
    assert "Trần Chủ Tịch: Đề nghị hoàn thành trong tuần." in text
    assert f"https://cchc.test.example/tasks/{task.id}" in text
    assert len(mail_to.to(ward["helper"].email)) == 1
    assert mail_to.to(ward["chair"].email) == []
    # A second prompt the same day goes out too: a leader's action is not batched.
    _post(client, f"{page}/prompt", {"message": "Nhắc lần hai."}, page)
    assert len(mail_to.to(ward["lead"].email)) == 2
    prompts = db.session.scalars(select(TaskPrompt).where(TaskPrompt.task_id == task.id)).all()
    assert [p.message for p in prompts] == ["Đề nghị hoàn thành trong tuần.", "Nhắc lần hai."]
    items = db.session.scalars(
        select(ReminderItem).where(ReminderItem.kind == ReminderKind.PROMPT)
    ).all()
    assert {i.recipient_id for i in items} == {ward["lead"].id, ward["helper"].id}
    assert all(i.sender_id == ward["chair"].id for i in items)
    assert all(i.email.state is EmailState.SENT for i in items)
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(
                Notification.officer_id == ward["lead"].id, Notification.kind == "reminder_prompt"
            )
        )
        == 2
    )

    # Yêu cầu giải trình: one open request at a time.
    response = _post(client, f"{page}/explanation", {"message": "Báo cáo lý do chậm."}, page)
    assert response.status_code == 302
    asked = [m for m in mail_to.to(ward["lead"].email) if "giải trình" in m["Subject"]]
    assert len(asked) == 1
    assert "Báo cáo lý do chậm." in asked[0].get_body(("plain",)).get_content()
    again = _post(client, f"{page}/explanation", {"message": "Lần nữa"}, page)
    assert again.status_code == 200
    assert "đã có một yêu cầu giải trình chưa được quyết định" in again.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ExplanationRequest)) == 1

    # Another officer may not answer; the lead may, with a working day after today.
    _login(auth, ward["other"])
    reply = {"reason": "Chờ số liệu.", "proposed_deadline": "16/03/2024"}
    assert _post(client, f"{page}/explanation/answer", reply, page).status_code == 403
    _login(auth, ward["lead"])
    html = client.get(page).get_data(as_text=True)
    section = html.split('data-testid="followups"')[1].split("</section>")[0]
    assert "Gửi giải trình" in section and "Gửi đôn đốc" not in section, section
    past = _post(
        client, f"{page}/explanation/answer", {**reply, "proposed_deadline": "12/03/2024"}, page
    )
    assert past.status_code == 200
    body = past.get_data(as_text=True)
    assert "Thời hạn đề xuất phải sau ngày hôm nay." in body and "Chờ số liệu." in body
    bad = _post(client, f"{page}/explanation/answer", {**reply, "proposed_deadline": "31/02"}, page)
    assert bad.status_code == 200 and "không hợp lệ" in bad.get_data(as_text=True)
    response = _post(client, f"{page}/explanation/answer", reply, page)  # a Saturday
    assert response.status_code == 302
    html = client.get(page).get_data(as_text=True)
    assert "16/03/2024 là ngày nghỉ" in html and "18/03/2024" in html
    request = db.session.scalar(select(ExplanationRequest))
    assert request.proposed_deadline == date(2024, 3, 18)
    assert request.reason == "Chờ số liệu."

    # The chairperson accepts: the task's deadline moves, and the history says so.
    _login(auth, ward["chair"])
    response = _post(
        client,
        f"{page}/explanation/decide",
        {"decision": "accept", "note": "Đồng ý lần cuối."},
        page,
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert task.deadline == date(2024, 3, 18)
    request = db.session.get(ExplanationRequest, request.id)
    assert request.decision is Decision.ACCEPTED and request.new_deadline == date(2024, 3, 18)
    assert request.open_task_id is None and request.decided_by_id == ward["chair"].id
    changes = [c for entry in task_history(db.session, task) for c in entry.changes]
    assert ("deadline", "2024-03-01", "2024-03-18") in changes
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(
                Notification.officer_id == ward["lead"].id,
                Notification.kind == "explanation_decided",
            )
        )
        == 1
    )
    html = client.get(page).get_data(as_text=True)
    assert "Đồng ý lần cuối." in html and "Chờ số liệu." in html
    # No longer overdue: no explanation can be requested now; a prompt still can.
    assert "Gửi yêu cầu giải trình" not in html and "Gửi đôn đốc" in html

    # The month's list for the review meeting.
    listing = client.get(f"/units/{ward['unit'].code}/followups?month=2024-03")
    assert listing.status_code == 200
    html = listing.get_data(as_text=True)
    assert "Nguyễn Chủ Trì" in html and "Chờ số liệu." in html and "Nhắc lần hai." in html
    row = html.split('data-testid="by-officer"')[1].split("Nguyễn Chủ Trì")[1].split("</tr>")[0]
    assert [cell.split(">")[-1] for cell in row.split("</td>")[1:-1]] == ["2", "1", "1", "1", "0"]
    empty = client.get(f"/units/{ward['unit'].code}/followups?month=2024-02").get_data(as_text=True)
    assert "Không có đôn đốc hay yêu cầu giải trình trong tháng." in empty


def test_refusals(client, auth, ward, mail_to, frozen):
    done = gen_task(
        ward["plan"], ward["lead"], deadline=date(2024, 3, 1), completed_on=date(2024, 3, 1)
    )
    waiting = gen_task(ward["plan"], ward["lead"], deadline=date(2024, 3, 1))
    waiting.state = TaskState.PENDING_CONFIRMATION
    on_time = gen_task(ward["plan"], ward["lead"], deadline=date(2024, 3, 20))
    officer = gen_officer(ward["unit"], full_name="Cán Bộ Thường")
    db.session.commit()
    _login(auth, ward["chair"])
    for task in (done, waiting):
        page = f"/tasks/{task.id}"
        response = _post(client, f"{page}/prompt", {"message": "Nhắc"}, page)
        assert response.status_code == 200
        assert "Chỉ đôn đốc được nhiệm vụ đang thực hiện." in response.get_data(as_text=True)
    page = f"/tasks/{on_time.id}"
    response = _post(client, f"{page}/explanation", {"message": "?"}, page)
    assert response.status_code == 200
    assert "Chỉ yêu cầu giải trình được nhiệm vụ quá hạn" in response.get_data(as_text=True)
    empty = _post(client, f"{page}/prompt", {"message": "  "}, page)
    assert empty.status_code == 200 and "Nhập nội dung." in empty.get_data(as_text=True)
    # Deciding with nothing to decide.
    nothing = _post(client, f"{page}/explanation/decide", {"decision": "accept"}, page)
    assert nothing.status_code == 200
    assert "không có yêu cầu giải trình đang chờ" in nothing.get_data(as_text=True)
    assert mail_to.messages == []
    assert db.session.scalar(select(func.count()).select_from(TaskPrompt)) == 0
    # A plain officer may neither prompt nor request an explanation, nor decide.
    _login(auth, officer)
    assert "Gửi đôn đốc" not in client.get(page).get_data(as_text=True)
    for path in ("prompt", "explanation", "explanation/decide"):
        response = _post(client, f"{page}/{path}", {"message": "x", "decision": "accept"}, page)
        assert response.status_code == 403
    assert client.get(f"/units/{ward['unit'].code}/followups").status_code == 403


def test_refused_proposal_keeps_the_deadline(client, auth, ward, mail_to, frozen):
    task = _overdue_task(ward)
    db.session.commit()
    page = f"/tasks/{task.id}"
    _login(auth, ward["chair"])
    _post(client, f"{page}/explanation", {"message": ""}, page)
    # Deciding before the lead answered is refused.
    early = _post(client, f"{page}/explanation/decide", {"decision": "refuse"}, page)
    assert "chưa trả lời" in early.get_data(as_text=True)
    _login(auth, ward["lead"])
    reply = {"reason": "Thiếu người.", "proposed_deadline": "2024-03-29"}
    assert _post(client, f"{page}/explanation/answer", reply, page).status_code == 302
    again = _post(client, f"{page}/explanation/answer", reply, page)
    # Answered already: by whom and when (10:00 local, the frozen clock), and what is refused.
    lead = ward["lead"].full_name
    assert f"đã được {lead} trả lời lúc 10:00 ngày 13/03/2024; không thể trả lời lại" in (
        again.get_data(as_text=True)
    )
    _login(auth, ward["chair"])
    _post(client, f"{page}/explanation/decide", {"decision": "refuse", "note": "Không."}, page)
    db.session.expire_all()
    assert task.deadline == date(2024, 3, 1)
    request = db.session.scalar(select(ExplanationRequest))
    assert request.decision is Decision.REFUSED and request.new_deadline is None
    # Decided: a new request may be made.
    assert _post(client, f"{page}/explanation", {"message": "Lần 2"}, page).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(ExplanationRequest)) == 2


def test_mail_server_down_keeps_the_prompt_queued_then_sends_it(
    app, client, auth, ward, mail_to, frozen
):
    from tracker.reminders.jobs import deliver

    task = _overdue_task(ward)
    ward["helper"].email_reminders = False  # in the app only
    db.session.commit()
    page = f"/tasks/{task.id}"
    _login(auth, ward["chair"])
    mail_to.stop()
    response = _post(client, f"{page}/prompt", {"message": "Khẩn."}, page)
    assert response.status_code == 302
    assert "thư sẽ được gửi lại tự động" in client.get(page).get_data(as_text=True)
    email = db.session.scalar(select(ReminderEmail).where(ReminderEmail.batch.like("prompt:%")))
    assert email.state is EmailState.PENDING and email.attempts == 1
    mail_to.start()
    with app.test_request_context():
        report = deliver(today=date(2024, 3, 13), now=email.next_attempt_at)
    assert report.sent == [email.id]
    assert len(mail_to.to(ward["lead"].email)) == 1
    assert mail_to.to(ward["helper"].email) == []
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.officer_id == ward["helper"].id)
        )
        == 1
    )


def test_vice_chairperson_prompts_in_fields_they_oversee(client, auth, ward, frozen):
    from tests.factories import gen_group

    vice = gen_officer(ward["unit"], Role.VICE_CHAIRPERSON)
    group = gen_group(ward["plan"])
    theirs = gen_task(ward["plan"], ward["lead"], group=group, deadline=date(2024, 3, 1))
    other = gen_task(ward["plan"], ward["lead"], deadline=date(2024, 3, 1))
    group.overseer_id = vice.id
    db.session.commit()
    _login(auth, vice)
    page = f"/tasks/{theirs.id}"
    assert _post(client, f"{page}/prompt", {"message": "Nhắc"}, page).status_code == 302
    page = f"/tasks/{other.id}"
    assert _post(client, f"{page}/prompt", {"message": "Nhắc"}, page).status_code == 403


def test_the_operations_ask_the_same_rule(app, ward, frozen):
    """Called without a view (a script, a job), prompting and asking for an explanation are
    refused to whom the pages refuse them."""
    task = _overdue_task(ward)
    db.session.flush()
    for operation in (send_prompt, request_explanation):
        with pytest.raises(Refusal):
            operation(db.session, task, ward["other"], "Nhắc", today=date(2024, 3, 13))
    sent = request_explanation(db.session, task, ward["chair"], "", today=date(2024, 3, 13))
    assert sent.row.deadline == date(2024, 3, 1)
