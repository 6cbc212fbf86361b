"""Grades at the monthly meeting (issue 11): no grade chosen for the chair, a reason for a grade
above the proposal or with no proposal at all, "không đánh giá" with its reason, and a meeting
that closes only once every officer is graded or not evaluated, never with a blank grade in its
minutes. The operations first, then the pages."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from docx import Document
from sqlalchemy import select

from tests.conftest import csrf_token
from tests.factories import gen_officer, gen_plan, gen_task, gen_unit
from tracker.core.audit import AuditEvent
from tracker.core.refusals import Refusal
from tracker.extensions import db
from tracker.meetings.agenda import meeting_agenda
from tracker.meetings.exporting import minutes_docx
from tracker.meetings.models import Meeting, MeetingStatus, OfficerEvaluation
from tracker.meetings.operations import (
    MeetingInput,
    close_meeting,
    evaluate,
    open_meeting,
    unit_grades,
)
from tracker.meetings.queries import meeting_whole
from tracker.people.models import Role


@pytest.fixture
def ward(app):
    return march_meeting()


def march_meeting() -> dict:
    """A ward's March 2024 meeting: one officer whose month proposes "hoàn thành nhiệm vụ"
    (one task done, one overdue), one with nothing due (no proposal), the chair, the focal."""
    unit = gen_unit(code="vh", name="Phường Vĩnh Hòa")
    chair = gen_officer(unit, Role.CHAIRPERSON, full_name="Lê Minh Tuấn")
    focal = gen_officer(unit, Role.FOCAL_OFFICER, full_name="Kiều Thị Mỹ Duyên")
    busy = gen_officer(unit, Role.OFFICER, full_name="Võ Thị Kim Ngân")
    idle = gen_officer(unit, Role.OFFICER, full_name="Đỗ Văn Lộc")
    plan = gen_plan(unit)
    gen_task(plan, busy, deadline=date(2024, 3, 5), completed_on=date(2024, 3, 4), confirmer=chair)
    gen_task(plan, busy, deadline=date(2024, 2, 20), confirmer=chair)
    data = MeetingInput(2024, 3, date(2024, 3, 15), None, "Hội trường", "", chair.id, focal.id)
    meeting = open_meeting(db.session, unit, data, focal)
    db.session.commit()
    grades = {g.name: g for g in unit_grades(db.session, unit.id)}
    return {
        "unit": unit,
        "chair": chair,
        "focal": focal,
        "busy": busy,
        "idle": idle,
        "meeting": meeting,
        "grades": grades,
        "best": grades["Hoàn thành xuất sắc nhiệm vụ"],
        "good": grades["Hoàn thành tốt nhiệm vụ"],
        "proposed": grades["Hoàn thành nhiệm vụ"],
        "worst": grades["Không hoàn thành nhiệm vụ"],
    }


def _evaluation(officer) -> OfficerEvaluation | None:
    return db.session.scalar(
        select(OfficerEvaluation).where(OfficerEvaluation.officer_id == officer.id)
    )


# ---------------------------------------------------------------------------- operations


def test_a_grade_with_no_proposal_needs_its_reason(ward):
    m, chair, idle = ward["meeting"], ward["chair"], ward["idle"]
    with pytest.raises(Refusal) as refused:
        evaluate(db.session, m, chair, idle.id, ward["best"].id)
    assert "Không có đề xuất" in refused.value.errors["reason"]
    assert _evaluation(idle) is None
    evaluate(db.session, m, chair, idle.id, ward["best"].id, reason="Hỗ trợ tốt bộ phận một cửa")
    saved = _evaluation(idle)
    assert saved.grade_id == ward["best"].id and saved.proposed_grade_id is None
    assert saved.reason == "Hỗ trợ tốt bộ phận một cửa"


def test_a_grade_above_the_proposal_needs_its_reason_the_proposal_none(ward):
    m, chair, busy = ward["meeting"], ward["chair"], ward["busy"]
    with pytest.raises(Refusal) as refused:
        evaluate(db.session, m, chair, busy.id, ward["good"].id, reason="   ")
    assert refused.value.errors == {
        "reason": "Mức xếp loại cao hơn đề xuất (Hoàn thành nhiệm vụ): ghi lý do."
    }
    with pytest.raises(Refusal) as refused:  # below it: a reason too
        evaluate(db.session, m, chair, busy.id, ward["worst"].id)
    assert "khác đề xuất" in refused.value.errors["reason"]
    # The proposal followed: no reason needed, none kept.
    evaluate(db.session, m, chair, busy.id, ward["proposed"].id, reason="Không cần")
    assert _evaluation(busy).reason == ""


def test_not_evaluated_needs_its_reason_and_is_audited(ward):
    m, chair, idle = ward["meeting"], ward["chair"], ward["idle"]
    with pytest.raises(Refusal) as refused:
        evaluate(db.session, m, chair, idle.id, None, not_evaluated=True)
    assert "Không đánh giá: ghi lý do" in refused.value.errors["reason"]
    with pytest.raises(Refusal) as refused:  # neither a grade nor "không đánh giá"
        evaluate(db.session, m, chair, idle.id, None, reason="x")
    assert "grade_id" in refused.value.errors
    evaluate(db.session, m, chair, idle.id, ward["best"].id, reason="Đi học", not_evaluated=True)
    db.session.commit()
    saved = _evaluation(idle)
    assert saved.grade_id is None and not saved.evaluated and saved.reason == "Đi học"
    audit = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.entity_type == "officer_evaluations", AuditEvent.entity_id == saved.id
        )
    )
    assert audit.action == "create" and audit.changes["reason"][1] == "Đi học"


def test_the_database_refuses_an_evaluation_with_neither_grade_nor_reason(ward):
    from sqlalchemy.exc import IntegrityError

    m = ward["meeting"]
    db.session.add(OfficerEvaluation(meeting=m, unit_id=m.unit_id, officer_id=ward["idle"].id))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_closing_names_the_ungraded_and_saves_nothing_until_each_is_settled(ward):
    m, chair = ward["meeting"], ward["chair"]
    evaluate(db.session, m, chair, ward["busy"].id, ward["proposed"].id)
    # A reason for one of the three others only: refused, naming the two left.
    with pytest.raises(Refusal) as refused:
        close_meeting(db.session, m, chair, "Kết luận", not_evaluated={ward["idle"].id: "Ốm"})
    message = refused.value.errors["not_evaluated"]
    assert "Chưa đánh giá 2 cán bộ: Lê Minh Tuấn, Kiều Thị Mỹ Duyên" in message
    assert "Đỗ Văn Lộc" not in message
    assert m.status is MeetingStatus.OPEN and m.snapshot is None and m.conclusions == ""
    assert _evaluation(ward["idle"]) is None  # nothing half-saved
    blank = {ward["chair"].id: "Chủ trì", ward["focal"].id: " \t", ward["idle"].id: "Ốm"}
    with pytest.raises(Refusal):  # a blank reason is no reason
        close_meeting(db.session, m, chair, not_evaluated=blank)

    marks = {
        ward["chair"].id: "Chủ trì",
        ward["focal"].id: "Mới  chuyển đến",
        ward["idle"].id: "Ốm",
    }
    close_meeting(db.session, m, chair, "Kết luận", not_evaluated=marks)
    db.session.commit()
    assert m.status is MeetingStatus.CLOSED
    skipped = {e.officer_id: e for e in m.evaluations if not e.evaluated}
    assert {o: e.reason for o, e in skipped.items()} == {
        ward["chair"].id: "Chủ trì",
        ward["focal"].id: "Mới chuyển đến",
        ward["idle"].id: "Ốm",
    }
    assert all(e.evaluated_by_id == chair.id for e in skipped.values())
    assert _evaluation(ward["busy"]).grade_id == ward["proposed"].id  # kept as graded


def test_minutes_never_show_a_blank_grade(ward):
    m, chair = ward["meeting"], ward["chair"]
    evaluate(db.session, m, chair, ward["busy"].id, ward["proposed"].id)
    evaluate(db.session, m, chair, ward["idle"].id, None, reason="Nghỉ phép", not_evaluated=True)
    db.session.commit()

    def grade_column():
        meeting = meeting_whole(db.session, m.id)
        document = Document(io.BytesIO(minutes_docx(meeting, meeting_agenda(db.session, meeting))))
        table = next(t for t in document.tables if t.rows[0].cells[-1].text == "Xếp loại")
        text = "\n".join(p.text for p in document.paragraphs)
        return {r.cells[1].text: r.cells[-1].text for r in table.rows[1:]}, text

    # The draft of an open meeting says who is still to be graded.
    column, _ = grade_column()
    assert column == {
        "Đỗ Văn Lộc": "Không đánh giá: Nghỉ phép",
        "Kiều Thị Mỹ Duyên": "Chưa đánh giá",
        "Lê Minh Tuấn": "Chưa đánh giá",
        "Võ Thị Kim Ngân": "Hoàn thành nhiệm vụ",
    }
    close_meeting(
        db.session,
        m,
        chair,
        not_evaluated={ward["chair"].id: "Chủ trì", ward["focal"].id: "Mới chuyển đến"},
    )
    db.session.commit()
    db.session.expire_all()
    column, text = grade_column()
    assert all(column.values()) and "Chưa đánh giá" not in column.values()
    assert column["Kiều Thị Mỹ Duyên"] == "Không đánh giá: Mới chuyển đến"
    assert "Đồng chí Đỗ Văn Lộc: Không đánh giá: Nghỉ phép." in text


# ---------------------------------------------------------------------------- pages


def _post(client, url, data, page):
    return client.post(url, data={"csrf_token": csrf_token(client, page), **data})


def _form_of(page: str, officer_id: int) -> str:
    """The line of one officer in the meeting page's grading form."""
    start = page.index(f'name="e{officer_id}-officer_id"')
    start = page.rindex("<fieldset", 0, start)
    return page[start : page.index("</fieldset>", start)]


