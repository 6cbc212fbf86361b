"""What a meeting refuses, what it audits, and its PDF minutes (when LibreOffice is there)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.conftest import csrf_token
from tests.factories import gen_officer, gen_plan, gen_task, gen_unit
from tracker.core.audit import AuditEvent
from tracker.core.office import libreoffice
from tracker.core.refusals import Refusal
from tracker.extensions import db
from tracker.meetings.models import AgendaItem, OfficerEvaluation
from tracker.meetings.operations import (
    AlreadyOpen,
    DecisionInput,
    MeetingInput,
    NewTask,
    add_item,
    open_meeting,
    record_decision,
    set_grades,
    unit_grades,
)
from tracker.people.models import Role
from tracker.tasks.models import CadenceUnit, Task


@pytest.fixture
def meeting(app):
    unit = gen_unit(code="vh", name="Phường Vĩnh Hòa")
    chair = gen_officer(unit, Role.CHAIRPERSON, full_name="Lê Minh Tuấn")
    lead = gen_officer(unit, Role.OFFICER)
    data = MeetingInput(2024, 3, date(2024, 3, 15), None, "Hội trường", "", chair.id, None)
    meeting = open_meeting(db.session, unit, data, chair)
    db.session.commit()
    return {"meeting": meeting, "unit": unit, "chair": chair, "lead": lead}


def test_one_meeting_a_month_and_a_chair_of_the_unit(meeting):
    unit, chair = meeting["unit"], meeting["chair"]
    again = MeetingInput(2024, 3, date(2024, 3, 20), None, "", "", chair.id, None)
    with pytest.raises(AlreadyOpen) as refused:
        open_meeting(db.session, unit, again, chair)
    assert refused.value.meeting_id == meeting["meeting"].id  # the page sends one there
    assert f"đã được {chair.full_name} mở lúc" in refused.value.message
    stranger = gen_officer(gen_unit(), Role.CHAIRPERSON)
    other = MeetingInput(2024, 4, date(2024, 4, 15), None, "", "", stranger.id, None)
    with pytest.raises(Refusal) as refused:
        open_meeting(db.session, unit, other, chair)
    assert "chair_id" in refused.value.errors


def test_decisions_refuse_what_is_not_the_units(meeting):
    m, chair = meeting["meeting"], meeting["chair"]
    elsewhere = gen_task(gen_plan(gen_unit()), deadline=date(2024, 3, 1))
    with pytest.raises(Refusal):
        record_decision(db.session, m, chair, DecisionInput(task_id=elsewhere.id, decision="X"))
    plan = gen_plan(meeting["unit"])
    recurring = gen_task(
        plan, meeting["lead"], deadline=None, cadence_every=1, cadence_unit=CadenceUnit.MONTH
    )
    with pytest.raises(Refusal) as refused:
        record_decision(
            db.session,
            m,
            chair,
            DecisionInput(task_id=recurring.id, decision="Gia hạn", new_deadline=date(2024, 4, 5)),
        )
    assert "new_deadline" in refused.value.errors
    foreign_plan = gen_plan(gen_unit())
    new = NewTask(foreign_plan.id, "Việc mới", "Báo cáo", meeting["lead"].id, date(2024, 4, 5))
    with pytest.raises(Refusal) as refused:
        record_decision(
            db.session,
            m,
            chair,
            DecisionInput(task_id=None, item_id=None, decision="X", new_task=new),
        )
    db.session.rollback()
    assert db.session.scalar(select(Task).where(Task.title == "Việc mới")) is None


def test_a_grade_in_use_is_kept_and_the_list_audited(meeting):
    m, lead = meeting["meeting"], meeting["lead"]
    grades = unit_grades(db.session, m.unit_id)
    db.session.add(
        OfficerEvaluation(meeting=m, unit_id=m.unit_id, officer_id=lead.id, grade_id=grades[3].id)
    )
    db.session.commit()
    with pytest.raises(Refusal):
        set_grades(db.session, m.unit_id, ["A", "B", "C"])  # would drop the grade in use
    db.session.rollback()
    renamed = set_grades(db.session, m.unit_id, ["A", "B", "C", "D", "E"])
    assert [g.name for g in renamed] == ["A", "B", "C", "D", "E"]
    db.session.commit()
    evaluation = db.session.scalar(select(OfficerEvaluation))
    assert evaluation.grade.name == "D"  # renamed in place, never lost
    kinds = set(db.session.scalars(select(AuditEvent.entity_type)))
    assert {"meetings", "meeting_attendance", "meeting_grades"} <= kinds


def test_hostile_forms_on_a_real_meeting(client, auth, meeting):
    m = meeting["meeting"]
    url = f"/meetings/{m.id}"
    auth.login(meeting["chair"])
    token = csrf_token(client, url)
    posts = [
        ("decisions", {"item_id": "99999999999", "decision": "x"}),
        ("decisions", {"task_id": "١٢", "decision": "x"}),
        ("decisions", {"e1-decision": "x", "e1-item_id": "abc"}),
        ("decisions", {"task_id": "1", "decision": "🙂" * 5000}),
        ("evaluations", {"officer_id": "1", "grade_id": "abc"}),
        ("evaluations", {"e99999999999999999-officer_id": "1", "grade_id": "1"}),
        ("evaluations", {"officer_id": str(meeting["lead"].id), "grade_id": "999999"}),
        ("attendance", {f"present-{meeting['lead'].id}": "x" * 3000}),
        ("items", {"text": ""}),
        ("edit", {"held_on": "31/02/2024", "starts_at": "25:99", "chair_id": "abc"}),
        ("close", {"conclusions": "x" * 30000}),
    ]
    for path, data in posts:
        response = client.post(f"{url}/{path}", data={"csrf_token": token, **data})
        assert response.status_code in (200, 302, 400), (path, data, response.status_code)
    assert db.session.scalar(select(AgendaItem)) is None
    assert client.get(f"{url}?x=%00").status_code == 400  # a NUL: refused before the page
    assert client.get("/units/vh/evaluations?year=abc").status_code == 200
    assert client.get("/my-evaluations?year=99999999999").status_code == 200


def test_a_refused_decision_commits_nothing_of_what_it_began(client, auth, meeting):
    """record_decision writes the item's decision before it finds the new task refused (no
    plan of the unit): the page answers 200 with the form as typed, and nothing is kept."""
    m, chair = meeting["meeting"], meeting["chair"]
    item = add_item(db.session, m, chair, "Cải tạo bộ phận một cửa")
    db.session.commit()
    auth.login(chair)
    url = f"/meetings/{m.id}"
    response = client.post(
        f"{url}/decisions",
        data={
            "csrf_token": csrf_token(client, url),
            "item_id": str(item.id),
            "decision": "Giao văn phòng làm ngay",
            "new_task": "y",
            "title": "Sắp xếp lại quầy tiếp dân",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Chọn kế hoạch của đơn vị cho nhiệm vụ mới." in html
    assert "Sắp xếp lại quầy tiếp dân" in html  # the form as typed
    db.session.expire_all()
    assert db.session.get(AgendaItem, item.id).decision in (None, "")
    changes = db.session.scalars(
        select(AuditEvent.changes).where(
            AuditEvent.entity_type == "agenda_items", AuditEvent.entity_id == item.id
        )
    ).all()
    assert not any("decision" in c for c in changes)


@pytest.mark.skipif(libreoffice() is None, reason="LibreOffice is not installed")
def test_minutes_as_pdf(client, auth, meeting):
    auth.login(meeting["chair"])
    page = client.get(f"/meetings/{meeting['meeting'].id}").get_data(as_text=True)
    assert "Biên bản (PDF)" in page
    response = client.get(f"/meetings/{meeting['meeting'].id}/minutes.pdf")
    assert response.status_code == 200
    assert response.data.startswith(b"%PDF-")


def test_an_item_moves_on_when_its_meeting_closes_even_if_the_next_is_open(meeting):
    from tracker.meetings.operations import add_item, close_meeting

    march, unit, chair = meeting["meeting"], meeting["unit"], meeting["chair"]
    pending = add_item(db.session, march, chair, "Rà soát quy chế làm việc")
    settled = add_item(db.session, march, chair, "Phân công trực")
    april_data = MeetingInput(2024, 4, date(2024, 4, 15), None, "Hội trường", "", chair.id, None)
    april = open_meeting(db.session, unit, april_data, chair)
    # March is still open: what it may yet deal with does not move.
    assert april.items == []
    record_decision(db.session, march, chair, DecisionInput(item_id=settled.id, decision="Xong",
                                                            dealt_with=True))
    marks = {a.officer_id: "Nghỉ phép" for a in march.attendance}
    close_meeting(db.session, march, chair, not_evaluated=marks)
    db.session.expire_all()
    assert [(i.text, i.carried_from_id) for i in april.items] == [
        ("Rà soát quy chế làm việc", pending.id)
    ]
