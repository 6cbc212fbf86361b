"""What every .xlsx the product writes shares: the official font, dd/mm/yyyy dates, cells
no spreadsheet will run as formulas, a printable table layout, and a download."""

from __future__ import annotations

import io
import math
import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from flask import send_file
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "dd/mm/yyyy"
FONT_NAME = "Times New Roman"

_FORMULA_PREFIXES = ("=", "+", "-", "@")


def safe_cell(value: Any) -> Any:
    """A text that a spreadsheet would run as a formula (= + - @ first) gets a leading quote."""
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
        return "'" + value
    return value


def finish_table(sheet: Worksheet, widths: Sequence[int], header_row: int, end_row: int) -> None:
    """Column widths, a frozen and repeated header, A4 landscape fitted to the page width,
    and a filter over the rows [header_row, end_row)."""
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    if end_row > header_row + 1:
        sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(len(widths))}{end_row - 1}"
    fit_row_heights(sheet, widths, header_row, end_row)


# Points per line of wrapped text at the sheets' 12 pt, and characters per unit of column width
# (a little under what Times New Roman fits, so a line is never cut short).
LINE_POINTS = 15.75
CHARS_PER_WIDTH = 1.1


def fit_row_heights(
    sheet: Worksheet, widths: Sequence[float], first_row: int, end_row: int
) -> None:
    """Row heights for the wrapped text of rows [first_row, end_row): neither Excel nor
    LibreOffice grows a row written by openpyxl, so a long label would be cut or overlap."""
    for row in sheet.iter_rows(min_row=first_row, max_row=end_row - 1, max_col=len(widths)):
        lines = 1
        for cell, width in zip(row, widths, strict=False):
            if not isinstance(cell.value, str) or not cell.alignment.wrap_text:
                continue
            per_line = max(1, int(width * CHARS_PER_WIDTH))
            needed = sum(max(1, math.ceil(len(part) / per_line)) for part in cell.value.split("\n"))
            lines = max(lines, needed)
        if lines > 1:
            sheet.row_dimensions[row[0].row].height = lines * LINE_POINTS


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def file_name(text: str, suffix: str = ".xlsx") -> str:
    """A Vietnamese title as a file name: NFC, no characters file systems refuse."""
    name = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "-", unicodedata.normalize("NFC", text))
    return name.strip(" .-") + suffix


def xlsx_download(content: bytes, name: str):
    """An attachment response; werkzeug writes the ASCII and the UTF-8 file names."""
    response = send_file(
        io.BytesIO(content), mimetype=XLSX_MIMETYPE, as_attachment=True, download_name=name
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response
