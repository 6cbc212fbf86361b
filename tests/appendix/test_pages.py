"""The focal officer's page: type, be stopped, acknowledge, submit; the frozen table."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tests.appendix.conftest import DEMO_PASSWORD, REPORT_FIGURES
from tests.conftest import session_csrf_token
from tracker.appendix.indicators import tree_for_year
from tracker.appendix.models import EnteredFigure, PeriodState
from tracker.appendix.service import period_table
from tracker.core.audit import AuditEvent
from tracker.extensions import db
from tracker.plans.models import Plan
from tracker.tasks.models import Task


def _login(auth, officer):
    auth.login(officer, DEMO_PASSWORD)


def _post(client, path: str, data: dict):
    return client.post(path, data={**data, "csrf_token": session_csrf_token(client)})


def _figures(data: dict) -> dict:
    return {f"v-{key}": value for key, value in data.items()}


def _freeze(client, period_id: int, typed: dict, **extra):
    """Chốt số liệu confirmed, every row not typed confirmed as left blank."""
    blank = [row.key for row in tree_for_year(2024).entered if row.key not in typed]
    return _post(client, f"/appendix/{period_id}/submit",
                 {"confirm": "1", "blank": blank, **extra})


def test_page_shows_the_computed_rows(client, auth, demo):
    _login(auth, demo.focal)
    html = client.get(f"/appendix/{demo.period.id}").get_data(as_text=True)
    for text in ("27,3%", "26,1%", "26,7%", "6/22", "Không phát sinh", "Quý I năm 2024"):
        assert text in html
    # computed cells are not inputs; typed rows are
    assert 'name="v-1.2.a"' not in html and 'name="v-1.2"' not in html
    assert 'name="v-3.2.1.a"' in html
    # the link to the tasks behind 1.2's done count, as of the period end
    assert "as_of=2024-03-12" in html and "status=done" in html


def test_periods_page_lists_and_creates(client, auth, demo):
    _login(auth, demo.focal)
    html = client.get(f"/units/{demo.ward.code}/appendix").get_data(as_text=True)
    assert "Quý I năm 2024" in html
    response = _post(client, f"/units/{demo.ward.code}/appendix",
                     {"kind": "quarter", "label": "Quý II năm 2024", "start": "13/03/2024",
                      "end": "12/06/2024"})
    assert response.status_code == 302
    response = _post(client, f"/units/{demo.ward.code}/appendix",
                     {"kind": "quarter", "label": "Sai", "start": "13/06/2024",
                      "end": "12/03/2024"})
    assert response.status_code == 400
    assert "Ngày chốt số liệu phải sau" in response.get_data(as_text=True)


def test_save_the_report_figures(client, auth, demo):
    _login(auth, demo.focal)
    response = _post(client, f"/appendix/{demo.period.id}", _figures(REPORT_FIGURES))
    assert response.status_code == 302
    table = period_table(db.session, demo.period)
    assert table["3.2.1"].value == 100  # 181 of 181
    assert str(table["6.1"].value) == "65.5"
    assert str(table["7.6.3"].value) == "62.3"
    assert table["7.6.4.e"].value == 216000


def test_inconsistent_figure_is_refused_and_the_form_kept(client, auth, demo):
    _login(auth, demo.focal)
    typed = {**REPORT_FIGURES, "3.2.1.b": "190"}  # resolved more than received
    response = _post(client, f"/appendix/{demo.period.id}", _figures(typed))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "vượt quá" in html
    assert 'value="190"' in html and 'value="12.175"' in html
    assert db.session.scalar(select(EnteredFigure.id)) is None  # nothing saved


def test_a_rate_cannot_be_typed(client, auth, demo):
    _login(auth, demo.focal)
    response = _post(client, f"/appendix/{demo.period.id}",
                     {**_figures(REPORT_FIGURES), "v-6.1": "65,49", "v-1.2": "27,2"})
    assert response.status_code == 400
    assert "không nhập tay" in response.get_data(as_text=True)


def test_submit_freezes_the_table(client, auth, demo):
    _login(auth, demo.focal)
    _post(client, f"/appendix/{demo.period.id}", _figures(REPORT_FIGURES))
    response = _freeze(client, demo.period.id, REPORT_FIGURES)
    assert response.status_code == 302
    db.session.refresh(demo.period)
    assert demo.period.state is PeriodState.SUBMITTED
    assert demo.period.submitted_by_id == demo.focal.id and demo.period.submitted_at
    # A task of the annual plan completed afterwards does not change the frozen table.
    task = db.session.scalar(
        select(Task).join(Plan).where(Plan.appendix_row == "1.2", Task.completed_on.is_(None))
    )
    task.completed_on = date(2024, 3, 1)
    db.session.commit()
    table = period_table(db.session, demo.period)
    assert table["1.2.b"].value == 6 and str(table["1.2"].value) == "27.3"
    html = client.get(f"/appendix/{demo.period.id}").get_data(as_text=True)
    assert "Đã chốt số liệu" in html and 'name="v-3.2.1.a"' not in html
    # the frozen table takes no more figures
    response = _post(client, f"/appendix/{demo.period.id}", _figures({"3.2.1.a": "1"}))
    assert response.status_code == 400
    assert "đã được chốt" in response.get_data(as_text=True)
    # only the chairperson reopens, with a reason, audited
    assert _post(client, f"/appendix/{demo.period.id}/reopen", {"reason": "x"}).status_code == 403
    auth.logout()
    _login(auth, demo.chair)
    assert _post(client, f"/appendix/{demo.period.id}/reopen", {"reason": ""}).status_code == 400
    response = _post(client, f"/appendix/{demo.period.id}/reopen", {"reason": "Sửa số hồ sơ"})
    assert response.status_code == 302
    db.session.refresh(demo.period)
    assert demo.period.state is PeriodState.OPEN
    assert demo.period.reopened_by_id == demo.chair.id
    events = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.entity_type == "reporting_periods", AuditEvent.entity_id == demo.period.id
        )
    ).all()
    states = [e.changes.get("state") for e in events if "state" in e.changes]
    assert ["open", "submitted"] in states and ["submitted", "open"] in states
    # reopened, it is live again: the task completed later now counts
    assert period_table(db.session, demo.period)["1.2.b"].value == 7


def test_warnings_must_be_acknowledged_before_submitting(client, auth, demo):
    _login(auth, demo.focal)
    typed = {**REPORT_FIGURES, "7.6.4.e": "0"}  # 32 dossiers paid, no amount
    assert _post(client, f"/appendix/{demo.period.id}", _figures(typed)).status_code == 302
    html = client.get(f"/appendix/{demo.period.id}").get_data(as_text=True)
    assert "số tiền bằng 0" in html
    response = _freeze(client, demo.period.id, typed)
    assert response.status_code == 400
    assert "chưa được xác nhận" in response.get_data(as_text=True)
    response = _freeze(client, demo.period.id, typed, ack="7.6.4.e:amount")
    assert response.status_code == 302
    db.session.refresh(demo.period)
    assert demo.period.is_submitted and demo.period.acknowledged == ["7.6.4.e:amount"]


def test_hostile_input_is_refused_without_error(client, auth, demo):
    _login(auth, demo.focal)
    path = f"/appendix/{demo.period.id}"
    for data in (
        {"v-khong-co": "1"},
        {"v-3.2.1.a": "1\x00"},
        {"v-3.2.1.a": "9" * 5000},
        {"v-3.2.1.a": "١٢"},
        {"n-khong-co": "x"},
        {"n-1": "x"},  # a section has no note
        {"n-3.2.1.a": "x" * 600},
    ):
        response = _post(client, path, data)
        assert response.status_code == 400, data
    # A NUL is refused for the whole request (core.security), before the table reads it.
    response = _post(client, path, {"n-3.2.1.a": "ghi\x00chú", "v-3.2.1.a": " 1.234 "})
    assert response.status_code == 400
    response = _post(client, path, {"n-3.2.1.a": "ghi chú\ttab", "v-3.2.1.a": " 1.234 "})
    assert response.status_code == 302
    figure = db.session.scalar(select(EnteredFigure).where(EnteredFigure.key == "3.2.1.a"))
    assert (figure.value, figure.note) == (1234, "ghi chú tab")
    response = _post(client, f"/units/{demo.ward.code}/appendix",
                     {"kind": "x\x00", "label": "\x00", "start": "31/02/2024", "end": "a" * 300})
    assert response.status_code == 400


def test_the_city_inspector_reads_the_wards_periods(client, auth, demo):
    from tests.factories import gen_officer
    from tracker.people.models import Role

    inspector = gen_officer(demo.ward.parent, Role.INSPECTOR)
    db.session.commit()
    auth.login(inspector)
    html = client.get(f"/units/{demo.ward.parent.code}/appendix").get_data(as_text=True)
    assert "Phường Vĩnh Hòa" in html and f"/appendix/{demo.period.id}" in html
    assert 'name="label"' not in html  # no form to add a period
    html = client.get(f"/appendix/{demo.period.id}").get_data(as_text=True)
    assert "27,3%" in html and 'name="v-' not in html and "Chốt số liệu" not in html


def test_the_page_shows_who_typed_submitted_and_reopened(client, auth, demo):
    _login(auth, demo.focal)
    _post(client, f"/appendix/{demo.period.id}", _figures({"3.2.1.a": "186"}))
    _post(client, f"/appendix/{demo.period.id}", _figures({"3.2.1.a": "190"}))
    _freeze(client, demo.period.id, {"3.2.1.a": "190"})
    auth.logout()
    _login(auth, demo.chair)
    _post(client, f"/appendix/{demo.period.id}/reopen", {"reason": "Sửa số hồ sơ"})
    html = client.get(f"/appendix/{demo.period.id}").get_data(as_text=True)
    history = html[html.index('data-testid="history"'):]
    # newest first: the reopening, the freeze, then the two savings of row 3.2.1.a
    reopened = history.index("Lê Minh Tuấn sửa")
    submitted = history.index("Kiều Thị Mỹ Duyên sửa")
    typed = history.index("dòng 3.2.1.a")
    assert reopened < submitted < typed
    assert "Sửa số hồ sơ" in history and "Đã chốt số liệu → Đang nhập" in history
    assert "186 → 190" in history and "Bảng số liệu được lưu lại như khi chốt." in history
