"""What every .xlsx the product writes shares: the official font, dd/mm/yyyy dates, cells
no spreadsheet will run as formulas, a printable table layout, and a download.

Every exporter writes through `SpreadsheetWriter`: a sheet of title lines, a header row and
rows, in Times New Roman 12 with thin borders, where every text passes through `safe_cell`.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from tracker.core.downloads import download

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "dd/mm/yyyy"
FONT_NAME = "Times New Roman"

# What spreadsheets read as the start of a formula (OWASP's list: a tab or a carriage return
# before one too).
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """A text that a spreadsheet would run as a formula (= + - @ tab CR first) gets a leading
    quote."""
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
        return "'" + value
    return value


class FixedText(str):
    """A text the product itself words, not one anybody typed: an official form's label such as
    "- Số nhiệm vụ …", written as it stands (a text cell; `safe_cell` would put a quote before
    its dash). Only one starting with = is still escaped: no cell is ever a formula."""


def _safe_value(value: Any) -> Any:
    if isinstance(value, FixedText) and not value.startswith("="):
        return str(value)
    return safe_cell(value)


def finish_table(
    sheet: Worksheet,
    widths: Sequence[float],
    header_row: int,
    end_row: int,
    *,
    landscape: bool = True,
    freeze_and_filter: bool = True,
) -> None:
    """Column widths, a repeated header, A4 (landscape, or portrait) fitted to the page width,
    row heights for the wrapped text, and (`freeze_and_filter`) a frozen header and a filter
    over the rows [header_row, end_row)."""
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    if freeze_and_filter:
        sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    if freeze_and_filter and end_row > header_row + 1:
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


@dataclass(frozen=True)
class Column:
    """A column of a table: its width (in characters), where its cells' content sits, and
    whether it holds dates (dd/mm/yyyy, also on a row where it shows a text)."""

    width: float
    align: str | None = None  # "center", "right"; None: text left, numbers right
    wrap: bool = True
    date: bool = False


class SheetWriter:
    """One sheet: title lines over the table, its header row, then its rows, each written at the
    next free row. Times New Roman 12 with thin borders in the table; dates dd/mm/yyyy; every
    text through `safe_cell` (`FixedText`: the product's own wording, as it stands)."""

    def __init__(self, sheet: Worksheet, columns: Sequence[Column], *, vertical: str = "top"):
        self.sheet = sheet
        self.columns = tuple(columns)
        self.widths = tuple(column.width for column in self.columns)
        self.next_row = 1
        self.header_row: int | None = None
        self.font = Font(name=FONT_NAME, size=12)
        self.bold = Font(name=FONT_NAME, size=12, bold=True)
        thin = Side(style="thin")
        self.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        self._alignments = tuple(
            Alignment(horizontal=column.align, vertical=vertical, wrap_text=column.wrap)
            for column in self.columns
        )
        self._centred = Alignment(horizontal="center", vertical="center", wrap_text=True)

    def title(self, text: str, *, size: float = 12, bold: bool = False, italic: bool = False,
              height: float | None = None) -> Cell:
        """A line above the table, centred across its columns."""
        row = self.next_row
        cell = self.sheet.cell(row=row, column=1, value=_safe_value(text))
        cell.font = Font(name=FONT_NAME, size=size, bold=bold, italic=italic)
        cell.alignment = self._centred
        self.sheet.merge_cells(start_row=row, start_column=1, end_row=row,
                               end_column=len(self.columns))
        if height is not None:
            self.sheet.row_dimensions[row].height = height
        self.next_row += 1
        return cell

    def blank(self) -> None:
        self.next_row += 1

    def header(self, labels: Sequence[str]) -> int:
        """The table's header row (bold, centred, bordered); its row number."""
        self.header_row = row = self.next_row
        for column, label in enumerate(labels, start=1):
            cell = self.sheet.cell(row=row, column=column, value=_safe_value(label))
            cell.font, cell.border, cell.alignment = self.bold, self.border, self._centred
        self.next_row += 1
        return row

    def row(self, values: Sequence[Any], *, bold: bool = False) -> tuple[Cell, ...]:
        """A row of the table (one value a column); its cells, for a number format."""
        row, font = self.next_row, self.bold if bold else self.font
        cells = []
        for index, (value, column) in enumerate(zip(values, self.columns, strict=True)):
            cell = self.sheet.cell(row=row, column=index + 1, value=_safe_value(value))
            cell.font, cell.border, cell.alignment = font, self.border, self._alignments[index]
            if column.date or isinstance(value, date):
                cell.number_format = DATE_FORMAT
            cells.append(cell)
        self.next_row += 1
        return tuple(cells)

    def finish(self, *, landscape: bool = True, freeze_and_filter: bool = True) -> None:
        """Widths, printing and row heights (`finish_table`) for the header and rows written."""
        assert self.header_row is not None, "a table needs its header row"
        finish_table(self.sheet, self.widths, self.header_row, self.next_row,
                     landscape=landscape, freeze_and_filter=freeze_and_filter)


class SpreadsheetWriter:
    """A workbook of `SheetWriter` sheets; `to_bytes()` for the .xlsx file."""

    def __init__(self) -> None:
        self.workbook = Workbook()
        self._sheets = 0

    def sheet(self, title: str, columns: Sequence[Column], *, vertical: str = "top") -> SheetWriter:
        sheet = self.workbook.active if self._sheets == 0 else self.workbook.create_sheet()
        sheet.title = title
        self._sheets += 1
        return SheetWriter(sheet, columns, vertical=vertical)

    def to_bytes(self) -> bytes:
        return workbook_bytes(self.workbook)


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_download(content: bytes, name: str):
    """An .xlsx attachment (core.downloads: Vietnamese and ASCII file names, not cached)."""
    return download(content, name, XLSX_MIMETYPE)
