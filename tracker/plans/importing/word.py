"""Reading a Word (.docx) plan: provincial and ward plans are issued as documents whose appendix
holds the task table. Each table of the document becomes rows for the one parser (parsing.py),
as an .xlsx sheet does; the parser takes the first table whose header it recognises.

A table's rows are numbered from 1 (the line a problem names); paragraphs above a table come
first as a title block (line 0: never named), where the parser finds the plan's
title, document number and years. A cell merged across columns keeps its text in its first
column only (a group heading spans the row); a cell merged down repeats its text on each row it
covers (one "Chủ trì" for several tasks), which the parser also accepts in a two-row header.
"""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Iterator
from typing import Any

from tracker.core.zipfiles import MAX_UNCOMPRESSED, NotAZip, UnsafeArchive, check_office_zip
from tracker.plans.importing.cells import Row, fold
from tracker.plans.importing.problems import ImportProblems, _

MAX_COLUMNS = 30  # as reading.MAX_COLUMNS (imported there: not imported back)
TITLE_LINES = 12  # paragraphs above a table read as its title block
HEAD_LINES = 3  # of them, the document's first ones when the table is in an appendix
# "Vĩnh Hòa, ngày 15 tháng 01 năm 2024": the place and date line, not a title.
_PLACE_DATE = re.compile(r"^[^,]{1,60}, ngay \d{1,2} thang \d{1,2} nam \d{4}$")


def not_docx() -> ImportProblems:
    return ImportProblems([(None, _("Tệp không phải văn bản Word (.docx) hợp lệ."))])


@contextlib.contextmanager
def docx_tables(data: bytes) -> Iterator[list[Iterator[Row]]]:
    """The document's tables, in order, each as (line, values) rows behind its title block."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        check_office_zip(data)  # a zip bomb is refused before python-docx opens it
    except NotAZip:
        raise not_docx() from None
    except UnsafeArchive:
        mb = MAX_UNCOMPRESSED // (1024 * 1024)
        raise ImportProblems(
            [(None, _("Tệp quá lớn khi giải nén (tối đa %(mb)s MB): không đọc.", mb=mb))]
        ) from None
    try:
        document = docx.Document(io.BytesIO(data))
        body = document.element.body
        tables: list[list[Row]] = []
        paragraphs: list[str] = []
        for child in body.iterchildren():
            tag = child.tag.rsplit("}", 1)[-1]
            if tag == "p":
                text = " ".join(Paragraph(child, document).text.split())
                if text:
                    paragraphs.append(text)
            elif tag == "tbl":
                rows = _table_rows(Table(child, document))
                tables.append([(0, [line]) for line in _title_block(paragraphs)] + rows)
    except ImportProblems:
        raise
    except Exception:  # an untrusted file: whatever breaks the reader makes it "not a document"
        raise not_docx() from None
    if not tables:
        raise ImportProblems(
            [(None, _("Văn bản Word không có bảng nào: bảng nhiệm vụ cần là một bảng (Table)."))]
        )
    yield [iter(rows) for rows in tables]


def _title_block(paragraphs: list[str]) -> list[str]:
    """The paragraphs above a table that may name its plan: the document's first ones (its
    title, "KẾ HOẠCH" and the subject under it), then those from the last "PHỤ LỤC" heading
    (the appendix's "Kèm theo Kế hoạch số … ngày …"). Tables between (a letterhead) do not
    interrupt them."""
    lines = [p for p in paragraphs if not _PLACE_DATE.match(fold(p))]
    starts = [i for i, text in enumerate(lines) if fold(text).startswith("phu luc")]
    if not starts or starts[-1] < HEAD_LINES:
        return lines[:TITLE_LINES]
    return lines[:HEAD_LINES] + lines[starts[-1]:][:TITLE_LINES]


def _table_rows(table: Any) -> list[Row]:
    from docx.table import _Cell

    rows: list[Row] = []
    above: dict[int, str] = {}  # grid column -> the text of the cell a merge down continues
    for line, tr in enumerate(table._tbl.tr_lst, start=1):
        values: list[Any] = [None] * MAX_COLUMNS
        column = tr.grid_before
        for tc in tr.tc_lst:
            if column >= MAX_COLUMNS:
                break
            if tc.vMerge == "continue":
                text = above.get(column, "")
            else:
                text = _Cell(tc, table).text
                above[column] = text
            values[column] = text or None
            column += max(tc.grid_span, 1)
        while values and values[-1] is None:
            values.pop()
        rows.append((line, values))
    return rows
