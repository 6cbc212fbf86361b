"""The files read back with openpyxl and python-docx, cell by cell; PDF through LibreOffice."""

from __future__ import annotations

import io

import pytest
from docx import Document
from openpyxl import load_workbook

from tests.appendix.conftest import DEMO_PASSWORD, REPORT_FIGURES
from tests.conftest import session_csrf_token
from tracker.appendix.indicators import tree_for_year
from tracker.core.office import convert_to_pdf, libreoffice

HEADERS = ["STT", "Chỉ tiêu thống kê", "Đơn vị tính", "Số liệu", "Ghi chú"]


@pytest.fixture
def typed(client, auth, demo):
    auth.login(demo.focal, DEMO_PASSWORD)
    data = {f"v-{k}": v for k, v in REPORT_FIGURES.items()}
    # 1.5.2: no problem found, none handled; the report printed 100 %.
    data.update({"z-1.5.2.a": "1", "z-1.5.2.b": "1"})
    data["csrf_token"] = session_csrf_token(client)
    assert client.post(f"/appendix/{demo.period.id}", data=data).status_code == 302
    return demo


def _get(client, path: str, mimetype: str) -> bytes:
    response = client.get(path)
    assert response.status_code == 200
    assert response.mimetype == mimetype
    assert "attachment" in response.headers["Content-Disposition"]
    return response.data


def test_xlsx_official_layout(client, typed):
    content = _get(client, f"/appendix/{typed.period.id}/export.xlsx",
                   "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet["A1"].value == "Phụ lục 1"
    assert sheet["A2"].value == "THỐNG KÊ SỐ LIỆU BÁO CÁO CẢI CÁCH HÀNH CHÍNH ĐỊNH KỲ"
    assert sheet["A3"].value == "(Kỳ báo cáo: Từ ngày 14/12/2023 đến 12/03/2024)"
    assert "phường Vĩnh Hòa" in sheet["A4"].value
    header = 6
    assert [sheet.cell(header, c).value for c in range(1, 6)] == HEADERS
    tree = tree_for_year(2024)
    assert sheet.max_row - header == len(tree.rows)
    rows = {}
    for index, r in enumerate(range(header + 1, sheet.max_row + 1)):
        cells = [sheet.cell(r, c) for c in range(1, 6)]
        row = tree.rows[index]
        assert cells[0].value in (row.code, None if not row.code else row.code)
        assert cells[1].value == row.label_with_bullet
        assert (cells[2].value or "") == row.unit
        assert cells[0].font.bold == cells[1].font.bold == (row.kind == "section")
        for cell in cells:
            assert cell.font.name == "Times New Roman"
            assert cell.border.left.style == "thin"
        rows[row.key] = cells
    rate = rows["1.2"]
    assert (rate[2].value, rate[3].value) == ("%", 27.3)
    assert rate[3].number_format == '0.0"%"'
    assert rate[4].value == "Số 39/QĐ-UBND ngày 31/01/2024"
    expected = {"1.2.a": 22, "1.2.b": 6, "1.3": 26.1, "1.3.a": 23, "1.3.b": 6, "1.4": 26.7,
                "1.4.a": 30, "1.4.b": 8, "1.6.a": 1, "1.6.b": 1, "1.6.c": 0, "1.6.d": 0,
                "1.5.2": "Không phát sinh", "6.1": 65.5, "6.1.a": 12175, "6.1.b": 7972,
                "7.6.4.d": 32, "7.6.4.e": 216000, "3.2.1": 100, "3.2.1.a": 186,
                "7.6.3": 62.3, "4.1.e": 0, "4.1.e1": 24}
    assert {key: rows[key][3].value for key in expected} == expected
    assert rows["1.1"][3].value > 0
    # an untyped row says so, never 0 or "Không phát sinh"; nor does a rate over it
    assert rows["1.5.1"][3].value == "Chưa nhập"
    assert rows["2.2.d"][3].value == "Chưa nhập"
    assert rows["1.5.2.a"][3].value == "Không phát sinh"


def test_docx_appendix(client, typed):
    content = _get(client, f"/appendix/{typed.period.id}/export.docx",
                   "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    document = Document(io.BytesIO(content))
    texts = [p.text for p in document.paragraphs]
    assert "Phụ lục 1" in texts
    assert "(Kỳ báo cáo: Từ ngày 14/12/2023 đến 12/03/2024)" in texts
    table = document.tables[-1]
    cells = [[c.text for c in row.cells] for row in table.rows]
    assert cells[0] == HEADERS
    by_code = {row[0]: row for row in cells if row[0]}
    assert by_code["1.2."][3] == "27,3%"
    assert by_code["1.3."][3] == "26,1%"
    assert by_code["1.4."][3] == "26,7%"
    assert by_code["1.5.2."][3] == "Không phát sinh"
    assert by_code["1.5.1."][3] == "Chưa nhập"
    assert by_code["6.1."][3] == "65,5%"
    assert ["", "- Kế hoạch được giao", "Triệu đồng", "12.175", ""] in cells
    assert ["", "- Số tiền được thanh toán trực tuyến", "Đồng", "216.000", ""] in cells
    fonts = {r.font.name for row in table.rows for c in row.cells for p in c.paragraphs
             for r in p.runs}
    assert fonts == {"Times New Roman"}
    section = next(row for row in table.rows if row.cells[0].text == "3.")
    assert section.cells[1].paragraphs[0].runs[0].bold
    rate = next(row for row in table.rows if row.cells[0].text == "1.2.")
    assert not rate.cells[1].paragraphs[0].runs[0].bold


def test_report_draft(client, typed):
    content = _get(client, f"/appendix/{typed.period.id}/report.docx",
                   "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    document = Document(io.BytesIO(content))
    text = "\n".join(p.text for p in document.paragraphs)
    header = "\n".join(c.text for c in document.tables[0].rows[0].cells)
    assert "ỦY BAN NHÂN DÂN\nPHƯỜNG VĨNH HÒA" in header and "Số:       /BC-UBND" in header
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in header
    assert "ngày      tháng      năm 2024" in header  # no date until one is set
    assert "BÁO CÁO" in text and "quý I năm 2024" in text
    assert "(lũy kế đến thời điểm báo cáo): 27,3% (6/22)." in text
    assert "26,7% (8/30)." in text
    # the same online-payment figures as the appendix: 32 dossiers, 216.000 đồng
    assert "Số tiền được thanh toán trực tuyến: 216.000 đồng." in text
    assert "65,5% (7.972/12.175)" in text
    # the directing documents of the period, from the evidence of the tasks
    assert "- Quyết định số 23/QĐ-UBND ngày 23/01/2024 về việc thành lập" in text
    assert "- Công văn số 2549/UBND" in text
    appendix = document.tables[-1]
    assert [c.text for c in appendix.rows[0].cells] == HEADERS


@pytest.mark.skipif(libreoffice() is None, reason="LibreOffice is not installed")
@pytest.mark.parametrize("fmt", ["xlsx", "docx"])
def test_files_convert_to_pdf(client, typed, fmt):
    content = client.get(f"/appendix/{typed.period.id}/export.{fmt}").data
    pdf = convert_to_pdf(content, f".{fmt}")
    assert pdf.startswith(b"%PDF")


@pytest.mark.skipif(libreoffice() is None, reason="LibreOffice is not installed")
def test_pdf_download(client, typed):
    response = client.get(f"/appendix/{typed.period.id}/export.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")


def test_unknown_format_is_404(client, typed):
    assert client.get(f"/appendix/{typed.period.id}/export.csv").status_code == 404
