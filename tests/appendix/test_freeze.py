"""Chốt số liệu keeps what was typed (issue 11): the freeze button submits the figures form;
the figures are checked, a confirmation step names the rows left blank, and, confirmed, the
figures are saved, the blank rows confirmed and the table frozen in one transaction."""

from __future__ import annotations

import io
import itertools
import re

from docx import Document
from openpyxl import load_workbook
from sqlalchemy import select

from tests.appendix.conftest import DEMO_PASSWORD, REPORT_FIGURES
from tests.conftest import session_csrf_token
from tracker.appendix.indicators import tree_for_year
from tracker.appendix.models import EnteredFigure, FigureMark, PeriodState
from tracker.appendix.service import period_table
from tracker.appendix.table import NO_DATA, NOT_APPLICABLE, NOT_ENTERED, display_value
from tracker.core.audit import AuditEvent
from tracker.extensions import db

TREE = tree_for_year(2024)
TYPED = {"v-1.5.1": "3", "v-1.5.2.a": "2"}  # the two rows, never saved


def _post(client, path: str, data: dict):
    return client.post(path, data={**data, "csrf_token": session_csrf_token(client)})


def _page_form(typed: dict[str, str]) -> dict:
    """The figures form as the page posts it: every typed row's input, most of them empty."""
    return {**{f"v-{row.key}": "" for row in TREE.entered}, **typed}


def _blank_rows(html: str) -> list[str]:
    return re.findall(r'name="blank" value="([^"]+)"', html)


def _hidden_fields(html: str) -> dict:
    """What the confirmation page posts back (hidden inputs), as a test client's form."""
    data: dict[str, list[str]] = {}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html):
        if name != "csrf_token":
            data.setdefault(name, []).append(value.replace("&#34;", '"').replace("&amp;", "&"))
    return data


def _figures(period_id: int) -> dict[str, EnteredFigure]:
    return {
        f.key: f
        for f in db.session.scalars(
            select(EnteredFigure).where(EnteredFigure.period_id == period_id)
        )
    }


def test_freezing_without_saving_keeps_the_typed_figures(client, auth, demo):
    auth.login(demo.focal, DEMO_PASSWORD)
    path = f"/appendix/{demo.period.id}/submit"
    # Step 1: "Chốt số liệu" on the page, nothing saved before. A confirmation, nothing written.
    response = _post(client, path, _page_form(TYPED))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Xác nhận chốt số liệu" in html
    summary = html[html.index('data-testid="freeze-summary"') :]
    assert re.search(r'data-testid="count-typed">[^<]*<strong>2</strong>', summary)
    blank = _blank_rows(html)
    assert len(blank) == len(TREE.entered) - 2 and "1.5.2.b" in blank and "1.5.1" not in blank
    assert "1.5.2.b" in html and "Số vấn đề phát hiện đã xử lý xong" in html  # named
    assert _figures(demo.period.id) == {}
    db.session.refresh(demo.period)
    assert demo.period.state is PeriodState.OPEN

    # Step 2: confirmed, every blank row confirmed: saved and frozen with the typed values.
    data = {**_hidden_fields(html), "blank": blank}
    assert data["confirm"] == ["1"] and data["v-1.5.1"] == ["3"]
    response = _post(client, path, data)
    assert response.status_code == 302
    db.session.refresh(demo.period)
    assert demo.period.state is PeriodState.SUBMITTED
    table = period_table(db.session, demo.period)
    assert table["1.5.1"].value == 3 and table["1.5.2.a"].value == 2
    assert display_value(table["1.5.2.b"]) == NO_DATA
    assert display_value(table["1.5.2"]) == NO_DATA  # a rate over a part with no data
    figures = _figures(demo.period.id)
    assert figures["1.5.1"].value == 3 and figures["1.5.1"].mark is FigureMark.TYPED
    assert {k for k, f in figures.items() if f.mark is FigureMark.NO_DATA} == set(blank)

    # Audited: the typed figures, the blank confirmations, the freeze.
    events = db.session.scalars(select(AuditEvent)).all()
    figure_events = {e.label: e.changes for e in events if e.entity_type == "appendix_figures"}
    assert figure_events["1.5.1"]["value"][1] in ("3", "3.000", 3)
    assert figure_events["1.5.2.b"]["mark"] == [None, "no_data"]
    assert any(
        e.entity_type == "reporting_periods" and e.changes.get("state") == ["open", "submitted"]
        for e in events
    )

    # The files: the typed figures, "Không có số liệu" for the confirmed blanks.
    sheet = load_workbook(
        io.BytesIO(client.get(f"/appendix/{demo.period.id}/export.xlsx").data)
    ).active
    cells = {row.key: sheet.cell(7 + i, 4).value for i, row in enumerate(TREE.rows)}
    assert (cells["1.5.1"], cells["1.5.2.a"], cells["1.5.2.b"]) == (3, 2, NO_DATA)
    assert NOT_ENTERED not in cells.values() and NOT_APPLICABLE not in cells.values()
    html = client.get(f"/appendix/{demo.period.id}").get_data(as_text=True)
    assert "Đã chốt số liệu" in html and "Không có số liệu" in html


