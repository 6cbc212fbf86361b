"""Step 1, reading: the rows of an .xlsx workbook's sheets, of a CSV file (whatever its encoding
and delimiter) or of a Word (.docx) document's tables (word.py); a file that is none of them is
refused whole."""

from __future__ import annotations

import contextlib
import csv
import io
import itertools
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import PurePath
from typing import Any

from tracker.core.zipfiles import MAX_UNCOMPRESSED, NotAZip, UnsafeArchive, check_office_zip
from tracker.plans.importing.cells import Row, cell_text
from tracker.plans.importing.header import Header, match_header
from tracker.plans.importing.problems import ImportProblems, _
from tracker.plans.importing.word import docx_tables, not_docx

# A plan has tens of tasks; a file past these limits is a mistake (or an attack), not a plan.
MAX_ROWS = 2000  # non-empty rows, title block included
MAX_LINE = 100_000  # rows read at all (sheets whose formatting runs down a million empty rows)
MAX_COLUMNS = 30
HEADER_SEARCH_ROWS = 30  # the header row is among the first rows
MAX_MB = MAX_UNCOMPRESSED // (1024 * 1024)


def _not_xlsx() -> ImportProblems:
    return ImportProblems([(None, _("Tệp không phải bảng tính Excel (.xlsx) hợp lệ."))])


def _not_csv() -> ImportProblems:
    return ImportProblems([(None, _("Tệp không phải tệp CSV (văn bản) hợp lệ."))])


@contextlib.contextmanager
def _xlsx_tables(data: bytes) -> Iterator[list[Iterator[Row]]]:
    """The workbook's sheets, the active one first, each as (line, values) rows."""
    import openpyxl

    try:
        check_office_zip(data)
    except NotAZip:
        raise _not_xlsx() from None
    except UnsafeArchive:
        raise ImportProblems(
            [(None, _("Tệp quá lớn khi giải nén (tối đa %(mb)s MB): không đọc.", mb=MAX_MB))]
        ) from None
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # an untrusted file: whatever breaks the reader makes it "not a workbook"
        raise _not_xlsx() from None
    try:
        active = workbook.active
        sheets = [active, *(ws for ws in workbook.worksheets if ws is not active)]
        yield [_xlsx_rows(ws) for ws in sheets if hasattr(ws, "iter_rows")]
    finally:
        workbook.close()


def _xlsx_rows(sheet: Any) -> Iterator[Row]:
    try:
        rows = sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
        for line, values in enumerate(rows, start=1):
            yield line, list(values)
    except Exception:  # the sheet's XML is read lazily, row by row
        raise _not_xlsx() from None


def _decode_text(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text"
        text = data.decode("utf-16", errors="replace")
    elif b"\x00" in data:
        raise _not_csv()
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            # Excel's plain "CSV" on a Vietnamese Windows is code page 1258 (tone marks as
            # combining characters, composed by NFC below); latin-1 reads any byte at all.
            try:
                text = data.decode("cp1258")
            except UnicodeDecodeError:
                text = data.decode("latin-1")
    sample = text[:20000]
    if sum(1 for c in sample if unicodedata.category(c) == "Cc" and c not in "\r\n\t") > 10:
        raise _not_csv()
    return unicodedata.normalize("NFC", text)


def _csv_rows(text: str, delimiter: str) -> Iterator[Row]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for number, record in enumerate(reader, start=1):
            yield number, record[:MAX_COLUMNS]
    except csv.Error:
        raise _not_csv() from None


@contextlib.contextmanager
def _csv_tables(data: bytes) -> Iterator[list[Iterator[Row]]]:
    """The CSV's records, split by the delimiter (',' ';' or tab) that finds a header row.

    Only the records' number is known, not their physical line: a record number is the row
    Excel shows, also when a cell holds several lines.
    """
    text = _decode_text(data)
    sample = text[:8192]
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        sniffed = max(",;\t", key=sample.count)
    # The sniffer is misled by commas inside cells ("Sản phẩm, kết quả"): the delimiter that
    # finds the richest header row wins, the sniffer's choice on a tie.
    scores = {}
    for delimiter in dict.fromkeys((sniffed, ",", ";", "\t")):
        header = find_header(itertools.islice(_csv_rows(text, delimiter), HEADER_SEARCH_ROWS))
        scores[delimiter] = header.known if header else 0
    best = max(scores, key=lambda d: scores[d])  # first maximum: the sniffer's on a tie
    yield [_csv_rows(text, best)]


def find_header(rows: Iterable[Row]) -> Header | None:
    for line, values in rows:
        if header := match_header(line, [cell_text(v) for v in values]):
            return header
    return None


def _zip_kind(data: bytes, suffix: str) -> str:
    """An Office Open XML file: a Word document or a workbook, by what the archive holds."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        names = set()
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return "docx" if suffix == ".docx" else "xlsx"  # broken: refused by the reader it names


def _file_kind(filename: str, data: bytes) -> str:
    suffix = PurePath(filename or "").suffix.lower()
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data, suffix)
    if data.startswith(b"\xd0\xcf\x11\xe0") and suffix == ".doc":
        raise ImportProblems(
            [(None, _("Tệp Word 97-2003 (.doc) không được hỗ trợ: hãy lưu lại thành .docx."))]
        )
    if data.startswith(b"\xd0\xcf\x11\xe0") or suffix == ".xls":
        raise ImportProblems(
            [
                (
                    None,
                    _(
                        "Tệp Excel 97-2003 (.xls) không được hỗ trợ: hãy lưu lại thành .xlsx "
                        "hoặc .csv."
                    ),
                )
            ]
        )
    if suffix == ".xlsx":
        raise _not_xlsx()
    if suffix == ".docx":
        raise not_docx()
    if suffix in (".csv", ".txt", ".tsv"):
        return "csv"
    raise ImportProblems(
        [
            (
                None,
                _(
                    "Chỉ nhận tệp .xlsx, .csv hoặc văn bản Word .docx (tệp đã gửi: %(name)s).",
                    name=filename,
                ),
            )
        ]
    )


def read_tables(filename: str, data: bytes) -> contextlib.AbstractContextManager:
    """The file's tables (an .xlsx file's sheets, the active one first; a CSV file's one; a
    Word document's tables, in the document's order)."""
    kind = _file_kind(filename, data)
    if kind == "docx":
        return docx_tables(data)
    return _xlsx_tables(data) if kind == "xlsx" else _csv_tables(data)