def _selected(form: str) -> list[str]:
    return re.findall(r'<option selected value="([^"]*)">([^<]*)<', form)


def test_no_grade_is_chosen_without_a_proposal(client, auth, ward):
    auth.login(ward["chair"])
    url = f"/meetings/{ward['meeting'].id}"
    page = client.get(url).get_data(as_text=True)
    assert _selected(_form_of(page, ward["idle"].id)) == [("", "— Chọn mức đánh giá —")]
    assert _selected(_form_of(page, ward["chair"].id)) == [("", "— Chọn mức đánh giá —")]
    proposal = ward["proposed"]
    assert _selected(_form_of(page, ward["busy"].id)) == [(str(proposal.id), proposal.name)]
    assert '<option value="none">Không đánh giá</option>' in _form_of(page, ward["idle"].id)
    # Posting the form as it comes (nothing chosen) saves nothing.
    prefix = f"e{ward['idle'].id}-"
    data = {prefix + "officer_id": str(ward["idle"].id), prefix + "grade_id": ""}
    refused = _post(client, f"{url}/evaluations", data, url)
    assert refused.status_code == 200
    assert "Chọn mức đánh giá, hoặc “Không đánh giá”." in refused.get_data(as_text=True)
    assert _evaluation(ward["idle"]) is None
    # Marked "không đánh giá": the page says so, and the form shows it chosen.
    data = {
        prefix + "officer_id": str(ward["idle"].id),
        prefix + "grade_id": "none",
        prefix + "reason": "Nghỉ phép",
    }
    assert _post(client, f"{url}/evaluations", data, url).status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert _selected(_form_of(page, ward["idle"].id)) == [("none", "Không đánh giá")]
    assert "Không đánh giá</strong>: Nghỉ phép" in page


