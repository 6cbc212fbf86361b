"""The appendix as files: .xlsx in the official layout, .docx (and PDF through LibreOffice),
and a .docx draft of the whole quarterly report for the focal officer to finish in Word.

Every file is built from the same `Table` the page shows (a submitted period's snapshot), so
the report's narrative and its appendix cannot disagree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from tracker.appendix.report import PARTS, ReportDetails
from tracker.appendix.table import Table, TableRow, display_value, period_caption
from tracker.core.documents import OfficialDocument, Signature, committee_header
from tracker.core.spreadsheets import Column, FixedText, SpreadsheetWriter

HEADERS = ("STT", "Chỉ tiêu thống kê", "Đơn vị tính", "Số liệu", "Ghi chú")
COLUMNS = (  # A4 portrait at about 90 %
    Column(7, wrap=False),
    Column(58),
    Column(13),
    Column(12, align="right", wrap=False),
    Column(22),
)
PERCENT_FORMAT = '0.0"%"'


@dataclass(frozen=True)
class Context:
    """Who the appendix is from and for which period."""

    unit_name: str  # "Phường Vĩnh Hòa"
    parent_name: str  # "Thành phố Nha Trang"
    period_label: str  # "Quý I năm 2024"
    start: date
    end: date


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _attachment_line(ctx: Context, *, unbroken: bool = False) -> str:
    # In Word the unit's name is never broken across lines (no-break spaces inside it).
    name = _lower_first(ctx.unit_name)
    if unbroken:
        name = name.replace(" ", "\u00a0")
    return (f"(Đính kèm Báo cáo cải cách hành chính {_lower_first(ctx.period_label)} "
            f"của UBND {name})")


def _cell_value(row: TableRow):
    """What the Số liệu cell holds: numbers stay numbers; a row without one says why
    ("Không phát sinh", "Chưa nhập", "Không có số liệu")."""
    if not row.has_value:
        return None
    if not row.is_figure:
        return display_value(row)
    return float(row.value) if row.value != row.value.to_integral_value() else int(row.value)


def appendix_xlsx(
    table: Table, ctx: Context, extra: Callable[[SpreadsheetWriter], None] | None = None
) -> bytes:
    """The official sheet; `extra` adds sheets after it (the province's list of communes)."""
    writer = SpreadsheetWriter()
    sheet = writer.sheet("Phụ lục 1", COLUMNS, vertical="center")
    sheet.title("Phụ lục 1", size=13, bold=True)
    sheet.title(table.title, size=13, bold=True)
    sheet.title(period_caption(ctx.start, ctx.end), size=13, italic=True)
    sheet.title(_attachment_line(ctx), size=13, italic=True)
    sheet.blank()
    sheet.header(HEADERS)
    for row in table.rows:
        # The labels come from the indicator file ("- Số nhiệm vụ …" as the official form
        # prints them) and are written as they stand; the notes people type are escaped.
        value = _cell_value(row)
        label = FixedText(row.label_with_bullet)
        cells = sheet.row((row.code, label, row.unit, value, row.note), bold=row.is_section)
        if row.is_rate and row.is_figure:
            cells[3].number_format = PERCENT_FORMAT
        elif isinstance(value, float):
            cells[3].number_format = "#,##0.0##"
        elif isinstance(value, int):
            cells[3].number_format = "#,##0"
    sheet.finish(landscape=False, freeze_and_filter=False)
    if extra is not None:
        extra(writer)
    return writer.to_bytes()


def _table_rows(table: Table) -> tuple[list[list[str]], frozenset[int]]:
    rows = [list(HEADERS)]
    bold = set()
    for index, row in enumerate(table.rows, start=1):
        rows.append([row.code, row.label_with_bullet, row.unit, display_value(row), row.note])
        if row.is_section:
            bold.add(index)
    return rows, frozenset(bold)


def _appendix_part(doc: OfficialDocument, table: Table, ctx: Context) -> None:
    doc.heading("Phụ lục 1").alignment = 1
    for text, is_bold in ((table.title, True), (period_caption(ctx.start, ctx.end), False),
                          (_attachment_line(ctx, unbroken=True), False)):
        paragraph = doc.paragraph(text, bold=is_bold, italic=not is_bold)
        paragraph.alignment = 1  # centred
        paragraph.paragraph_format.first_line_indent = 0
    rows, bold = _table_rows(table)
    # STT wide enough for "1.5.1." on one line, the unit column for "Bộ phận/người", the
    # figure column for "Không phát sinh" unbroken: no word is ever cut inside.
    doc.table(rows, [17, 66, 27, 25, 30], bold_rows=bold, right_columns=frozenset({3}),
              nowrap_columns=frozenset({0}))


def appendix_docx(
    table: Table,
    ctx: Context,
    number: str = "      /BC-UBND",
    day: date | None = None,
    extra: Callable[[OfficialDocument], None] | None = None,
) -> bytes:
    """Phụ lục 1 alone: under the committee's header, like every document it issues; `extra`
    adds a part after it (the province's list of communes)."""
    doc = OfficialDocument()
    doc.header(committee_header(ctx.unit_name, number, day, ctx.end.year))
    _appendix_part(doc, table, ctx)
    if extra is not None:
        extra(doc)
    return doc.to_bytes()


def report_subject(ctx: Context) -> str:
    return f"Công tác cải cách hành chính {_lower_first(ctx.period_label)}"


def _write_lines(doc: OfficialDocument, lines) -> None:
    for line in lines:
        if line.kind == "item":
            doc.paragraph(f"- {line.text}")
        else:
            doc.paragraph(line.text)


def report_docx(table: Table, ctx: Context, sections, details: ReportDetails) -> bytes:
    """The quarterly report in the Nghị định 30/2020 layout: the sections the builder wrote
    (report.build_sections, the same the page previews), each followed by the officer's text,
    then Phụ lục 1 from the same table."""
    doc = OfficialDocument()
    doc.header(committee_header(ctx.unit_name, details.number or "      /BC-UBND",
                                details.day, ctx.end.year))
    doc.title("BÁO CÁO", report_subject(ctx))
    if details.addressee:
        doc.addressee(details.addressee)
    doc.paragraph(f"Kỳ báo cáo: từ ngày {ctx.start:%d/%m/%Y} đến ngày {ctx.end:%d/%m/%Y}.",
                  italic=True)
    part = ""
    for section in sections:
        if section.part != part:
            part = section.part
            doc.heading(PARTS[part])
        if section.title:
            doc.heading(section.title)
        _write_lines(doc, section.lines)
        for paragraph in section.written:
            doc.paragraph(paragraph)
    doc.paragraph("Đính kèm Phụ lục 1: Biểu mẫu thống kê số liệu cải cách hành chính định kỳ.")
    doc.signature(Signature(
        name=details.signer_name, position=details.signer_title,
        authority=details.signer_authority, recipients=list(details.recipients),
    ))
    doc.document.add_page_break()
    _appendix_part(doc, table, ctx)
    return doc.to_bytes()


# ---------------------------------------------------------------- the province's summary

COMMUNE_HEADERS = ("STT", "Đơn vị", "Tình trạng", "Chốt số liệu lúc", "Đúng hạn")
COMMUNE_COLUMNS = (Column(7, wrap=False), Column(36), Column(16), Column(20), Column(12))


@dataclass(frozen=True)
class CommuneLine:
    """One commune in the summary's list: frozen (when, on time) or missing."""

    name: str
    frozen: bool
    submitted: str = ""  # "20/03/2025 09:12"
    on_time: bool | None = None


def _commune_cells(index: int, line: CommuneLine) -> tuple[str, ...]:
    state = "Đã chốt" if line.frozen else "Chưa chốt (thiếu)"
    timely = "" if line.on_time is None else ("Đúng hạn" if line.on_time else "Quá hạn")
    return (str(index), line.name, state, line.submitted, timely)


def summary_xlsx(table: Table, ctx: Context, communes: list[CommuneLine]) -> bytes:
    """The province's Phụ lục 1 (the official sheet) and a sheet of its communes."""

    def communes_sheet(writer: SpreadsheetWriter) -> None:
        sheet = writer.sheet("Các xã", COMMUNE_COLUMNS)
        frozen = sum(1 for line in communes if line.frozen)
        sheet.title(f"Tổng hợp từ {frozen}/{len(communes)} đơn vị đã chốt số liệu", bold=True)
        sheet.blank()
        sheet.header(COMMUNE_HEADERS)
        for index, line in enumerate(communes, start=1):
            sheet.row(_commune_cells(index, line))
        sheet.finish(landscape=False)

    return appendix_xlsx(table, ctx, communes_sheet)


def summary_docx(table: Table, ctx: Context, communes: list[CommuneLine]) -> bytes:
    def communes_part(doc: OfficialDocument) -> None:
        frozen = sum(1 for line in communes if line.frozen)
        doc.heading(f"Các đơn vị: {frozen}/{len(communes)} đã chốt số liệu")
        rows = [list(COMMUNE_HEADERS)] + [
            list(_commune_cells(i, line)) for i, line in enumerate(communes, start=1)
        ]
        doc.table(rows, [13, 62, 32, 35, 22])

    return appendix_docx(table, ctx, extra=communes_part)


__all__ = ["CommuneLine", "Context", "ReportDetails", "appendix_docx", "appendix_xlsx",
           "report_docx", "summary_docx", "summary_xlsx"]
