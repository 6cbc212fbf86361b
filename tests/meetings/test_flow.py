"""A meeting through its pages: opened prefilled, attendance, an item, decisions that become a
task or a new deadline (through the task operations), grades with the proposal, closing
freezes the figures, the minutes open in python-docx with their parts; and who may do what."""

from __future__ import annotations

import io
from datetime import date

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import select

from tests.conftest import csrf_token, token_in
from tests.factories import gen_officer, gen_plan, gen_task, gen_unit
from tracker.core.audit import AuditEvent
from tracker.extensions import db
from tracker.meetings.agenda import live_agenda
from tracker.meetings.models import AgendaItem, Meeting, MeetingStatus, OfficerEvaluation
from tracker.meetings.operations import DEFAULT_GRADES
from tracker.people.models import Role, UnitKind
from tracker.tasks.models import Task


@pytest.fixture
def ward(app):
    city = gen_unit(code="tp", name="Thành phố Nha Trang", kind=UnitKind.CITY)
    unit = gen_unit(code="vh", name="Phường Vĩnh Hòa", parent=city)
    chair = gen_officer(unit, Role.CHAIRPERSON, full_name="Lê Minh Tuấn", position="Chủ tịch")
    focal = gen_officer(unit, Role.FOCAL_OFFICER, full_name="Kiều Thị Mỹ Duyên")
    lead = gen_officer(unit, Role.OFFICER, full_name="Võ Thị Kim Ngân")
    other = gen_officer(unit, Role.OFFICER, full_name="Đỗ Văn Lộc")
    plan = gen_plan(unit, title="Kế hoạch CCHC năm 2024")
    done = gen_task(
        plan,
        lead,
        deadline=date(2024, 3, 5),
        completed_on=date(2024, 3, 4),
        title="Ban hành kế hoạch tuyên truyền",
        confirmer=chair,
    )
    overdue = gen_task(
        plan,
        lead,
        deadline=date(2024, 2, 20),
        title="Rà soát thủ tục hành chính",
        deliverable="Báo cáo rà soát",
        confirmer=chair,
    )
    db.session.commit()
    return {
        "unit": unit,
        "chair": chair,
        "focal": focal,
        "lead": lead,
        "other": other,
        "plan": plan,
        "done": done,
        "overdue": overdue,
    }


def _post(client, url, data, page):
    return client.post(url, data={"csrf_token": csrf_token(client, page), **data})


def _open(client, ward, **fields):
    page = "/units/vh/meetings"
    data = {
        "year": "2024",
        "month": "3",
        "held_on": "15/03/2024",
        "starts_at": "08:00",
        "place": "Hội trường UBND phường",
        "number": "15/BB-UBND",
        "chair_id": str(ward["chair"].id),
        "secretary_id": str(ward["focal"].id),
    }
    return _post(client, page, data | fields, page)


def _meeting() -> Meeting:
    db.session.expire_all()
    return db.session.scalar(select(Meeting).order_by(Meeting.id.desc()).limit(1))