def test_invalid_figures_are_neither_saved_nor_frozen(client, auth, demo):
    auth.login(demo.focal, DEMO_PASSWORD)
    cases = (
        ({"v-1.5.2.b": "5"}, "vượt quá", "1.5.2.b", "5"),  # 5 handled of 2 found
        ({"v-3.2.1.a": "mười"}, "không phải là một số", "3.2.1.a", "mười"),
    )
    confirmed = {"confirm": "1", "blank": [r.key for r in TREE.entered]}
    for (bad, words, key, value), extra in itertools.product(cases, ({}, confirmed)):
        data = {**_page_form({**TYPED, **bad}), **extra}
        response = _post(client, f"/appendix/{demo.period.id}/submit", data)
        assert response.status_code == 400
        html = response.get_data(as_text=True)
        assert "Số liệu chưa được lưu" in html and words in html
        # the row in error marked, its input and the others kept as typed
        assert re.search(rf'is-invalid"[^>]*name="v-{re.escape(key)}"[^>]*value="{value}"', html)
        assert re.search(r'name="v-1.5.1"[^>]*value="3"', html)
        assert _figures(demo.period.id) == {}
        db.session.refresh(demo.period)
        assert demo.period.state is PeriodState.OPEN


def test_every_blank_row_must_be_confirmed(client, auth, demo):
    auth.login(demo.focal, DEMO_PASSWORD)
    path = f"/appendix/{demo.period.id}/submit"
    html = _post(client, path, _page_form(TYPED)).get_data(as_text=True)
    blank = _blank_rows(html)
    response = _post(client, path, {**_hidden_fields(html), "blank": blank[1:]})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Chưa chốt được số liệu" in html and "chưa được xác nhận để trống" in html
    code = (TREE[blank[0]].code or blank[0]).rstrip(".")
    assert code in html
    # the confirmation page again, with the boxes as ticked and the typed figures carried on
    assert _blank_rows(html) == blank
    assert html.count('name="blank" value=') == len(blank)
    assert len(re.findall(r'name="blank" value="[^"]+" id="[^"]+" checked', html)) == len(blank) - 1
    assert 'name="v-1.5.1" value="3"' in html
    # nothing saved, nothing frozen
    assert _figures(demo.period.id) == {}
    db.session.refresh(demo.period)
    assert demo.period.state is PeriodState.OPEN


def test_going_back_from_the_confirmation_saves_without_freezing(client, auth, demo):
    auth.login(demo.focal, DEMO_PASSWORD)
    html = _post(client, f"/appendix/{demo.period.id}/submit", _page_form(TYPED)).get_data(
        as_text=True
    )
    assert 'data-testid="back-save"' in html
    response = _post(client, f"/appendix/{demo.period.id}", _hidden_fields(html))
    assert response.status_code == 302
    figures = _figures(demo.period.id)
    assert figures["1.5.1"].value == 3 and figures["1.5.2.a"].value == 2
    assert all(f.mark is FigureMark.TYPED for f in figures.values())
    db.session.refresh(demo.period)
    assert demo.period.state is PeriodState.OPEN


def test_not_arising_is_stated_per_row(client, auth, demo):
    auth.login(demo.focal, DEMO_PASSWORD)
    path = f"/appendix/{demo.period.id}"
    # a figure and "Không phát sinh" on one row: which one is meant?
    response = _post(client, path, {"v-1.5.2.a": "2", "z-1.5.2.a": "1"})
    assert response.status_code == 400
    assert "Không phát sinh" in response.get_data(as_text=True)
    assert _figures(demo.period.id) == {}
    # no problem found, none handled: 0 of 0 is "Không phát sinh", never 100 %
    response = _post(
        client, path, {"v-1.5.2.a": "", "z-1.5.2.a": "1", "v-1.5.2.b": "", "z-1.5.2.b": "1"}
    )
    assert response.status_code == 302
    table = period_table(db.session, demo.period)
    assert display_value(table["1.5.2.a"]) == display_value(table["1.5.2"]) == NOT_APPLICABLE
    assert display_value(table["1.5.1"]) == NOT_ENTERED
    html = client.get(path).get_data(as_text=True)
    assert re.search(r'name="z-1.5.2.a" value="1" id="z-1.5.2.a" checked', html)
    assert not re.search(r'name="z-1.5.1" value="1" id="z-1.5.1" checked', html)
    # unticked with the form, the row is not entered again
    response = _post(client, path, {"v-1.5.2.a": "", "v-1.5.2.b": "", "z-1.5.2.b": "1"})
    assert response.status_code == 302
    table = period_table(db.session, demo.period)
    assert display_value(table["1.5.2.a"]) == NOT_ENTERED
    assert display_value(table["1.5.2"]) == NOT_ENTERED
    # a part stated as not arising is 0 against its whole
    response = _post(client, path, {"v-2.2.a": "4", "v-2.2.b": "", "z-2.2.b": "1"})
    assert response.status_code == 302
    assert period_table(db.session, demo.period)["2.2.b"].value == 0


