"""The meeting page's body is kept under the unit's data version, the day, the language and the
reader's rights (issue 10): every change made through the product shows at once, each reader
sees their own controls, a refused form shows what was typed and is never kept."""

from __future__ import annotations

import re
from datetime import date

from tests.conftest import AuthActions, session_csrf_token
from tests.factories import gen_officer
from tests.meetings.test_flow import _meeting, _open, _post, ward  # noqa: F401 (its fixture)
from tracker.core.fragments import CSRF_SLOT
from tracker.extensions import db
from tracker.people.models import Role
from tracker.tasks.models import Task
from tracker.tasks.operations import confirm_completion, submit_completion


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


TOKEN = re.compile(r'(name="(?:\w+-)?csrf_token"[^>]*value=")([^"]+)"')


def _tokens(html: str) -> set[str]:
    return {match[2] for match in TOKEN.finditer(html)}


def _untokened(html: str) -> str:
    """The page with its CSRF tokens (signed with the time) blanked, to compare two pages."""
    return TOKEN.sub(r'\1"', html)


def _proposal(html: str, officer_id: int) -> str:
    section = html[html.index(f'id="officer-{officer_id}"'):]
    return re.search(r'data-testid="proposal">([^<]*)<', section)[1]


def test_each_change_through_the_product_shows(client, auth, ward, count_queries):  # noqa: F811
    auth.login(ward["chair"])
    _open(client, ward)
    url = f"/meetings/{_meeting().id}"
    lead, other = ward["lead"], ward["other"]
    _page(client, url)  # the opening's message shown
    first = _page(client, url)
    assert _proposal(first, lead.id) == "Hoàn thành nhiệm vụ"  # one done, one overdue
    with count_queries() as queries:
        assert _untokened(_page(client, url)) == _untokened(first)
    assert queries.count == 2  # kept: the reader, the meeting with its unit's version

    # Attendance.
    marks = {f"present-{o.id}": "1" for o in (ward["chair"], ward["focal"], lead)}
    marks[f"reason-{other.id}"] = "Đi học lớp bồi dưỡng"
    assert _post(client, f"{url}/attendance", marks, url).status_code == 302
    html = _page(client, url)
    assert "3 có mặt, 1 vắng" in html and 'value="Đi học lớp bồi dưỡng"' in html

    # An item, then its decision.
    assert _post(client, f"{url}/items", {"text": "Chuẩn bị kiểm tra nội bộ"}, url).status_code \
        == 302
    html = _page(client, url)
    assert "Chuẩn bị kiểm tra nội bộ" in html
    item = _meeting().items[0]
    decided = {f"i{item.id}-item_id": str(item.id), f"i{item.id}-decision": "Giao văn phòng",
               f"i{item.id}-dealt_with": "y"}
    assert _post(client, f"{url}/decisions", decided, url).status_code == 302
    assert "Giao văn phòng" in _page(client, url)

    # A grade saved.
    graded = {
        "officer_id": str(other.id), "grade_id": "none", "reason": "Nghỉ phép năm",
        "comment": "Vắng cả tháng",
    }
    assert _post(client, f"{url}/evaluations", graded, url).status_code == 302
    html = _page(client, url)
    assert "Nghỉ phép năm" in html and "Vắng cả tháng" in html

    # The overdue task done (late) through the task operations: the proposal follows.
    task = db.session.get(Task, ward["overdue"].id)
    submit_completion(db.session, task, lead, document_number="12/BC-UBND",
                      document_date=date(2024, 3, 14), summary="Báo cáo rà soát",
                      today=date(2024, 3, 14))
    db.session.commit()
    confirm_completion(db.session, db.session.get(Task, task.id), ward["chair"])
    db.session.commit()
    html = _page(client, url)
    # What is left due in the month is done on time: the best grade.
    assert _proposal(html, lead.id) == "Hoàn thành xuất sắc nhiệm vụ"


