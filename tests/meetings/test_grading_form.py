"""Grading a meeting in ONE form (issue 14): every officer's line saved at once, in one
transaction, all or nothing; a refused line says why beside its officer with every line kept as
typed; a line changed meanwhile by another leader is refused, not overwritten; audited."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from tests.conftest import csrf_token
from tests.meetings.test_grades import _evaluation, march_meeting
from tracker.core.audit import AuditEvent
from tracker.extensions import db
from tracker.meetings.models import OfficerEvaluation
from tracker.meetings.operations import evaluate, evaluation_state


@pytest.fixture
def ward(app):
    return march_meeting()


def _line(officer, grade="", comment="", reason="", seen=""):
    prefix = f"e{officer.id}-"
    return {
        prefix + "officer_id": str(officer.id),
        prefix + "seen": seen,
        prefix + "grade_id": str(grade),
        prefix + "comment": comment,
        prefix + "reason": reason,
    }


def _save(client, ward, *lines):
    url = f"/meetings/{ward['meeting'].id}"
    data = {"csrf_token": csrf_token(client, url)}
    for line in lines:
        data.update(line)
    return client.post(f"{url}/evaluations", data=data)


def _audits() -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.entity_type == "officer_evaluations")
    )


def test_the_page_has_one_grading_form_every_line_belongs_to(client, auth, ward):
    auth.login(ward["chair"])
    page = client.get(f"/meetings/{ward['meeting'].id}").get_data(as_text=True)
    form_id = f"grading-{ward['meeting'].id}"
    assert page.count(f'<form id="{form_id}"') == 1
    for officer in (ward["chair"], ward["focal"], ward["busy"], ward["idle"]):
        line = re.search(rf'<select[^>]*name="e{officer.id}-grade_id"[^>]*>', page).group(0)
        assert f'form="{form_id}"' in line
    assert 'action="/meetings/' not in page.split(f'<form id="{form_id}"')[0].split(
        'data-testid="evaluation-form"'
    )[-1]  # no form of its own around a line


def test_every_officer_is_graded_with_one_save(client, auth, ward):
    auth.login(ward["chair"])
    before = _audits()
    response = _save(
        client,
        ward,
        _line(ward["busy"], ward["proposed"].id, "Đúng tiến độ"),
        _line(ward["idle"], "none", reason="Nghỉ phép"),
        _line(ward["focal"], ward["good"].id, reason="Tham mưu tốt báo cáo quý"),
        _line(ward["chair"]),  # nothing chosen, nothing recorded: left for later
    )
    assert response.status_code == 302
    assert _evaluation(ward["busy"]).grade_id == ward["proposed"].id
    idle = _evaluation(ward["idle"])
    assert idle.reason == "Nghỉ phép" and not idle.evaluated
    assert _evaluation(ward["focal"]).grade_id == ward["good"].id
    assert _evaluation(ward["chair"]) is None
    assert _audits() == before + 3  # audited as before, one record a grade


def test_one_refused_line_saves_nothing_and_keeps_every_line(client, auth, ward):
    auth.login(ward["chair"])
    response = _save(
        client,
        ward,
        _line(ward["busy"], ward["proposed"].id, "Đúng tiến độ"),
        _line(ward["idle"], ward["best"].id, "Nhiệt tình"),  # no proposal: needs a reason
        _line(ward["focal"], "none", reason="Đi học"),
    )
    assert response.status_code == 200
    assert db.session.scalar(select(func.count()).select_from(OfficerEvaluation)) == 0
    html = response.get_data(as_text=True)
    assert "Chưa lưu xếp loại: 1 cán bộ cần xem lại" in html
    idle = html[html.index(f'name="e{ward["idle"].id}-officer_id"') :]
    idle = idle[: idle.index("</fieldset>")]
    # The message beside this officer's reason, which takes the focus (the page scrolls there).
    assert re.search(
        rf'name="e{ward["idle"].id}-reason"[^>]*autofocus>\s*</textarea>\s*'
        r'<div class="invalid-feedback d-block">Không có đề xuất',
        idle,
    )
    assert "Nhiệt tình" in idle
    assert html.count("autofocus") == 1
    # The other lines as typed.
    assert "Đúng tiến độ" in html and "Đi học" in html
    focal = html[html.index(f'name="e{ward["focal"].id}-officer_id"') :]
    assert '<option selected value="none">' in focal[: focal.index("</fieldset>")]


def test_a_line_graded_meanwhile_by_another_leader_is_refused_not_overwritten(
    client, auth, ward
):
    auth.login(ward["chair"])
    url = f"/meetings/{ward['meeting'].id}"
    page = client.get(url).get_data(as_text=True)
    seen = re.search(rf'name="e{ward["busy"].id}-seen" value="([^"]*)"', page).group(1)
    assert seen == ""
    # Meanwhile the vice chairperson (here: the focal's session) grades the same officer.
    evaluate(db.session, ward["meeting"], ward["focal"], ward["busy"].id, ward["proposed"].id)
    db.session.commit()
    response = _save(
        client,
        ward,
        _line(ward["busy"], ward["good"].id, reason="Vượt tiến độ", seen=seen),
        _line(ward["idle"], "none", reason="Nghỉ phép", seen=""),
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Trong lúc bạn sửa, Kiều Thị Mỹ Duyên đã ghi đánh giá cán bộ này" in html
    assert _evaluation(ward["busy"]).grade_id == ward["proposed"].id  # not overwritten
    assert _evaluation(ward["idle"]) is None  # all or nothing
    # The page now carries the state recorded: saving again is a choice, and goes through.
    now = evaluation_state(_evaluation(ward["busy"]))
    assert f'name="e{ward["busy"].id}-seen" value="{now}"' in html
    response = _save(
        client,
        ward,
        _line(ward["busy"], ward["good"].id, reason="Vượt tiến độ", seen=now),
        _line(ward["idle"], "none", reason="Nghỉ phép", seen=""),
    )
    assert response.status_code == 302
    assert _evaluation(ward["busy"]).grade_id == ward["good"].id


def test_lines_as_recorded_are_not_written_again(client, auth, ward):
    auth.login(ward["chair"])
    _save(client, ward, _line(ward["busy"], ward["proposed"].id, "Đúng tiến độ"))
    seen = evaluation_state(_evaluation(ward["busy"]))
    before = _audits()
    response = _save(
        client,
        ward,
        _line(ward["busy"], ward["proposed"].id, "Đúng tiến độ", seen=seen),
        _line(ward["idle"], "none", reason="Nghỉ phép"),
    )
    assert response.status_code == 302
    assert _audits() == before + 1