def test_a_grade_refused_for_its_missing_reason_keeps_the_form(client, auth, ward):
    auth.login(ward["chair"])
    url = f"/meetings/{ward['meeting'].id}"
    prefix = f"e{ward['idle'].id}-"
    typed = {
        prefix + "officer_id": str(ward["idle"].id),
        prefix + "grade_id": str(ward["best"].id),
        prefix + "comment": "Nhiệt tình, chu đáo",
    }
    response = _post(client, f"{url}/evaluations", typed, url)
    assert response.status_code == 200
    form = _form_of(response.get_data(as_text=True), ward["idle"].id)
    # The message sits under the reason field of this officer's form, the form as typed.
    assert re.search(
        r'name="' + prefix + r'reason"[^>]*>\s*</textarea>\s*<div class="invalid-feedback d-block">'
        r"Không có đề xuất \(không có nhiệm vụ đến hạn trong tháng\): ghi lý do xếp loại\.",
        form,
    )
    assert "Nhiệt tình, chu đáo" in form
    assert _selected(form) == [(str(ward["best"].id), ward["best"].name)]
    assert _evaluation(ward["idle"]) is None


def test_closing_page_lists_the_ungraded_and_keeps_the_typed_reasons(client, auth, ward):
    auth.login(ward["chair"])
    url = f"/meetings/{ward['meeting'].id}"
    _post(
        client,
        f"{url}/evaluations",
        {"officer_id": str(ward["busy"].id), "grade_id": str(ward["proposed"].id)},
        url,
    )
    page = client.get(url).get_data(as_text=True)
    listed = page[page.index('data-testid="unevaluated"') :]
    for name in ("Lê Minh Tuấn", "Kiều Thị Mỹ Duyên", "Đỗ Văn Lộc"):
        assert name in listed
    assert "Võ Thị Kim Ngân" not in listed
    typed = {
        "conclusions": "Khẩn trương hoàn thành",
        f"skip-{ward['idle'].id}": "Đi học lớp bồi dưỡng",
        f"skip-{ward['focal'].id}": "",
    }
    refused = _post(client, f"{url}/close", typed, url)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 200
    assert "Chưa đánh giá 2 cán bộ: Lê Minh Tuấn, Kiều Thị Mỹ Duyên" in html
    assert 'value="Đi học lớp bồi dưỡng"' in html and "Khẩn trương hoàn thành" in html
    # The refusal beside the list too (the page opens there, #close), the two rows marked.
    box = html[html.index('data-testid="close-refusal"') :]
    assert "Chưa đánh giá 2 cán bộ: Lê Minh Tuấn, Kiều Thị Mỹ Duyên" in box[: box.index("</div>")]
    assert html.count('aria-invalid="true"') == 2
    db.session.expire_all()
    meeting = db.session.get(Meeting, ward["meeting"].id)
    assert meeting.status is MeetingStatus.OPEN and _evaluation(ward["idle"]) is None

    typed[f"skip-{ward['focal'].id}"] = "Mới chuyển đến"
    typed[f"skip-{ward['chair'].id}"] = "Chủ trì cuộc họp"
    typed[f"skip-{ward['busy'].id}"] = "Bỏ qua"  # already graded: the grade stays
    assert _post(client, f"{url}/close", typed, url).status_code == 302
    db.session.expire_all()
    assert db.session.get(Meeting, ward["meeting"].id).status is MeetingStatus.CLOSED
    assert _evaluation(ward["busy"]).grade_id == ward["proposed"].id
    assert _evaluation(ward["idle"]).reason == "Đi học lớp bồi dưỡng"
    closed = client.get(url).get_data(as_text=True)
    assert 'data-testid="unevaluated"' not in closed
    assert closed.count("Không đánh giá</strong>:") == 3


