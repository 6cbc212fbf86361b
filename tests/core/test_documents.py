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


def test_a_committee_header_has_no_parent_line_and_short_centred_rules():
    from tracker.core.documents import committee_header

    doc = OfficialDocument()
    doc.header(committee_header("Phường Vĩnh Hòa", "422/BC-UBND", date(2024, 3, 13)))
    left, right = Document(io.BytesIO(doc.to_bytes())).tables[0].rows[0].cells
    assert [p.text for p in left.paragraphs] == [
        "ỦY BAN NHÂN DÂN", "PHƯỜNG VĨNH HÒA", "", "Số: 422/BC-UBND"]
    assert right.paragraphs[-1].text == "Vĩnh Hòa, ngày 13 tháng 3 năm 2024"
    # Each rule is a paragraph of its own, its indents making it short and centred: the
    # agency's shorter than the motto's, which is as long as "Độc lập - Tự do - Hạnh phúc".
    agency_rule, motto_rule = left.paragraphs[2], right.paragraphs[2]
    for rule in (agency_rule, motto_rule):
        assert "w:pBdr" in rule._p.xml
        assert rule.paragraph_format.left_indent == rule.paragraph_format.right_indent
    assert agency_rule.paragraph_format.left_indent.mm > 20
    motto_width = 95 - 3.8 - 2 * motto_rule.paragraph_format.left_indent.mm
    assert 55 < motto_width < 75


def test_long_unit_names_shrink_rather_than_wrap():
    from tracker.core.documents import HEADER_LEFT_MM, _fitting_size, text_width_mm

    name = "XÃ HÒA THẮNG BUÔN MA THUỘT"  # too wide at 13 pt, not at 11
    size = _fitting_size(name, Pt(13), HEADER_LEFT_MM, bold=True)
    assert size.pt < 13 and text_width_mm(name, size, bold=True) <= HEADER_LEFT_MM - 3.8


def test_a_table_repeats_its_header_row_and_keeps_codes_on_one_line():
    doc = OfficialDocument()
    doc.table([["STT", "Chỉ tiêu"], ["1.5.1.", "Một"]], [17, 148],
              nowrap_columns=frozenset({0}))
    table = Document(io.BytesIO(doc.to_bytes())).tables[0]
    assert "w:tblHeader" in table.rows[0]._tr.xml and "w:tblHeader" not in table.rows[1]._tr.xml
    assert "w:cantSplit" in table.rows[1]._tr.xml
    assert "w:noWrap" in table.rows[1].cells[0]._tc.xml