def test_meeting_from_opening_to_minutes(client, auth, ward):
    auth.login(ward["focal"])
    form = client.get("/units/vh/meetings").get_data(as_text=True)
    assert "Mở cuộc họp" in form
    chair = f'<option selected value="{ward["chair"].id}">'
    assert chair in form  # the unit's chairperson chairs the first meeting by default
    response = _open(client, ward)
    assert response.status_code == 302
    meeting = _meeting()
    url = f"/meetings/{meeting.id}"
    assert len(meeting.attendance) == 4 and all(a.present for a in meeting.attendance)

    # Absent needs a reason; the page keeps what was typed.
    absent = {f"present-{o.id}": "1" for o in (ward["chair"], ward["focal"], ward["lead"])}
    refused = _post(client, f"{url}/attendance", absent, url)
    assert refused.status_code == 200
    assert "Ghi lý do vắng của Đỗ Văn Lộc" in refused.get_data(as_text=True)
    absent[f"reason-{ward['other'].id}"] = "Đi học lớp bồi dưỡng"
    assert _post(client, f"{url}/attendance", absent, url).status_code == 302
    assert (
        _post(client, f"{url}/items", {"text": "Chuẩn bị kiểm tra nội bộ"}, url).status_code == 302
    )

    # The focal officer prepares; only leaders evaluate and decide.
    grade = _post(client, f"{url}/evaluations", {"officer_id": str(ward["lead"].id)}, url)
    assert grade.status_code == 403

    auth.logout()
    auth.login(ward["chair"])
    page = client.get(url).get_data(as_text=True)
    assert "Rà soát thủ tục hành chính" in page and "Ban hành kế hoạch tuyên truyền" in page
    meeting = _meeting()
    grades = {g.name: g for g in _grades(meeting.unit_id)}
    assert list(grades) == list(DEFAULT_GRADES)
    # One done on time, one overdue carried over: half done, "hoàn thành nhiệm vụ" proposed.
    proposed = grades["Hoàn thành nhiệm vụ"]
    assert "Đề xuất xếp loại" in page
    changed = {
        "officer_id": str(ward["lead"].id),
        "grade_id": str(grades["Hoàn thành tốt nhiệm vụ"].id),
        "comment": "Tích cực",
    }
    refused = _post(client, f"{url}/evaluations", changed, url)
    assert refused.status_code == 200
    assert "ghi lý do" in refused.get_data(as_text=True)
    changed["reason"] = "Việc quá hạn do chờ hướng dẫn của cấp trên"
    assert _post(client, f"{url}/evaluations", changed, url).status_code == 302
    # Nothing due for the absent officer: no proposal, so no grade without its reason; he is
    # "không đánh giá" this month, with why.
    ungraded = {"officer_id": str(ward["other"].id), "grade_id": str(proposed.id)}
    refused = _post(client, f"{url}/evaluations", ungraded, url)
    assert refused.status_code == 200 and "Không có đề xuất" in refused.get_data(as_text=True)
    skipped = {"officer_id": str(ward["other"].id), "grade_id": "none", "reason": "Đi học"}
    assert _post(client, f"{url}/evaluations", skipped, url).status_code == 302
    evaluation = db.session.scalar(
        select(OfficerEvaluation).where(OfficerEvaluation.officer_id == ward["lead"].id)
    )
    assert evaluation.proposed_grade_id == proposed.id
    assert evaluation.grade.name == "Hoàn thành tốt nhiệm vụ" and evaluation.reason

    # A decision on the overdue task: a new deadline, through the task operations.
    moved = {
        "task_id": str(ward["overdue"].id),
        "decision": "Gia hạn đến cuối tháng",
        "dealt_with": "y",
        "new_deadline": "29/03/2024",
    }
    assert _post(client, f"{url}/decisions", moved, url).status_code == 302
    assert db.session.get(Task, ward["overdue"].id).deadline == date(2024, 3, 29)
    assert db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.entity_type == "tasks",
            AuditEvent.entity_id == ward["overdue"].id,
            AuditEvent.action == "update",
        )
    )
    # A decision on the leader's item becomes a new task, refused without its clears.
    item = db.session.scalar(
        select(AgendaItem).where(AgendaItem.meeting_id == meeting.id, AgendaItem.kind == "leader")
    )
    new = {
        "item_id": str(item.id),
        "decision": "Giao Văn phòng xây dựng kế hoạch kiểm tra",
        "dealt_with": "y",
        "new_task": "y",
        "plan_id": str(ward["plan"].id),
        "title": "Xây dựng kế hoạch kiểm tra nội bộ",
        "lead_officer_id": str(ward["focal"].id),
        "deadline": "10/04/2024",
    }
    refused = _post(client, f"{url}/decisions", new, url)  # no deliverable
    assert refused.status_code == 200
    assert "Chưa rõ sản phẩm" in refused.get_data(as_text=True)
    assert db.session.scalar(select(Task).where(Task.title == new["title"])) is None
    new["deliverable"] = "Kế hoạch kiểm tra"
    assert _post(client, f"{url}/decisions", new, url).status_code == 302
    task = db.session.scalar(select(Task).where(Task.title == new["title"]))
    assert task.lead_officer_id == ward["focal"].id and task.deadline == date(2024, 4, 10)
    assert task.confirmer_id == ward["chair"].id
    assert db.session.get(AgendaItem, item.id).resulting_task_id == task.id
    # An item not dealt with.
    later = {"item_id": str(item.id), "decision": "Xem lại tháng sau"}
    assert _post(client, f"{url}/decisions", later, url).status_code == 302
    assert not db.session.get(AgendaItem, item.id).is_recommendation
    # Marked as a recommendation to the higher level (the quarterly report's section V).
    later["is_recommendation"] = "y"
    assert _post(client, f"{url}/decisions", later, url).status_code == 302
    assert db.session.get(AgendaItem, item.id).is_recommendation
    assert any(
        "is_recommendation" in (event.changes or {})
        for event in db.session.scalars(select(AuditEvent).where(
            AuditEvent.entity_type == "agenda_items", AuditEvent.entity_id == item.id))
    )
    assert "kiến nghị cấp trên" in client.get(url).get_data(as_text=True)

    # Closing freezes what the meeting saw, once everyone is graded or "không đánh giá".
    closing = {"conclusions": "Các bộ phận khẩn trương thực hiện."}
    refused = _post(client, f"{url}/close", closing, url)
    assert "Chưa đánh giá 2 cán bộ: Lê Minh Tuấn, Kiều Thị Mỹ Duyên" in refused.get_data(
        as_text=True
    )
    closing[f"skip-{ward['chair'].id}"] = "Chủ trì, do cấp trên đánh giá"
    closing[f"skip-{ward['focal'].id}"] = "Mới chuyển đến"
    assert _post(client, f"{url}/close", closing, url).status_code == 302
    meeting = _meeting()
    assert meeting.status is MeetingStatus.CLOSED and meeting.snapshot
    late = _post(client, f"{url}/items", {"text": "Muộn"}, url)
    assert "Cuộc họp đã kết thúc" in late.get_data(as_text=True)
    assert db.session.scalar(select(AgendaItem).where(AgendaItem.text == "Muộn")) is None
    frozen = client.get(url).get_data(as_text=True)
    assert "số liệu cuộc họp đã xem" in frozen and "live-figure" not in frozen

    # The minutes: national motto, unit, number and date, attendees, content, conclusions,
    # signatures.
    response = client.get(f"{url}/minutes.docx")
    assert response.status_code == 200
    document = Document(io.BytesIO(response.data))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in cells
    assert "Độc lập - Tự do - Hạnh phúc" in cells
    assert "ỦY BAN NHÂN DÂN\nPHƯỜNG VĨNH HÒA\n" in cells and "NHA TRANG" not in cells
    assert "Số: 15/BB-UBND" in cells
    assert "Vĩnh Hòa, ngày 15 tháng 3 năm 2024" in cells
    assert "BIÊN BẢN" in text
    assert "tháng 3 năm 2024" in text
    assert "Đỗ Văn Lộc (lý do: Đi học lớp bồi dưỡng)" in text
    assert "Võ Thị Kim Ngân" in text
    assert "Hoàn thành tốt nhiệm vụ" in text
    assert "Đồng chí Đỗ Văn Lộc: Không đánh giá: Đi học" in text
    assert "Đồng chí Kiều Thị Mỹ Duyên: Không đánh giá: Mới chuyển đến" in text
    assert "Xây dựng kế hoạch kiểm tra nội bộ" in text
    assert "Các bộ phận khẩn trương thực hiện." in text
    assert "THƯ KÝ" in cells and "CHỦ TRÌ" in cells and "Lê Minh Tuấn" in cells
    workbook = load_workbook(io.BytesIO(client.get(f"{url}/agenda.xlsx").data))
    values = [c for row in workbook.active.iter_rows(values_only=True) for c in row if c]
    assert "Rà soát thủ tục hành chính" in values

    # The next meeting: prefilled from this one; the undealt item carried over.
    page = client.get("/units/vh/meetings").get_data(as_text=True)
    assert 'value="15/04/2024"' in page and 'value="4"' in page
    assert _open(client, ward, month="4", held_on="15/04/2024").status_code == 302
    following = _meeting()
    assert following.previous_id == meeting.id
    assert [i.carried_from_id for i in following.items] == [item.id]