def test_malformed_grade_and_closing_posts_never_fail(client, auth, ward):
    """The pattern of tests/test_malformed_requests.py on a real open meeting."""
    auth.login(ward["chair"])
    url = f"/meetings/{ward['meeting'].id}"
    token = csrf_token(client, url)
    idle = str(ward["idle"].id)
    posts = [
        ("evaluations", {"officer_id": idle, "grade_id": "None"}),
        ("evaluations", {"officer_id": idle, "grade_id": "nonE"}),
        ("evaluations", {"officer_id": idle, "grade_id": "١٢"}),
        ("evaluations", {"officer_id": idle, "grade_id": "99999999999999999999"}),
        ("evaluations", {"officer_id": idle, "grade_id": ["none", "1"], "reason": ""}),
        ("evaluations", {"officer_id": idle, "grade_id": "none", "reason": "🙂" * 5000}),
        ("evaluations", {"officer_id": "abc", "grade_id": "none", "reason": "x"}),
        ("evaluations", {"officer_id": "-1", "grade_id": "none", "reason": "x"}),
        ("close", {f"skip-{idle}": "x" * 100000}),
        ("close", {"skip-abc": "x", "skip-": "y", "skip-99999999999999999999": "z"}),
        ("close", {f"skip-{idle}": ["a", "b"], "conclusions": "\x00"}),
    ]
    for path, data in posts:
        response = client.post(f"{url}/{path}", data={"csrf_token": token, **data})
        assert response.status_code in (200, 302, 400), (path, data, response.status_code)
    db.session.expire_all()
    assert db.session.get(Meeting, ward["meeting"].id).status is MeetingStatus.OPEN
    assert db.session.scalars(select(OfficerEvaluation)).all() == []
