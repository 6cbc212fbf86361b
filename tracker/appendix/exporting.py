"""The appendix as files: .xlsx in the official layout, .docx (and PDF through LibreOffice),
and a .docx draft of the whole quarterly report for the focal officer to finish in Word.

Every file is built from the same `Table` the page shows (a submitted period's snapshot), so
the report's narrative and its appendix cannot disagree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from tracker.appendix.table import (
    Table,
    TableRow,
    display_value,
    period_caption,
    show_number,
)
from tracker.core.documents import Header, OfficialDocument, Signature, official_date
from tracker.core.spreadsheets import Column, FixedText, SpreadsheetWriter

HEADERS = ("STT", "Chỉ tiêu thống kê", "Đơn vị tính", "Số liệu", "Ghi chú")
COLUMNS = (  # A4 portrait at about 90 %
    Column(7, wrap=False),
    Column(58),
    Column(13),
    Column(12, align="right", wrap=False),
    Column(22),
)
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
                          (_attachment_line(ctx), False)):
        paragraph = doc.paragraph(text, bold=is_bold, italic=not is_bold)
        paragraph.alignment = 1  # centred
        paragraph.paragraph_format.first_line_indent = 0
    rows, bold = _table_rows(table)
    doc.table(rows, [13, 78, 22, 20, 32], bold_rows=bold, right_columns=frozenset({3}))


def appendix_docx(
    table: Table, ctx: Context, extra: Callable[[OfficialDocument], None] | None = None
) -> bytes:
    doc = OfficialDocument()
    _appendix_part(doc, table, ctx)
    if extra is not None:
        extra(doc)
    return doc.to_bytes()


def _rate_sentence(table: Table, key: str, what: str) -> str:
    row = table[key]
    if not row.is_figure:
        return f"{what}: {_in_prose(row)}."
    return (f"{what}: {display_value(row)} (đã hoàn thành {display_value_of(row.numerator)}/"
            f"{display_value_of(row.denominator)} nhiệm vụ, lũy kế đến thời điểm báo cáo).")


def display_value_of(value) -> str:
    return "—" if value is None else show_number(value)


def _in_prose(row: TableRow) -> str:
    """A figure inside a sentence of the draft: a row without one stands out in brackets for
    the officer to finish ("[chưa nhập]"), except "không phát sinh", which is an answer."""
    text = display_value(row)
    if row.is_figure or not text:
        return text or "…"
    text = text[:1].lower() + text[1:]
    return text if row.not_applicable else f"[{text}]"


def _figure(table: Table, key: str) -> str:
    try:
        row = table[key]
    except KeyError:
        return "…"
    return _in_prose(row)


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

    return appendix_docx(table, ctx, communes_part)


__all__ = ["CommuneLine", "Context", "appendix_docx", "appendix_xlsx", "report_docx",
           "summary_docx", "summary_xlsx"]