def test_frozen_figures_show_live_ones_beside(client, auth, ward):
    auth.login(ward["chair"])
    _open(client, ward)
    meeting = _meeting()
    url = f"/meetings/{meeting.id}"
    marks = {f"skip-{a.officer_id}": "Nghỉ phép" for a in meeting.attendance}
    assert _post(client, f"{url}/close", marks, url).status_code == 302
    # After the meeting, the overdue task is done: the meeting's figures stay.
    task = db.session.get(Task, ward["overdue"].id)
    task.completed_on = date(2024, 3, 14)
    db.session.commit()
    page = client.get(url).get_data(as_text=True)
    assert "Số liệu hiện nay đã khác" in page and "live-figure" in page
    snapshot = _meeting().snapshot
    section = next(s for s in snapshot["officers"] if s["officer_id"] == ward["lead"].id)
    assert section["counts"]["overdue"] == 1
    # The next meeting compares its plan rates with what this one saw, not a recomputation.
    _open(client, ward, month="4", held_on="15/04/2024")
    following = _meeting()
    plan = next(p for p in live_agenda(db.session, following)["plans"])
    seen = next(p for p in snapshot["plans"])
    assert (
        (plan["previous_done"], plan["previous_rate"])
        == (seen["done"], seen["rate"])
        == (
            1,
            "50.0",
        )
    )
    assert (plan["done"], plan["rate"]) == (2, "100.0")


