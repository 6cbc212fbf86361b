"""`SpreadsheetWriter`: the one way the product writes a .xlsx sheet."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import load_workbook

from tracker.core.spreadsheets import Column, FixedText, SpreadsheetWriter


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
