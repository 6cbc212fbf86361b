"""Word documents in the official layout of Nghị định 30/2020/NĐ-CP, Phụ lục I.

A4 portrait, Times New Roman, margins 20/20/30/15 mm; the two-column header (issuing body and
number on the left, national motto and place-and-date on the right); the document type and its
subject; the body; "Nơi nhận" and the signature block; page numbers centred at the top from
page 2. Minutes, the appendix and the quarterly report all build on `OfficialDocument`.
"""

from __future__ import annotations

import io
from copy import deepcopy
from dataclasses import dataclass, field
from datetime import date

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Mm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph
from docx.text.run import Run

FONT = "Times New Roman"
BODY_SIZE = Pt(14)
HEADER_SIZE = Pt(13)
TABLE_SIZE = Pt(12)
MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_SUBTITLE = "Độc lập - Tự do - Hạnh phúc"


# A People's Committee's own documents: no parent line above it (Nghị định 30/2020, Phụ lục I;
# the seed's header is just "ỦY BAN NHÂN DÂN / PHƯỜNG VĨNH HÒA").
COMMITTEE = "ỦY BAN NHÂN DÂN"
UNIT_KINDS = ("Phường ", "Xã ", "Thị trấn ", "Đặc khu ")
HEADER_LEFT_MM, HEADER_RIGHT_MM = 70.0, 95.0
CELL_MARGINS_MM = 3.8  # a table cell's default left and right margins together


def place_name(unit_name: str) -> str:
    """'Phường Vĩnh Hòa' -> 'Vĩnh Hòa': the place line names the place, not the unit's kind."""
    for kind in UNIT_KINDS:
        if unit_name.startswith(kind):
            return unit_name[len(kind):]
    return unit_name


def committee_header(unit_name: str, number: str, day: date | None,
                     year: int | None = None) -> Header:
    """The header of every document a ward's People's Committee issues (its reports, Phụ lục
    1, meeting minutes): "ỦY BAN NHÂN DÂN" over the unit's name, no parent line. Without a
    day, the date line is left for the signer ("ngày … tháng … năm 2024")."""
    return Header(issuing_body=f"{COMMITTEE}\n{unit_name}", number=number,
                  place=place_name(unit_name), day=day, year=year)


# Widths of Times New Roman (metric-compatible Liberation Serif) in ems, by kind of character:
# enough to keep a header line on one line and to size the rule under the motto.
_WIDE = set("MWmwƯƠ")


def text_width_mm(text: str, size: Pt, *, bold: bool = False) -> float:
    """An estimate (slightly generous) of the printed width of one line."""
    ems = 0.0
    for char in text:
        if char == " ":
            ems += 0.25
        elif char in _WIDE:
            ems += 0.94
        elif char.isupper():
            ems += 0.72 if bold else 0.68
        elif char.isdigit():
            ems += 0.5
        elif char.isalpha():
            ems += 0.5 if bold else 0.46
        else:
            ems += 0.33
    return ems * size.pt * 25.4 / 72


def official_date(day: date) -> str:
    """'ngày 05 tháng 01 năm 2024': days under 10 and months 1-2 take a leading zero."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


@dataclass
class Header:
    issuing_body: str  # "ỦY BAN NHÂN DÂN PHƯỜNG VĨNH HÒA" (capitals, bold)
    number: str  # "422/BC-UBND"; the "Số: " prefix is added
    place: str  # "Vĩnh Hòa"
    day: date | None  # None: left blank for the signer, in `year`
    parent_body: str = ""  # a managing body above an agency, not bold (never for a UBND)
    year: int | None = None


@dataclass
class Signature:
    name: str
    position: str  # "CHỦ TỊCH", or "PHÓ CHỦ TỊCH" under an authority line
    authority: str = ""  # "KT. CHỦ TỊCH"
    recipients: list[str] = field(default_factory=list)  # "Nơi nhận:" list


def _set_font(run, size: Pt | None, bold, italic) -> None:
    run.font.name = FONT
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    if size is not None:
        run.font.size = size
    if bold is not None:
        run.bold = bold
    if italic is not None:
        run.italic = italic


# A run's properties (<w:rPr>) for each (size, bold, italic): built once by `_set_font` on a
# scratch run, then copied into each new run. Setting them one by one (python-docx looks up
# where each child element goes) was most of the time of a table of a hundred rows.
_RUN_PROPERTIES: dict[tuple[int | None, bool | None, bool | None], BaseOxmlElement] = {}


def _run_font(run, size: Pt | None = None, bold=None, italic=None) -> None:
    if run._r.rPr is not None:  # a run with properties of its own: set them one by one
        _set_font(run, size, bold, italic)
        return
    key = (size, bold, italic)
    properties = _RUN_PROPERTIES.get(key)
    if properties is None:
        scratch = Run(OxmlElement("w:r"), None)
        _set_font(scratch, size, bold, italic)
        properties = _RUN_PROPERTIES[key] = scratch._r.rPr
    run._r.insert(0, deepcopy(properties))  # <w:rPr> comes first in a run


_BODY_PROPERTIES: BaseOxmlElement | None = None


def _page_field(paragraph: Paragraph) -> None:
    run = paragraph.add_run()
    _run_font(run, Pt(13))
    simple = OxmlElement("w:fldSimple")
    simple.set(qn("w:instr"), "PAGE")
    simple.append(run._element)
    paragraph._p.append(simple)


def _rule(paragraph: Paragraph, width_mm: float, cell_mm: float) -> None:
    """A rule `width_mm` long, centred in its cell: an empty paragraph with a top border,
    its indents narrowing the border to the rule's length."""
    side = max((cell_mm - CELL_MARGINS_MM - width_mm) / 2, 0)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fmt = paragraph.paragraph_format
    fmt.left_indent = fmt.right_indent = Mm(side)
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing = Pt(4)
    p_pr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        top.set(qn(key), value)
    borders.append(top)
    p_pr.insert(0, borders)  # <w:pBdr> comes before spacing and indents