def test_officers_see_only_their_own_evaluations(client, auth, ward):
    auth.login(ward["chair"])
    _open(client, ward)
    meeting = _meeting()
    url = f"/meetings/{meeting.id}"
    grades = _grades(meeting.unit_id)
    for officer, comment in (
        (ward["lead"], "Nhận xét cho Ngân"),
        (ward["other"], "Nhận xét cho Lộc"),
    ):
        data = {
            "officer_id": str(officer.id),
            "grade_id": str(grades[2].id),
            "comment": comment,
            "reason": "Theo ý kiến cuộc họp",
        }
        assert _post(client, f"{url}/evaluations", data, url).status_code == 302
    table = client.get("/units/vh/evaluations?year=2024").get_data(as_text=True)
    assert "Võ Thị Kim Ngân" in table and "Đỗ Văn Lộc" in table
    auth.logout()
    auth.login(ward["lead"])
    mine = client.get("/my-evaluations?year=2024").get_data(as_text=True)
    assert "Nhận xét cho Ngân" in mine and "Nhận xét cho Lộc" not in mine
    assert client.get("/units/vh/evaluations").status_code == 403
    assert client.get(url).status_code == 403
    assert client.get(f"{url}/minutes.docx").status_code == 403


def test_grade_list_can_change(client, auth, ward):
    auth.login(ward["chair"])
    assert DEFAULT_GRADES[0] in client.get("/units/vh/grades").get_data(as_text=True)
    names = "Xuất sắc\nTốt\nĐạt\n"
    assert (
        _post(client, "/units/vh/grades", {"names": names}, "/units/vh/grades").status_code == 302
    )
    assert [g.name for g in _grades(ward["unit"].id)] == ["Xuất sắc", "Tốt", "Đạt"]
    refused = _post(client, "/units/vh/grades", {"names": "Một"}, "/units/vh/grades")
    assert refused.status_code == 200
    auth.logout()
    auth.login(ward["focal"])
    assert client.get("/units/vh/grades").status_code == 403


def _grades(unit_id):
    from tracker.meetings.models import Grade

    db.session.expire_all()
    return list(
        db.session.scalars(select(Grade).where(Grade.unit_id == unit_id).order_by(Grade.rank))
    )


