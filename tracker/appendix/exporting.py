"""The appendix as files: .xlsx in the official layout, .docx (and PDF through LibreOffice),
and a .docx draft of the whole quarterly report for the focal officer to finish in Word.

Every file is built from the same `Table` the page shows (a submitted period's snapshot), so
the report's narrative and its appendix cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

from tracker.appendix.table import (
    NOT_APPLICABLE,
    Table,
    TableRow,
    display_value,
    period_caption,
    show_number,
)
from tracker.core.documents import Header, OfficialDocument, Signature, official_date
from tracker.core.spreadsheets import FONT_NAME, fit_row_heights, safe_cell, workbook_bytes

HEADERS = ("STT", "Chỉ tiêu thống kê", "Đơn vị tính", "Số liệu", "Ghi chú")
WIDTHS = (7, 58, 13, 12, 22)  # A4 portrait at about 90 %
PERCENT_FORMAT = '0.0" %"'


@dataclass(frozen=True)
class Context:
    """Who the appendix is from and for which period."""

    unit_name: str  # "Phường Vĩnh Hòa"
    parent_name: str  # "Thành phố Nha Trang"
    period_label: str  # "Quý I năm 2024"
    start: date
    end: date
    report_date: date  # the date on the report (today, by default)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _attachment_line(ctx: Context) -> str:
    return (f"(Đính kèm Báo cáo cải cách hành chính {_lower_first(ctx.period_label)} "
            f"của UBND {_lower_first(ctx.unit_name)})")


def _cell_value(row: TableRow):
    """What the Số liệu cell holds: numbers stay numbers; a rate over nothing says so."""
    if not row.has_value or (row.value is None and not row.is_rate):
        return None
    if row.not_applicable:
        return NOT_APPLICABLE
    return float(row.value) if row.value != row.value.to_integral_value() else int(row.value)


def appendix_xlsx(table: Table, ctx: Context) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Phụ lục 1"
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    font, bold = Font(name=FONT_NAME, size=12), Font(name=FONT_NAME, size=12, bold=True)
    lines = [("Phụ lục 1", True), (table.title, True),
             (period_caption(ctx.start, ctx.end), False), (_attachment_line(ctx), False)]
    for number, (text, is_bold) in enumerate(lines, start=1):
        sheet.merge_cells(start_row=number, start_column=1, end_row=number, end_column=5)
        cell = sheet.cell(row=number, column=1, value=text)
        cell.font = Font(name=FONT_NAME, size=13, bold=is_bold, italic=not is_bold)
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
    header_row = len(lines) + 2
    for column, text in enumerate(HEADERS, start=1):
        cell = sheet.cell(row=header_row, column=column, value=text)
        cell.font, cell.border = bold, border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for offset, row in enumerate(table.rows, start=1):
        r = header_row + offset
        # The labels come from the indicator file ("- Số nhiệm vụ …" as the official form
        # prints them) and are written as text; the notes people type are escaped.
        values = (row.code, row.label_with_bullet, row.unit, _cell_value(row), safe_cell(row.note))
        strong = row.is_section
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=r, column=column, value=value)
            if isinstance(value, str):
                cell.data_type = "s"
            cell.font, cell.border = (bold if strong else font), border
            cell.alignment = Alignment(vertical="center", wrap_text=column in (2, 3, 5),
                                       horizontal="right" if column == 4 else None)
        number = sheet.cell(row=r, column=4)
        if row.is_rate and row.value is not None:
            number.number_format = PERCENT_FORMAT
        elif isinstance(number.value, float):
            number.number_format = "#,##0.0##"
        elif isinstance(number.value, int):
            number.number_format = "#,##0"
    for column, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions["ABCDE"[column - 1]].width = width
    fit_row_heights(sheet, WIDTHS, header_row, header_row + len(table.rows) + 1)
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "portrait"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    return workbook_bytes(workbook)


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
                          (_attachment_line(ctx), False)):
        paragraph = doc.paragraph(text, bold=is_bold, italic=not is_bold)
        paragraph.alignment = 1  # centred
        paragraph.paragraph_format.first_line_indent = 0
    rows, bold = _table_rows(table)
    doc.table(rows, [13, 78, 22, 20, 32], bold_rows=bold, right_columns=frozenset({3}))


def appendix_docx(table: Table, ctx: Context) -> bytes:
    doc = OfficialDocument()
    _appendix_part(doc, table, ctx)
    return doc.to_bytes()


def _rate_sentence(table: Table, key: str, what: str) -> str:
    row = table[key]
    if row.denominator is None or row.value is None:
        return f"{what}: không phát sinh."
    return (f"{what}: {display_value(row)} (đã hoàn thành {display_value_of(row.numerator)}/"
            f"{display_value_of(row.denominator)} nhiệm vụ, lũy kế đến thời điểm báo cáo).")


def display_value_of(value) -> str:
    return "—" if value is None else show_number(value)


def _figure(table: Table, key: str) -> str:
    try:
        row = table[key]
    except KeyError:
        return "…"
    text = display_value(row)
    return text or "…"


def report_docx(table: Table, ctx: Context, signer: str = "", number: str = "…/BC-UBND") -> bytes:
    """The quarterly report in the Nghị định 30/2020 layout, its figures from the table and
    its directing documents from the evidence of the period; the rest left for the officer."""
    doc = OfficialDocument()
    doc.header(Header(
        issuing_body=f"ỦY BAN NHÂN DÂN {ctx.unit_name.upper()}",
        parent_body=f"UBND {ctx.parent_name.upper()}" if ctx.parent_name else "",
        number=number,
        place=ctx.unit_name.split(" ", 1)[-1],
        day=ctx.report_date,
    ))
    doc.title("BÁO CÁO", f"Công tác cải cách hành chính {_lower_first(ctx.period_label)}")
    doc.paragraph(f"Kỳ báo cáo: từ ngày {ctx.start:%d/%m/%Y} đến ngày {ctx.end:%d/%m/%Y}.",
                  italic=True)
    doc.heading("I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CẢI CÁCH HÀNH CHÍNH")
    doc.heading("1. Kế hoạch cải cách hành chính")
    doc.paragraph(_rate_sentence(table, "1.2", "Tỷ lệ hoàn thành kế hoạch CCHC năm"))
    doc.paragraph(_rate_sentence(
        table, "1.3", "Tỷ lệ hoàn thành kế hoạch cải thiện & nâng cao chỉ số PAPI"))
    doc.paragraph(_rate_sentence(table, "1.4", "Tỷ lệ hoàn thành kế hoạch thực hiện Kết luận "
                                              "số 91-KL/TU"))
    doc.paragraph(
        f"Nhiệm vụ được cấp trên giao: {_figure(table, '1.6.a')} nhiệm vụ; hoàn thành đúng hạn "
        f"{_figure(table, '1.6.b')}; hoàn thành nhưng quá hạn {_figure(table, '1.6.c')}; quá "
        f"hạn nhưng chưa hoàn thành {_figure(table, '1.6.d')}."
    )
    doc.heading("2. Văn bản chỉ đạo, điều hành đã ban hành trong kỳ")
    doc.paragraph(f"Trong kỳ, UBND {_lower_first(ctx.unit_name)} đã ban hành "
                  f"{_figure(table, '1.1')} văn bản chỉ đạo, điều hành công tác CCHC:")
    for d in table.documents:
        summary = f" {d.summary}" if d.summary else ""
        doc.paragraph(f"- {d.number} {official_date(d.day)}:{summary}".rstrip(":") + ";")
    doc.heading("II. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH")
    doc.paragraph(
        "Cải cách thủ tục hành chính: tổng số hồ sơ TTHC đã tiếp nhận "
        f"{_figure(table, '3.2.1.a')} hồ sơ; đã giải quyết xong {_figure(table, '3.2.1.b')} hồ "
        f"sơ, trong đó đúng hạn {_figure(table, '3.2.1.c')} hồ sơ, đạt tỷ lệ "
        f"{_figure(table, '3.2.1')}."
    )
    doc.paragraph(
        "Cải cách tổ chức bộ máy: biên chế được giao "
        f"{_figure(table, '4.1.a')} người, có mặt {_figure(table, '4.1.b')} người; số biên chế "
        f"đã tinh giản từ năm 2016 đến thời điểm báo cáo {_figure(table, '4.1.e2')} người "
        f"({_figure(table, '4.1.e')} so với năm 2015)."
    )
    doc.paragraph(
        "Cải cách tài chính công: kế hoạch giải ngân vốn đầu tư công được giao "
        f"{_figure(table, '6.1.a')} triệu đồng, đã thực hiện {_figure(table, '6.1.b')} triệu "
        f"đồng, đạt {_figure(table, '6.1')}."
    )
    doc.paragraph(
        "Chính quyền điện tử, chính quyền số: số hồ sơ TTHC đã tiếp nhận trực tuyến "
        f"{_figure(table, '7.6.3.b')}/{_figure(table, '7.6.3.a')} hồ sơ "
        f"({_figure(table, '7.6.3')}); số hồ sơ được thanh toán trực tuyến "
        f"{_figure(table, '7.6.4.d')} hồ sơ, số tiền {_figure(table, '7.6.4.e')} đồng."
    )
    doc.paragraph("[Nội dung các lĩnh vực còn lại do công chức đầu mối hoàn thiện.]", italic=True)
    doc.heading("III. ĐÁNH GIÁ CHUNG")
    doc.paragraph("[Ưu điểm, tồn tại, hạn chế và nguyên nhân.]", italic=True)
    doc.heading("IV. PHƯƠNG HƯỚNG, NHIỆM VỤ TRỌNG TÂM KỲ TỚI")
    doc.paragraph("[Nhiệm vụ kỳ tới.]", italic=True)
    doc.heading("V. ĐỀ XUẤT, KIẾN NGHỊ")
    doc.paragraph("[Đề xuất, kiến nghị.]", italic=True)
    doc.paragraph("Đính kèm Phụ lục 1: Biểu mẫu thống kê số liệu cải cách hành chính định kỳ.")
    doc.signature(Signature(
        name=signer, position="PHÓ CHỦ TỊCH", authority="TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH",
        recipients=["Phòng Nội vụ thành phố", "Chủ tịch, các PCT UBND", "Lưu: VT"],
    ))
    doc.document.add_page_break()
    _appendix_part(doc, table, ctx)
    return doc.to_bytes()


__all__ = ["Context", "appendix_docx", "appendix_xlsx", "report_docx"]
