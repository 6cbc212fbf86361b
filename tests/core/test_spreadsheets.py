"""Every .xlsx the product writes goes through `SpreadsheetWriter`: no text anybody typed ever
becomes a formula, in any cell of any sheet of any file."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from openpyxl import load_workbook
from sqlalchemy import select

from tracker.appendix.models import EnteredFigure, ReportingPeriod
from tracker.core.spreadsheets import Column, FixedText, SpreadsheetWriter
from tracker.demo.loader import load_demo
from tracker.extensions import db
from tracker.meetings.models import Grade, Meeting
from tracker.people.models import Officer
from tracker.plans.models import Plan
from tracker.tasks.models import Task

# What a spreadsheet runs as a formula: = + - @ first, or a tab or carriage return before one.
FORMULAS = ('=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "\t=1+1", "\r=1+1")


def _formula_like(index: int, text: str = "") -> str:
    prefix = FORMULAS[index % len(FORMULAS)]
    return f"{prefix} {text}" if text else prefix


def test_no_cell_of_any_xlsx_is_a_formula(client, auth, app):
    """The demo ward with formula-like plan and task titles, deliverables, officers' names and
    positions, grade names and an appendix note; then every .xlsx of the ward, cell by cell."""
    ward = load_demo(db.session).ward
    db.session.commit()
    for i, plan in enumerate(db.session.scalars(select(Plan).where(Plan.unit_id == ward.id))):
        plan.title = _formula_like(i)
    for i, task in enumerate(db.session.scalars(select(Task).order_by(Task.id))):
        task.title, task.deliverable = _formula_like(i), _formula_like(i + 1)
    for i, officer in enumerate(db.session.scalars(select(Officer).order_by(Officer.id))):
        officer.full_name = _formula_like(i, officer.full_name)
        officer.position = _formula_like(i + 2)
    for i, grade in enumerate(db.session.scalars(select(Grade).where(Grade.unit_id == ward.id))):
        grade.name = _formula_like(i, grade.name)
    for meeting in db.session.scalars(select(Meeting).where(Meeting.unit_id == ward.id)):
        meeting.snapshot = None  # a closed meeting's agenda as computed now, from the above
    period = db.session.scalar(select(ReportingPeriod).where(ReportingPeriod.unit_id == ward.id))
    db.session.add(EnteredFigure(period_id=period.id, unit_id=ward.id, key="3.2.1.a",
                                 value=Decimal(186), note=FORMULAS[0]))
    db.session.commit()

    auth.login("chutich@vinhhoa.example", "vinhhoa2024")
    paths = [f"/plans/{plan.id}/export.xlsx"
             for plan in db.session.scalars(select(Plan).where(Plan.unit_id == ward.id))]
    paths.append(f"/units/{ward.code}/tasks/export.xlsx?as_of=12/03/2024")
    paths += [f"/meetings/{meeting.id}/agenda.xlsx"
              for meeting in db.session.scalars(select(Meeting).where(Meeting.unit_id == ward.id))]
    paths.append(f"/units/{ward.code}/evaluations.xlsx?year=2024")
    paths.append(f"/appendix/{period.id}/export.xlsx")
    assert len(paths) >= 5

    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        workbook = load_workbook(io.BytesIO(response.data))
        texts = []
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (path, sheet.title, cell.coordinate, cell.value)
                    if isinstance(cell.value, str):
                        assert not cell.value.startswith("="), (path, cell.coordinate)
                        texts.append(cell.value)
        # Not vacuous: each file shows some of the typed texts, escaped.
        assert any(text.startswith(("'=", "'+", "'-", "'@", "'\t", "'\r")) for text in texts), path
        assert not any(text.startswith(("\t", "\r")) for text in texts), path


def test_the_writer(app):
    writer = SpreadsheetWriter()
    sheet = writer.sheet("Bảng", [Column(6, align="center"), Column(40), Column(12, date=True)])
    sheet.title("DANH SÁCH", size=14, bold=True, height=36)
    sheet.title("=1+1", italic=True)
    sheet.blank()
    assert sheet.header(["STT", "Nội dung", "Thời hạn"]) == 4
    sheet.row([1, "- Tổ chức họp", date(2024, 3, 12)])
    sheet.row([2, FixedText("- Số nhiệm vụ"), "Hàng tháng"], bold=True)
    sheet.row([3, FixedText("=SUM(A1)"), None])
    sheet.finish()
    ws = load_workbook(io.BytesIO(writer.to_bytes()))["Bảng"]
    assert ws["A2"].value == "'=1+1" and ws["A1"].font.sz == 14
    assert ws.row_dimensions[1].height == 36
    assert ws["B5"].value == "'- Tổ chức họp" and ws["B6"].value == "- Số nhiệm vụ"
    assert ws["B7"].value == "'=SUM(A1)"  # the product's own text is never a formula either
    assert ws["C5"].value.date() == date(2024, 3, 12)
    assert ws["C5"].number_format == ws["C6"].number_format == "dd/mm/yyyy"
    assert ws["A4"].font.b and ws["B6"].font.b and not ws["B5"].font.b
    assert ws["B5"].font.name == "Times New Roman" and ws["B5"].border.left.style == "thin"
    assert ws["A5"].alignment.horizontal == "center" and ws["B5"].alignment.wrap_text
    assert ws.freeze_panes == "A5" and ws.auto_filter.ref == "A4:C7"