def test_copied_forms_are_the_forms_wtforms_renders(client, auth, ward):
    """The page renders each kind of form once and copies it (issue 10): every copy equals the
    form rendered on its own, with its officer's grade and texts, escaped, placeholders too."""
    import re

    from flask import render_template

    from tracker.meetings.forms import DecisionForm, EvaluationForm
    from tracker.meetings.operations import evaluation_state
    from tracker.meetings.queries import grade_list
    from tracker.tasks.forms import officer_choice

    auth.login(ward["focal"])
    _open(client, ward)
    url = f"/meetings/{_meeting().id}"
    _post(client, f"{url}/items", {"text": "Chuẩn bị kiểm tra nội bộ"}, url)
    auth.logout()
    auth.login(ward["chair"])
    grades = _grades(_meeting().unit_id)
    typed = {
        "officer_id": str(ward["lead"].id),
        "grade_id": str(grades[0].id),
        "comment": 'Tốt <b>"rất"</b> & zzreasonzz zzprefixzz',
        "reason": "Vượt <script>tiến độ</script>",
    }
    assert _post(client, f"{url}/evaluations", typed, url).status_code == 302
    page = client.get(url).get_data(as_text=True)
    meeting = _meeting()
    item_id = meeting.items[0].id

    def alone(template, form, **context):
        with client.application.test_request_context():
            html = render_template(template, form=form, meeting=meeting, **context)
        return re.sub(r'(name="csrf_token" type="hidden" value=")[^"]*', r"\1", html)

    page = re.sub(r'(name="csrf_token" type="hidden" value=")[^"]*', r"\1", page)
    choices = [
        ("", "— Chọn mức đánh giá —"),
        *((str(g.id), g.name) for g in grade_list(db.session, meeting.unit_id)),
        ("none", "Không đánh giá"),
    ]
    with client.application.test_request_context():
        graded = EvaluationForm(formdata=None, prefix=f"e{ward['lead'].id}", **typed)
        decision = DecisionForm(formdata=None, prefix=f"i{item_id}", item_id=item_id, task_id="")
    graded.grade_id.data = grades[0].id
    graded.grade_id.choices = choices
    seen = evaluation_state(meeting.evaluations[0])
    assert alone("meetings/_evaluation.html", graded, seen=seen, autofocus=False).strip() in page
    assert 'Tốt &lt;b&gt;&#34;rất&#34;&lt;/b&gt; &amp; zzreasonzz zzprefixzz' in page
    plan = ward["plan"]
    decision.plan_id.choices = [("", "— Chọn kế hoạch —"), (str(plan.id), plan.title)]
    decision.lead_officer_id.choices = [("", "— Chọn cán bộ —")] + [
        officer_choice(a.officer) for a in meeting.attendance
    ]
    rendered = alone("meetings/_decision.html", decision, task_id=None, may_assign=True)
    assert rendered.strip() in page
    assert "zzprefixzz-" not in page and "zzitemzz" not in page


def test_kept_blank_forms_follow_their_choices_and_token(client, auth, ward):
    """The blank decision form is kept across requests (issue 10): a plan renamed since shows
    its new title, and each page's copies carry that page's CSRF token, never a kept one."""
    import re

    auth.login(ward["focal"])
    _open(client, ward)
    url = f"/meetings/{_meeting().id}"
    auth.logout()
    auth.login(ward["chair"])
    first = client.get(url).get_data(as_text=True)
    assert "Kế hoạch CCHC năm 2024</option>" in first
    ward["plan"].title = "Kế hoạch CCHC năm 2024 (sửa đổi)"
    db.session.commit()
    with client.session_transaction() as session:
        session.pop("csrf_token", None)  # a new session token: the kept blank must not hold one
    page = client.get(url).get_data(as_text=True)
    assert "Kế hoạch CCHC năm 2024 (sửa đổi)</option>" in page
    def tokens(html: str) -> tuple[str, set[str]]:
        # The page's first token (the edit form's, rendered anew) and the decision forms'.
        decision = r'data-testid="decision-form">\s*<input[^>]*value="([^"]+)"'
        first_token = token_in(html)
        return first_token, set(re.findall(decision, html))

    before, kept_before = tokens(first)
    now, kept_now = tokens(page)
    assert kept_before == {before} and kept_now == {now} and now != before
    assert "zzcsrfzz" not in page


def test_edit_form_pickers_rendered_once_are_the_macros(client, auth, ward):
    """The chair's and the secretary's pickers share their officers' options, rendered once by
    the view (issue 10): each equals the field macro's own loop, its choice selected."""
    import re

    from flask import render_template_string

    from tracker.meetings.forms import MeetingForm
    from tracker.meetings.views import _officer_choices

    auth.login(ward["focal"])
    _open(client, ward)
    meeting = _meeting()
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    officers = [a.officer for a in meeting.attendance if a.officer.active]
    with client.application.test_request_context():
        form = MeetingForm(
            formdata=None, chair_id=meeting.chair_id, secretary_id=meeting.secretary_id
        )
        _officer_choices(form, officers)
        alone = render_template_string(
            '{% from "_macros.html" import field %}'
            "{{ field(f.chair_id) }}{{ field(f.secretary_id) }}",
            f=form,
        )
    selects = re.findall(r"<select.*?</select>", alone, re.S)
    assert len(selects) == 2 and all(select in page for select in selects)
    assert f'<option selected value="{ward["chair"].id}">' in selects[0]
    assert f'<option selected value="{ward["focal"].id}">' in selects[1]