def test_each_reader_sees_their_own_controls(client, auth, ward):  # noqa: F811
    auth.login(ward["focal"])
    _open(client, ward)
    url = f"/meetings/{_meeting().id}"
    inspector = gen_officer(ward["unit"].parent, Role.INSPECTOR, full_name="Thanh tra")
    db.session.commit()
    seen = {}
    for reader in (ward["chair"], ward["focal"], inspector, ward["chair"]):
        auth.logout()
        auth.login(reader)
        seen.setdefault(reader.id, []).append(_page(client, url))
    chair, focal, reader = (seen[o.id][0] for o in (ward["chair"], ward["focal"], inspector))
    # The chair grades and decides; the focal officer prepares; the inspector reads.
    assert 'data-testid="grading-form"' in chair and 'data-testid="decision-form"' in chair
    assert 'data-testid="attendance-form"' in focal and 'data-testid="grading-form"' not in focal
    assert 'data-testid="decision-form"' not in focal
    assert all(form not in reader for form in ('data-testid="attendance-form"',
                                                'data-testid="grading-form"', 'method="post"'
                                                ' action="/meetings/'))
    assert 'data-testid="present"' in reader
    # The chair's page again, after the others': the chair's own controls.
    again = seen[ward["chair"].id][1]
    assert 'data-testid="grading-form"' in again and CSRF_SLOT not in again


def test_each_session_gets_its_own_token(client, auth, ward, app):  # noqa: F811
    auth.login(ward["chair"])
    _open(client, ward)
    url = f"/meetings/{_meeting().id}"
    _page(client, url)  # the opening's message shown
    mine = _page(client, url)  # kept now
    other = app.test_client()
    AuthActions(other).login(ward["chair"])
    theirs = _page(other, url)
    assert _untokened(theirs) == _untokened(mine)
    assert _tokens(mine) == {session_csrf_token(client)} or len(_tokens(mine)) == 1
    assert len(_tokens(theirs)) == 1 and _tokens(theirs) != _tokens(mine)
    assert CSRF_SLOT not in theirs and CSRF_SLOT not in mine


def test_a_refused_form_shows_what_was_typed_and_is_never_kept(client, auth, ward):  # noqa: F811
    auth.login(ward["chair"])
    _open(client, ward)
    url = f"/meetings/{_meeting().id}"
    _page(client, url)
    typed = {"officer_id": str(ward["lead"].id), "grade_id": "none",
             "comment": "Nhận xét đang gõ dở"}  # "không đánh giá" without its reason
    refused = _post(client, f"{url}/evaluations", typed, url)
    assert refused.status_code == 200
    assert "Nhận xét đang gõ dở" in refused.get_data(as_text=True)
    assert "Nhận xét đang gõ dở" not in _page(client, url)


def test_language_and_day_do_not_cross(client, auth, ward, clock):  # noqa: F811
    auth.login(ward["chair"])
    _open(client, ward)
    url = f"/meetings/{_meeting().id}"
    vietnamese = _page(client, url)
    client.post("/language/en", data={"csrf_token": session_csrf_token(client), "next": url})
    english = _page(client, url)
    assert "Thành phần tham dự" in vietnamese and "Thành phần tham dự" not in english
    client.post("/language/vi", data={"csrf_token": session_csrf_token(client), "next": url})
    assert "Thành phần tham dự" in _page(client, url)

    # A completion submitted after the meeting's day: a page seen after the meeting reads the
    # journal of that day (nothing waiting then); seen before it, the tasks' state (waiting).
    clock(date(2024, 3, 17))
    submit_completion(db.session, db.session.get(Task, ward["overdue"].id), ward["lead"],
                      document_number="12/BC-UBND", document_date=date(2024, 3, 17),
                      summary="Báo cáo rà soát", today=date(2024, 3, 17))
    db.session.commit()
    after = _page(client, url)
    clock(date(2024, 3, 14))
    before = _page(client, url)
    clock(date(2024, 3, 17))
    again = _page(client, url)
    waiting = '<h3 class="h6">Chờ xác nhận hoàn thành</h3>'
    assert waiting in before and waiting not in after and waiting not in again