def test_draft_files_say_not_entered_and_the_report_draft_too(client, auth, demo):
    auth.login(demo.focal, DEMO_PASSWORD)
    _post(client, f"/appendix/{demo.period.id}", {f"v-{k}": v for k, v in REPORT_FIGURES.items()})
    document = Document(io.BytesIO(client.get(f"/appendix/{demo.period.id}/export.docx").data))
    cells = {row.cells[0].text: row.cells[3].text for row in document.tables[-1].rows}
    assert cells["1.5.1."] == cells["1.5.2."] == NOT_ENTERED
    assert NOT_APPLICABLE not in cells.values()
    report = Document(io.BytesIO(client.get(f"/appendix/{demo.period.id}/report.docx").data))
    text = "\n".join(p.text for p in report.paragraphs)
    assert "không phát sinh" not in text.lower()
    assert "Tổng số hồ sơ TTHC đã tiếp nhận: 186 hồ sơ." in text
    appendix = {row.cells[0].text: row.cells[3].text for row in report.tables[-1].rows}
    assert appendix["1.5.2."] == NOT_ENTERED


def test_the_report_draft_prose_leaves_out_what_is_missing(client, auth, demo):
    # A figure nobody typed is no sentence (the appendix says "Chưa nhập" for it).
    auth.login(demo.focal, DEMO_PASSWORD)
    report = Document(io.BytesIO(client.get(f"/appendix/{demo.period.id}/report.docx").data))
    text = "\n".join(p.text for p in report.paragraphs)
    assert "Tổng số hồ sơ TTHC đã tiếp nhận" not in text
    appendix = {row.cells[0].text: row.cells[3].text for row in report.tables[-1].rows}
    assert appendix["3.2.1."] == NOT_ENTERED
    assert "không phát sinh" not in text.lower()


def test_a_reopened_table_keeps_its_confirmed_blanks_visible(client, auth, demo):
    auth.login(demo.focal, DEMO_PASSWORD)
    path = f"/appendix/{demo.period.id}/submit"
    html = _post(client, path, _page_form(TYPED)).get_data(as_text=True)
    assert (
        _post(client, path, {**_hidden_fields(html), "blank": _blank_rows(html)}).status_code == 302
    )
    auth.logout()
    auth.login(demo.chair, DEMO_PASSWORD)
    assert (
        _post(client, f"/appendix/{demo.period.id}/reopen", {"reason": "Bổ sung"}).status_code
        == 302
    )
    table = period_table(db.session, demo.period)
    assert display_value(table["1.5.2.b"]) == NO_DATA and table["1.5.1"].value == 3
    # typing a figure into a confirmed-blank row makes it a figure again
    assert _post(client, f"/appendix/{demo.period.id}", {"v-1.5.2.b": "1"}).status_code == 302
    table = period_table(db.session, demo.period)
    assert table["1.5.2.b"].value == 1 and display_value(table["1.5.2"]) == "50,0%"
    # the next freeze asks again, the rows confirmed before already ticked
    html = _post(client, path, _page_form({"v-1.5.1": "3", "v-1.5.2.a": "2", "v-1.5.2.b": "1"}))
    html = html.get_data(as_text=True)
    ticked = re.findall(r'name="blank" value="([^"]+)" id="[^"]+" checked', html)
    assert set(ticked) == set(_blank_rows(html)) and "1.5.2.b" not in ticked


def test_malformed_freeze_posts_are_refused_without_error(client, auth, demo):
    auth.login(demo.focal, DEMO_PASSWORD)
    path = f"/appendix/{demo.period.id}/submit"
    for data in (
        {"v-khong-co": "1"},
        {"z-khong-co": "1"},
        {"z-1.2": "1"},  # a computed row
        {"v-1.5.1": "1\x00"},
        {"confirm": "1", "blank": ["khong-co", "\x00", "1.2"], "v-1.5.1": "9" * 5000},
        {"confirm": "yes", "blank": "x" * 3000, "ack": "\x00"},
        {"confirm": "1", "n-1.5.1": "x" * 600},
        {f"v-{i}": "1" for i in range(500)},
    ):
        response = _post(client, path, data)
        assert response.status_code in (200, 400), (data, response.status_code)
        db.session.refresh(demo.period)
        assert demo.period.state is PeriodState.OPEN
    assert _figures(demo.period.id) == {}
