"""The official Word layout (Nghị định 30/2020) and the LibreOffice PDF conversion."""

from __future__ import annotations

import io
from datetime import date

import pytest
from docx import Document
from docx.shared import Pt

from tracker.core.documents import (
    Header,
    OfficialDocument,
    Signature,
    _run_font,
    _set_font,
    official_date,
)
from tracker.core.office import convert_to_pdf, libreoffice


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2024, 3, 13), "ngày 13 tháng 3 năm 2024"),
        (date(2024, 1, 5), "ngày 05 tháng 01 năm 2024"),
        (date(2024, 2, 29), "ngày 29 tháng 02 năm 2024"),
        (date(2024, 12, 1), "ngày 01 tháng 12 năm 2024"),
    ],
)
def test_official_date_pads_days_under_ten_and_january_february(day, expected):
    assert official_date(day) == expected


def build() -> bytes:
    doc = OfficialDocument()
    doc.header(Header("Ủy ban nhân dân phường Vĩnh Hòa", "422/BC-UBND", "Vĩnh Hòa",
                      date(2024, 3, 13), parent_body="UBND thành phố Nha Trang"))
    doc.title("Báo cáo", "Công tác cải cách hành chính quý I năm 2024")
    doc.heading("I. KẾT QUẢ")
    doc.paragraph("Nội dung báo cáo.")
    doc.table([["STT", "Chỉ tiêu"], ["1", "Một"]], [15, 150])
    doc.signature(Signature("Nguyễn Văn A", "PHÓ CHỦ TỊCH", "KT. CHỦ TỊCH",
                            ["Phòng Nội vụ thành phố", "Lưu: VT"]))
    return doc.to_bytes()


def test_official_document_has_header_title_body_and_signature():
    document = Document(io.BytesIO(build()))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert (round(section.left_margin.mm), round(section.right_margin.mm)) == (30, 15)
    assert section.different_first_page_header_footer
    assert 'instr="PAGE"' in section.header._element.xml
    header = document.tables[0]
    left, right = (cell.text for cell in header.rows[0].cells)
    assert "UBND THÀNH PHỐ NHA TRANG" in left and "ỦY BAN NHÂN DÂN PHƯỜNG VĨNH HÒA" in left
    assert "Số: 422/BC-UBND" in left
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in right
    assert "Vĩnh Hòa, ngày 13 tháng 3 năm 2024" in right
    texts = [p.text for p in document.paragraphs]
    assert "BÁO CÁO" in texts and "Nội dung báo cáo." in texts
    assert document.tables[1].cell(1, 1).text == "Một"
    signature = document.tables[2].rows[0].cells
    assert "Nơi nhận:" in signature[0].text and "- Lưu: VT;" in signature[0].text
    assert "KT. CHỦ TỊCH" in signature[1].text and "Nguyễn Văn A" in signature[1].text
    assert document.styles["Normal"].font.name == "Times New Roman"


@pytest.mark.parametrize(
    ("size", "bold", "italic"),
    [(None, None, None), (Pt(12), False, None), (Pt(12), True, None), (Pt(14), True, True),
     (Pt(11), None, None), (Pt(13), False, True)],
)
def test_copied_run_properties_are_those_set_one_by_one(size, bold, italic):
    paragraph = Document().add_paragraph()
    copied, set_one_by_one = paragraph.add_run("a"), paragraph.add_run("a")
    _run_font(copied, size, bold=bold, italic=italic)
    _run_font(paragraph.add_run("b"), size, bold=bold, italic=italic)  # from the cache
    _set_font(set_one_by_one, size, bold, italic)
    assert copied._r.xml == set_one_by_one._r.xml
    assert paragraph.runs[2]._r.rPr.xml == set_one_by_one._r.rPr.xml


@pytest.mark.skipif(libreoffice() is None, reason="LibreOffice is not installed")
def test_libreoffice_converts_the_document_to_pdf():
    pdf = convert_to_pdf(build(), ".docx")
    assert pdf.startswith(b"%PDF")