def _fitting_size(text: str, size: Pt, cell_mm: float, *, bold: bool) -> Pt:
    """The header's size, or a smaller one down to 11 pt, so the line never wraps."""
    points = size.pt
    while points > 11 and text_width_mm(text, Pt(points), bold=bold) > cell_mm - CELL_MARGINS_MM:
        points -= 0.5
    return Pt(points)


def _repeat_header(row) -> None:
    """The row repeats at the top of every page the table runs onto; no row splits."""
    tr_pr = row._tr.get_or_add_trPr()
    element = OxmlElement("w:tblHeader")
    element.set(qn("w:val"), "true")
    tr_pr.append(element)


def _whole_row(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:cantSplit"))


def _no_wrap(cell) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    tc_pr.append(OxmlElement("w:noWrap"))


def _no_borders(table: Table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    tbl_pr.append(borders)


def _widths(table: Table, widths_mm: list[float]) -> None:
    """Fixed column widths: Word reads the cells' widths, LibreOffice the table's grid."""
    table.autofit = False
    lengths = [Mm(width) for width in widths_mm]
    for column, length in zip(table.columns, lengths, strict=True):
        column.width = length
    for row in table.rows:
        for cell, length in zip(row.cells, lengths, strict=True):
            cell.width = length


class OfficialDocument:
    """A python-docx Document set up for an official text; `.document` for anything else."""

    def __init__(self, landscape: bool = False) -> None:
        self.document = Document()
        section = self.document.sections[0]
        if landscape:
            section.orientation = WD_ORIENT.LANDSCAPE
            section.page_width, section.page_height = Mm(297), Mm(210)
        else:
            section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin = section.bottom_margin = Mm(20)
        section.left_margin, section.right_margin = Mm(30), Mm(15)
        style = self.document.styles["Normal"]
        style.font.name = FONT
        style.font.size = BODY_SIZE
        style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
        style.paragraph_format.space_after = Pt(0)
        # Page numbers at the top, centred, from page 2 (the first page's header stays empty).
        section.different_first_page_header_footer = True
        number = section.header.paragraphs[0]
        number.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _page_field(number)

    # -- parts, top to bottom ------------------------------------------------------------

    def header(self, header: Header) -> None:
        table = self.document.add_table(rows=1, cols=2)
        _no_borders(table)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        _widths(table, [HEADER_LEFT_MM, HEADER_RIGHT_MM])
        left, right = table.rows[0].cells
        first = left.paragraphs[0]
        if header.parent_body:
            self._fitted(first, header.parent_body.upper(), HEADER_LEFT_MM)
            first = left.add_paragraph()
        lines = header.issuing_body.upper().splitlines()
        for index, line in enumerate(lines):
            paragraph = first if index == 0 else left.add_paragraph()
            self._fitted(paragraph, line, HEADER_LEFT_MM, bold=True)
        # The rule under the agency: short (about a third of the name), centred.
        name_mm = max(text_width_mm(line, Pt(13), bold=True) for line in lines)
        _rule(left.add_paragraph(), max(name_mm / 3, 15), HEADER_LEFT_MM)
        self._line(left.add_paragraph(), f"Số: {header.number}", Pt(13))
        self._fitted(right.paragraphs[0], MOTTO, HEADER_RIGHT_MM, Pt(12), bold=True)
        self._fitted(right.add_paragraph(), MOTTO_SUBTITLE, HEADER_RIGHT_MM, bold=True)
        # The rule under the motto: as long as "Độc lập - Tự do - Hạnh phúc".
        _rule(right.add_paragraph(), text_width_mm(MOTTO_SUBTITLE, Pt(13), bold=True),
              HEADER_RIGHT_MM)
        when = (official_date(header.day) if header.day else
                f"ngày      tháng      năm {header.year or ''}".rstrip())
        place_and_date = f"{header.place}, {when}"
        self._line(right.add_paragraph(), place_and_date, Pt(13), italic=True)
        self.document.add_paragraph()

    def addressee(self, text: str) -> None:
        """"Kính gửi: …" under the subject, centred."""
        paragraph = self.document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run_font(paragraph.add_run(f"Kính gửi: {text}"), BODY_SIZE)
        self.document.add_paragraph()

    def title(self, kind: str, subject: str = "") -> None:
        self._line(self.document.add_paragraph(), kind.upper(), BODY_SIZE, bold=True)
        for line in subject.splitlines():
            self._line(self.document.add_paragraph(), line, BODY_SIZE, bold=True)
        self.document.add_paragraph()

    def heading(self, text: str) -> Paragraph:
        paragraph = self.paragraph("")
        _run_font(paragraph.add_run(text), BODY_SIZE, bold=True)
        return paragraph

    def paragraph(self, text: str = "", *, bold=False, italic=False) -> Paragraph:
        paragraph = self.document.add_paragraph()
        # The body paragraph's properties, built once and copied (as runs' are, see
        # _run_font): a report has hundreds of paragraphs.
        global _BODY_PROPERTIES
        if _BODY_PROPERTIES is None:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            paragraph.paragraph_format.first_line_indent = Mm(10)
            paragraph.paragraph_format.space_after = Pt(6)
            _BODY_PROPERTIES = deepcopy(paragraph._p.pPr)
        else:
            paragraph._p.insert(0, deepcopy(_BODY_PROPERTIES))
        if text:
            _run_font(paragraph.add_run(text), BODY_SIZE, bold=bold, italic=italic)
        return paragraph

    def table(self, rows: list[list[str]], widths_mm: list[float], *, header_rows: int = 1,
              size: Pt = TABLE_SIZE, bold_rows: frozenset[int] = frozenset(),
              right_columns: frozenset[int] = frozenset(),
              nowrap_columns: frozenset[int] = frozenset()) -> Table:
        """A bordered table; rows in `bold_rows` (indexes) and the header rows in bold. The
        header rows repeat on every page, a row never splits across pages, and cells of
        `nowrap_columns` (codes like "1.5.1.") keep to one line."""
        table = self.document.add_table(rows=len(rows), cols=len(widths_mm))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        _widths(table, widths_mm)
        # Row by row: `table.cell(r, c)` rebuilds python-docx's whole cell grid on every call,
        # which made a table of a hundred rows cost seconds.
        for r, (row, values) in enumerate(zip(table.rows, rows, strict=True)):
            bold = r < header_rows or r in bold_rows
            if r < header_rows:
                _repeat_header(row)
            _whole_row(row)
            for c, (cell, value) in enumerate(zip(row.cells, values, strict=False)):
                paragraph = cell.paragraphs[0]
                if c in nowrap_columns and r >= header_rows:
                    _no_wrap(cell)
                if r < header_rows:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                elif c in right_columns:  # figures
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                _run_font(paragraph.add_run(value), size, bold=bold)
        return table

    def signature(self, signature: Signature) -> None:
        self.document.add_paragraph()
        table = self.document.add_table(rows=1, cols=2)
        _no_borders(table)
        _widths(table, [80, 85])
        left, right = table.rows[0].cells
        recipients = left.paragraphs[0]
        recipients.alignment = WD_ALIGN_PARAGRAPH.LEFT
        _run_font(recipients.add_run("Nơi nhận:"), Pt(12), bold=True, italic=True)
        for name in signature.recipients:
            line = left.add_paragraph()
            _run_font(line.add_run(f"- {name};"), Pt(11))
        first = right.paragraphs[0]
        if signature.authority:
            self._line(first, signature.authority, BODY_SIZE, bold=True)
            first = right.add_paragraph()
        self._line(first, signature.position, BODY_SIZE, bold=True)
        for _ in range(3):  # room for the signature and the seal
            right.add_paragraph()
        self._line(right.add_paragraph(), signature.name, BODY_SIZE, bold=True)

    def signatures(self, left: Signature, right: Signature) -> None:
        """Two signers side by side (minutes: the secretary left, the chair right)."""
        self.document.add_paragraph()
        table = self.document.add_table(rows=1, cols=2)
        _no_borders(table)
        _widths(table, [82, 82])
        for cell, signer in zip(table.rows[0].cells, (left, right), strict=True):
            first = cell.paragraphs[0]
            if signer.authority:
                self._line(first, signer.authority, BODY_SIZE, bold=True)
                first = cell.add_paragraph()
            self._line(first, signer.position, BODY_SIZE, bold=True)
            for _ in range(3):
                cell.add_paragraph()
            self._line(cell.add_paragraph(), signer.name, BODY_SIZE, bold=True)

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()

    @classmethod
    def _fitted(cls, paragraph: Paragraph, text: str, cell_mm: float, size: Pt = HEADER_SIZE, *,
                bold=False) -> None:
        """A header line that never wraps: its size reduced until it fits its cell."""
        fitted = _fitting_size(text, size, cell_mm, bold=bold)
        cls._line(paragraph, text, fitted, bold=bold)

    @staticmethod
    def _line(paragraph: Paragraph, text: str, size: Pt, *, bold=False, italic=False) -> None:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run_font(paragraph.add_run(text), size, bold=bold, italic=italic)
