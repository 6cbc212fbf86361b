"""Reading a plan from a spreadsheet (.xlsx) or a CSV file, and creating it.

Two steps, so the file is checked whole before anything is written:

- `parse_plan_file(filename, data)` reads the table (title rows, a header row matched loosely,
  group heading rows, task rows) into a `ParsedPlan`, or raises `ImportProblems` listing every bad
  row with its line number;
- `import_plan(session, unit, parsed, metadata)` matches officers by name within the unit and
  creates the Plan, its TaskGroups and Tasks, then flushes (never commits). Unknown officers are
  reported the same way, and then nothing is created.

`import_plan_file()` does both and reports the problems of both steps together.
"""

from __future__ import annotations

import calendar
import contextlib
import csv
import io
import itertools
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import PurePath
from typing import Any

from flask import has_request_context
from flask_babel import gettext
from openpyxl.utils import get_column_letter
from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.core.clock import today
from tracker.core.dates import parse_date
from tracker.core.text import fold as fold_text
from tracker.people.models import Officer, Unit
from tracker.people.operations import normalise_name
from tracker.plans.models import APPENDIX_ROWS, Plan, PlanKind, TaskGroup
from tracker.tasks.models import CadenceMode, Task
from tracker.tasks.operations import default_confirmer, lay_out_occurrences, unit_calendar
from tracker.tasks.recurrence import cadence_from_phrase

# A plan has tens of tasks; a file past these limits is a mistake (or an attack), not a plan.
MAX_ROWS = 2000  # non-empty rows, title block included
MAX_LINE = 100_000  # rows read at all (sheets whose formatting runs down a million empty rows)
MAX_COLUMNS = 30
HEADER_SEARCH_ROWS = 30  # the header row is among the first rows

NO_APPENDIX_ROW = "none"  # metadata value: the plan feeds no appendix row

# The appendix row each kind of plan feeds (DOMAIN: Phụ lục 1, rows 1.2, 1.3, 1.4, 1.6).
DEFAULT_APPENDIX_ROW: dict[PlanKind, str | None] = {
    PlanKind.ANNUAL_REFORM: "1.2",
    PlanKind.PAPI: "1.3",
    PlanKind.CONCLUSION_91: "1.4",
    PlanKind.ASSIGNED_BY_HIGHER_LEVEL: "1.6",
    PlanKind.OTHER: None,
}

TITLE_MAX = 500  # Plan.title
DOCUMENT_NUMBER_MAX = 100  # Plan.document_number
GROUP_NAME_MAX = 300  # TaskGroup.name
RECURRENCE_MAX = 100  # Task.recurrence_note


def _(msgid: str, /, **params: Any) -> str:
    """gettext on pages (the reader's language); the product's language (Vietnamese) elsewhere.

    The CLI has an app context but no request, and the locale selector needs one.
    """
    if has_request_context():
        return gettext(msgid, **params)
    return msgid % params if params else msgid


# ---------------------------------------------------------------------------------------------
# Results and problems


@dataclass(frozen=True, slots=True)
class Problem:
    line: int | None  # the spreadsheet's row number (the CSV record number); None: the whole file
    message: str

    def __str__(self) -> str:
        if self.line is None:
            return self.message
        return _("Dòng %(line)s: %(reason)s", line=self.line, reason=self.message)


class ImportProblems(Exception):
    """The file cannot be imported; `problems` lists every reason, in line order."""

    def __init__(self, problems: Iterable[Problem | tuple[int | None, str]]):
        items = [p if isinstance(p, Problem) else Problem(*p) for p in problems]
        self.problems: list[Problem] = sorted(
            items, key=lambda p: (p.line is not None, p.line or 0)
        )
        super().__init__("; ".join(str(p) for p in self.problems))

    @property
    def messages(self) -> list[str]:
        return [str(p) for p in self.problems]


@dataclass(slots=True)
class ParsedGroup:
    line: int
    name: str


@dataclass(slots=True)
class ParsedTask:
    line: int
    group: int | None  # index into ParsedPlan.groups
    title: str
    deliverable: str = ""
    lead_name: str = ""
    supporter_names: list[str] = field(default_factory=list)
    deadline: date | None = None
    recurrence_note: str = ""


@dataclass(slots=True)
class ParsedPlan:
    filename: str
    title_lines: list[str] = field(default_factory=list)
    groups: list[ParsedGroup] = field(default_factory=list)
    tasks: list[ParsedTask] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def title(self) -> str | None:
        """The plan's title as the file's title block gives it, if it does.

        The first line that is not the issuing body, the national motto, a document number or
        a parenthesised note; a bare "KẾ HOẠCH" is joined to the subject line under it.
        """
        candidates = [
            line
            for line in self.title_lines
            if not line.startswith("(")
            and not fold(line).startswith(_NOT_TITLES)
            and not _APPENDIX_LABEL.fullmatch(fold(line))
        ]
        if not candidates:
            return None
        title = candidates[0]
        if fold(title) in _BARE_DOCUMENT_TYPES and len(candidates) > 1:
            title = f"{title} {candidates[1]}"
        return " ".join(title.split())

    @property
    def document_number(self) -> str | None:
        """'39/QĐ-UBND' from a line like '(Kèm theo Quyết định số 39/QĐ-UBND ngày …)'."""
        for line in self.title_lines:
            if m := _DOCUMENT_NUMBER.search(line):
                return m.group(1).rstrip(".,;")
        return None

    @property
    def document_date(self) -> date | None:
        """The date on the document number's line ('ngày 31/01/2024', 'ngày 31 tháng 01 năm
        2024')."""
        for line in self.title_lines:
            if not _DOCUMENT_NUMBER.search(line):
                continue
            if m := _DOCUMENT_DATE.search(fold(line)):
                day, month, year = (int(g) for g in m.groups())
                try:
                    return date(year, month, day)
                except ValueError:
                    return None
        return None

    @property
    def years(self) -> tuple[int, int] | None:
        """'Thời gian thực hiện: năm 2023 - 2024', else 'năm 2024' in the title block."""
        lines = sorted(
            (fold(line) for line in self.title_lines),
            key=lambda plain: not plain.startswith("thoi gian thuc hien"),
        )
        for plain in lines:
            if m := _YEAR_RANGE.search(plain):
                start, end = int(m.group(1)), int(m.group(2))
                if start <= end:
                    return start, end
            if m := _YEAR.search(plain):
                year = int(m.group(1))
                return year, year
        return None


# Title-block lines that are not the plan's title.
_NOT_TITLES = (
    "cong hoa xa hoi",
    "doc lap",
    "uy ban nhan dan",
    "ubnd",
    "so ",
    "thoi gian thuc hien",
    "nam ",
)
_APPENDIX_LABEL = re.compile(r"phu luc(?: so)?(?: [ivx0-9]+)?")
_BARE_DOCUMENT_TYPES = {"ke hoach", "danh muc", "bang", "chuong trinh"}
_DOCUMENT_NUMBER = re.compile(r"\b[Ss][ốỐ]\s*:?\s*(\d+[^\s,;()]*/[^\s,;()]+)")
# On folded text: "ngay 31 01 2024", "ngay 31 thang 01 nam 2024".
_DOCUMENT_DATE = re.compile(r"\bngay (\d{1,2}) (?:thang )?(\d{1,2}) (?:nam )?(\d{4})\b")
_YEAR_RANGE = re.compile(r"\b((?:19|20)\d\d) ((?:19|20)\d\d)\b")
_YEAR = re.compile(r"\bnam ((?:19|20)\d\d)\b")


# ---------------------------------------------------------------------------------------------
# Plan metadata (from the form or the command line; what is missing comes from the file)


@dataclass(slots=True)
class PlanMetadata:
    kind: PlanKind | None = None  # None: guessed from the title
    title: str | None = None  # None: the file's title row, else the file name
    document_number: str | None = None
    document_date: date | None = None
    start_year: int | None = None  # None: the file's title block, the document's year, this year
    end_year: int | None = None
    appendix_row: str | None = None  # None: from the kind; NO_APPENDIX_ROW: none


def parse_document_date(text: str | None) -> date | None:
    """'31/01/2024' or '2024-01-31' (empty: None); ValueError with a message otherwise."""
    text = (text or "").strip()
    if not text:
        return None
    value = _text_date(text)
    if value is None:
        raise ValueError(_("Ngày văn bản “%(value)s” không hợp lệ (dd/mm/yyyy).", value=text))
    return value


def parse_years(text: str | None) -> tuple[int, int] | None:
    """'2024' or '2023-2024' (empty: None); ValueError with a message otherwise."""
    text = (text or "").strip()
    if not text:
        return None
    m = re.fullmatch(r"(\d{4})(?:\s*[-–—]\s*(\d{4}))?", text)
    if m:
        start = int(m.group(1))
        end = int(m.group(2) or start)
        if 1990 <= start <= end <= 2100:
            return start, end
    raise ValueError(
        _("Năm thực hiện “%(value)s” không hợp lệ (ví dụ 2024 hoặc 2023-2024).", value=text)
    )


def parse_appendix_row(text: str | None) -> str | None:
    """'1.2' … or 'none'; empty: None (automatic). ValueError otherwise."""
    text = (text or "").strip().lower()
    if not text:
        return None
    if text in (*APPENDIX_ROWS, NO_APPENDIX_ROW):
        return text
    raise ValueError(
        _(
            "Dòng phụ lục “%(value)s” không hợp lệ (%(choices)s).",
            value=text,
            choices=", ".join((*APPENDIX_ROWS, NO_APPENDIX_ROW)),
        )
    )


def guess_kind(text: str) -> PlanKind:
    plain = fold(text)
    if "papi" in plain:
        return PlanKind.PAPI
    if re.search(r"\b91\s*-?\s*kl|ket luan (so )?91\b", plain):
        return PlanKind.CONCLUSION_91
    if "cap tren giao" in plain:
        return PlanKind.ASSIGNED_BY_HIGHER_LEVEL
    if "cai cach hanh chinh" in plain or "cchc" in plain:
        return PlanKind.ANNUAL_REFORM
    return PlanKind.OTHER


# ---------------------------------------------------------------------------------------------
# Text helpers


def fold(text: str) -> str:
    """core.text.fold (lower case, no diacritics) with punctuation as spaces: loose matching."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", fold_text(text)).split())


def _clean(text: str) -> str:
    """NFC, lines trimmed, runs of spaces collapsed, blank lines dropped."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def _unescape(text: str) -> str:
    """Undo the export's formula-injection escape ("'=…" -> "=…")."""
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@":
        return text[1:]
    return text


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, date):  # datetime included
        return value.strftime("%d/%m/%Y")
    return _unescape(_clean(str(value)))


def _name_key(name: str) -> str:
    return normalise_name(name).casefold()


# ---------------------------------------------------------------------------------------------
# Columns and header


STT, FIELD, TASK, DELIVERABLE, LEAD, SUPPORT, DEADLINE = (
    "stt",
    "field",
    "task",
    "deliverable",
    "lead",
    "support",
    "deadline",
)

COLUMN_LABELS = {
    STT: "STT",
    FIELD: "Lĩnh vực",
    TASK: "Nhiệm vụ",
    DELIVERABLE: "Sản phẩm",
    LEAD: "Chủ trì",
    SUPPORT: "Phối hợp",
    DEADLINE: "Thời hạn",
}

# Checked in this order; the first column whose words a header cell contains wins.
_HEADER_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (LEAD, ("chu tri",)),
    (SUPPORT, ("phoi hop",)),
    (DELIVERABLE, ("san pham", "ket qua")),
    (DEADLINE, ("thoi han", "thoi gian", "han hoan thanh", "tien do", "han chot")),
    (FIELD, ("linh vuc", "chi so", "nhom nhiem vu")),
    (TASK, ("nhiem vu", "noi dung", "cong viec")),
)
_STT_HEADERS = {"stt", "tt", "so tt", "so thu tu"}


def header_column(text: str) -> str | None:
    plain = fold(text)
    if not plain or len(plain) > 60:
        return None
    if plain in _STT_HEADERS:
        return STT
    words = f" {plain} "
    for column, keys in _HEADER_WORDS:
        if any(f" {key} " in words for key in keys):
            return column
    return None


@dataclass(slots=True)
class _Header:
    line: int
    columns: dict[str, int]  # column -> cell index
    first: int  # the table's leftmost cell index
    last: int
    problems: list[Problem]

    @property
    def known(self) -> int:
        return len(self.columns)


def _match_header(line: int, cells: list[str]) -> _Header | None:
    """The header row: the task column and at least two other known columns."""
    columns: dict[str, int] = {}
    problems: list[Problem] = []
    filled = [i for i, text in enumerate(cells) if text]
    for i in filled:
        column = header_column(cells[i])
        if column is None:
            continue
        if column in columns:
            problems.append(
                Problem(
                    line,
                    _(
                        "cột “%(column)s” bị lặp trong dòng tiêu đề (ô %(first)s và %(second)s)",
                        column=COLUMN_LABELS[column],
                        first=f"{get_column_letter(columns[column] + 1)}{line}",
                        second=f"{get_column_letter(i + 1)}{line}",
                    ),
                )
            )
            continue
        columns[column] = i
    if TASK not in columns or len(columns) < 3:
        return None
    return _Header(line, columns, min(filled), max(filled), problems)


def _is_column_numbers(cells: list[str]) -> bool:
    """'(1) (2) (3) …' or '1 2 3 …' under a header: the column numbering row."""
    filled = [c for c in cells if c]
    if len(filled) < 3:
        return False
    numbers = [re.fullmatch(r"\(?(\d{1,2})\)?", c) for c in filled]
    return all(numbers) and [int(m.group(1)) for m in numbers] == list(
        range(int(numbers[0].group(1)), int(numbers[0].group(1)) + len(numbers))
    )


# ---------------------------------------------------------------------------------------------
# Deadlines


# "31/01/2024", "31.01.2024", "2024-01-31": date-shaped, a real day or not.
_DATE_SHAPED = re.compile(r"\d{1,4}[/.\-]\d{1,2}[/.\-]\d{1,4}")
_ROMAN_QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
# Deadline phrases without a date: the plan's cadence or condition, kept as written.
RECURRING_PREFIXES = (
    "hang ngay",
    "hang tuan",
    "hang thang",
    "hang quy",
    "hang nam",
    "thuong xuyen",
    "dinh ky",
    "lien tuc",
    "theo yeu cau",
    "theo chi dao",
    "theo ke hoach",
    "theo quy dinh",
    "khi co",
    "ca nam",
    "6 thang mot lan",
)


def _compact_date(text: str) -> str:
    """'30 / 6 / 2024' -> '30/6/2024'; '2024-06-30 00:00:00' (a datetime as text) -> the date."""
    text = re.sub(r"\s*([/.\-])\s*", r"\1", text.strip())
    return re.sub(r"[ T]00:00(?::00)?$", "", text)


def _text_date(text: str) -> date | None:
    """dd/mm/yyyy (also with . or -) or ISO; None when it is not one, or not a real day."""
    return parse_date(_compact_date(text))


def _end_of_month(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


# "Trước ngày 30/6/2024", "Chậm nhất ngày 30/6/2024", "Ngày 30/6/2024": the date.
_BEFORE = re.compile(
    r"^(?:hoàn thành )?(?:trước ngày|trước|chậm nhất ngày|chậm nhất|ngày|hạn)\s*:?\s*", re.I
)
# On folded text: "thang 6 2024", "t6 2024", "thang 6 nam 2024"; "quy ii 2024"; "nam 2024".
_MONTH = re.compile(r"(?:thang|t) ?(\d{1,2}) (?:nam )?(\d{4})")
_QUARTER = re.compile(r"quy (iv|iii|ii|i|[1-4]) (?:nam )?(\d{4})")
_WHOLE_YEAR = re.compile(r"(?:trong )?nam (\d{4})")


@dataclass(frozen=True, slots=True)
class Deadline:
    deadline: date | None = None
    recurrence_note: str = ""


def _bad_date(text: str) -> ValueError:
    return ValueError(_("thời hạn “%(value)s” không phải ngày hợp lệ", value=text))


def parse_deadline(value: Any) -> Deadline:
    """A deadline cell: a date cell, 'dd/mm/yyyy', 'Tháng 6/2024', 'Quý II/2024', 'Năm 2024'
    (the end of the period), or a recurring phrase ('Hàng tháng', 'Thường xuyên': no date).

    Raises ValueError with the reason otherwise.
    """
    if isinstance(value, datetime):
        return Deadline(value.date())
    if isinstance(value, date):
        return Deadline(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise _bad_date(_cell_text(value))  # a number, not a date cell
    text = " ".join(_cell_text(value).split())
    if not text:
        return Deadline()
    plain = fold(text)
    if plain.startswith(RECURRING_PREFIXES):
        if len(text) > RECURRENCE_MAX:
            raise ValueError(
                _("thời hạn “%(value)s” dài quá %(max)s ký tự", value=text, max=RECURRENCE_MAX)
            )
        return Deadline(None, text)
    bare = _compact_date(_BEFORE.sub("", text, count=1))
    if _DATE_SHAPED.fullmatch(bare):
        parsed = parse_date(bare)
        if parsed is None:
            raise _bad_date(text)
        return Deadline(parsed)
    if (m := _MONTH.fullmatch(plain)) and 1 <= int(m.group(1)) <= 12:
        return Deadline(_end_of_month(int(m.group(2)), int(m.group(1))))
    if m := _QUARTER.fullmatch(plain):
        return Deadline(_end_of_month(int(m.group(2)), _ROMAN_QUARTERS[m.group(1)] * 3))
    if m := _WHOLE_YEAR.fullmatch(plain):
        return Deadline(date(int(m.group(1)), 12, 31))
    if re.search(r"\d", text):
        raise _bad_date(text)
    raise ValueError(
        _(
            "thời hạn “%(value)s” không rõ: cần một ngày (dd/mm/yyyy) hoặc cụm như "
            "“Hàng tháng”, “Hàng quý”, “Thường xuyên”",
            value=text,
        )
    )


# ---------------------------------------------------------------------------------------------
# Reading rows from the file


_NAME_SPLIT = re.compile(r"\s*(?:[,;\n]|\s-\s|\svà\s)\s*", re.I)
_HONORIFIC = re.compile(r"^(?:đ/c|đc|đồng chí|ông|bà)\.?\s+", re.I)
_ENUMERATOR = re.compile(r"^(?:[IVXLC]+|\d+(?:\.\d+)*|[A-Z])\s*[.)/:-]\s+")
_BARE_ENUMERATOR = re.compile(r"^(?:[IVXLC]+|\d+(?:\.\d+)*|[a-zA-Z])[.)]?$")
# The footer under the table ("Nơi nhận:", the signature block) ends it.
_FOOTER = re.compile(r"^(?:noi nhan|kt chu tich|tm uy ban nhan dan|tm ubnd)\b")


def split_names(text: str) -> list[str]:
    """'Nguyễn Văn A, Đ/c Trần Thị B; Lê C' -> the names, honorifics dropped, no repeats."""
    names = []
    for part in _NAME_SPLIT.split(text):
        part = _HONORIFIC.sub("", part.strip()).strip(" .")
        if part and part not in names:
            names.append(part)
    return names


Row = tuple[int, list[Any]]  # (line, raw cell values)


def _not_xlsx() -> ImportProblems:
    return ImportProblems([(None, _("Tệp không phải bảng tính Excel (.xlsx) hợp lệ."))])


def _not_csv() -> ImportProblems:
    return ImportProblems([(None, _("Tệp không phải tệp CSV (văn bản) hợp lệ."))])


@contextlib.contextmanager
def _xlsx_tables(data: bytes) -> Iterator[list[Iterator[Row]]]:
    """The workbook's sheets, the active one first, each as (line, values) rows."""
    import openpyxl

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
        header = _find_header(itertools.islice(_csv_rows(text, delimiter), HEADER_SEARCH_ROWS))
        scores[delimiter] = header.known if header else 0
    best = max(scores, key=lambda d: scores[d])  # first maximum: the sniffer's on a tie
    yield [_csv_rows(text, best)]


def _find_header(rows: Iterable[Row]) -> _Header | None:
    for line, values in rows:
        if header := _match_header(line, [_cell_text(v) for v in values]):
            return header
    return None


# ---------------------------------------------------------------------------------------------
# Parsing


def _file_kind(filename: str, data: bytes) -> str:
    suffix = PurePath(filename or "").suffix.lower()
    if data.startswith(b"PK\x03\x04"):
        return "xlsx"
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
    if suffix in (".csv", ".txt", ".tsv"):
        return "csv"
    raise ImportProblems(
        [
            (
                None,
                _("Chỉ nhận tệp bảng tính .xlsx hoặc .csv (tệp đã gửi: %(name)s).", name=filename),
            )
        ]
    )


def parse_plan_file(filename: str, data: bytes) -> ParsedPlan:
    """The plan table of an .xlsx or .csv file; raises ImportProblems listing every bad row."""
    parsed = _parse(filename, data)
    if parsed.problems:
        raise ImportProblems(parsed.problems)
    return parsed


def _parse(filename: str, data: bytes) -> ParsedPlan:
    """Like parse_plan_file, but row problems are left in `problems` (file problems raise)."""
    if not data or not data.strip():
        raise ImportProblems([(None, _("Tệp trống."))])
    tables = _xlsx_tables if _file_kind(filename, data) == "xlsx" else _csv_tables
    saw_content = False
    with tables(data) as sheets:
        for rows in sheets:
            parsed, content = _parse_sheet(filename, rows)
            saw_content = saw_content or content
            if parsed is not None:
                return parsed
    if not saw_content:
        raise ImportProblems([(None, _("Tệp trống."))])
    raise ImportProblems(
        [
            (
                None,
                _(
                    "Không tìm thấy dòng tiêu đề của bảng trong %(n)s dòng đầu: cần các cột "
                    "STT, Nhiệm vụ, Sản phẩm, Chủ trì, Phối hợp, Thời hạn (ít nhất cột Nhiệm vụ "
                    "và hai cột khác).",
                    n=HEADER_SEARCH_ROWS,
                ),
            )
        ]
    )


def _too_many_rows() -> ImportProblems:
    return ImportProblems(
        [
            (
                None,
                _(
                    "Tệp có quá nhiều dòng (tối đa %(max)s dòng): hãy kiểm tra lại hoặc tách "
                    "thành nhiều kế hoạch.",
                    max=f"{MAX_ROWS:,}".replace(",", "."),
                ),
            )
        ]
    )


def _parse_sheet(filename: str, rows: Iterator[Row]) -> tuple[ParsedPlan | None, bool]:
    """(the plan, or None when this sheet has no header row; whether the sheet had content)."""
    parsed = ParsedPlan(filename=filename)
    builder: _SheetBuilder | None = None
    filled_rows = 0
    for line, values in rows:
        if line > MAX_LINE:
            raise _too_many_rows()
        cells = [_cell_text(v) for v in values]
        if not any(cells):
            continue
        filled_rows += 1
        if filled_rows > MAX_ROWS:
            raise _too_many_rows()
        if builder is None:
            if line > HEADER_SEARCH_ROWS:
                return None, True
            if header := _match_header(line, cells):
                parsed.problems.extend(header.problems)
                builder = _SheetBuilder(parsed, header)
            else:
                parsed.title_lines.append(" ".join(c for c in cells if c))
            continue
        if not builder.add(line, values, cells):
            break  # the footer
    if builder is None:
        return None, filled_rows > 0
    if not parsed.tasks and not parsed.problems:
        message = _("Tệp không có nhiệm vụ nào dưới dòng tiêu đề.")
        if parsed.groups:
            message += " " + _(
                "Dòng chỉ có STT và nội dung (không có sản phẩm, chủ trì, phối hợp, thời hạn) "
                "được hiểu là tên lĩnh vực."
            )
        parsed.problems.append(Problem(None, message))
    return parsed, True


class _SheetBuilder:
    """Turns the rows under the header into groups and tasks."""

    def __init__(self, parsed: ParsedPlan, header: _Header):
        self.parsed = parsed
        self.header = header
        self.columns = dict(header.columns)
        self.first, self.last = header.first, header.last
        self.group: int | None = None
        self.field_groups: dict[str, int] = {}  # field-column values -> group index
        self.under_header = True  # rows right under the header may still belong to it

    def cell(self, cells: list[str], column: str) -> str:
        index = self.columns.get(column)
        return cells[index] if index is not None and index < len(cells) else ""

    def problem(self, line: int, message: str) -> None:
        self.parsed.problems.append(Problem(line, message))

    def add(self, line: int, values: list[Any], cells: list[str]) -> bool:
        """Read one non-empty row; False at the footer, where the table ends."""
        first_text = next(c for c in cells if c)
        if _FOOTER.match(fold(first_text)):
            return False
        # Right under the header: its second row (a merged "Đơn vị thực hiện" over
        # "Chủ trì" | "Phối hợp"), or the column numbering row "(1) (2) (3) …".
        if self.under_header:
            if self._extends_header(cells) or _is_column_numbers(cells):
                return True
            self.under_header = False
        if self._repeats_header(line, cells):
            self.problem(line, _("dòng tiêu đề bị lặp lại"))
            return True
        filled = {name for name, i in self.columns.items() if i < len(cells) and cells[i]}
        in_table = [i for i in range(self.first, self.last + 1) if i < len(cells) and cells[i]]
        stt, task, field_text = (self.cell(cells, c) for c in (STT, TASK, FIELD))

        # Group headings: "I | <text in the task column>" and nothing else; the field column
        # alone; or text in the table's first column only ("I. CHỈ ĐẠO, ĐIỀU HÀNH" merged across).
        if TASK in filled and filled <= {STT, TASK} and stt:
            self._new_group(line, task)
            return True
        if FIELD in filled and filled <= {STT, FIELD}:
            self._field_group(line, field_text, heading=True)
            return True
        if in_table == [self.first] and self.columns.get(TASK) != self.first:
            text = cells[self.first]
            if not _BARE_ENUMERATOR.fullmatch(text):
                self._new_group(line, _ENUMERATOR.sub("", text, count=1))
                return True

        if field_text:
            self._field_group(line, field_text)
        if not task:
            self.problem(line, _("thiếu nội dung nhiệm vụ"))
            return True
        self.parsed.tasks.append(self._task(line, values, cells, task))
        return True

    def _task(self, line: int, values: list[Any], cells: list[str], title: str) -> ParsedTask:
        leads = split_names(self.cell(cells, LEAD))
        if len(leads) > 1:
            self.problem(
                line,
                _(
                    "chỉ ghi một cán bộ chủ trì (đang có %(n)s: %(names)s)",
                    n=len(leads),
                    names=", ".join(leads),
                ),
            )
        item = ParsedTask(
            line=line,
            group=self.group,
            title=title,
            deliverable=self.cell(cells, DELIVERABLE),
            lead_name=leads[0] if leads else "",
            supporter_names=[n for n in split_names(self.cell(cells, SUPPORT)) if n not in leads],
        )
        index = self.columns.get(DEADLINE)
        try:
            deadline = parse_deadline(
                values[index] if index is not None and index < len(values) else None
            )
        except ValueError as exc:
            self.problem(line, str(exc))
        else:
            item.deadline, item.recurrence_note = deadline.deadline, deadline.recurrence_note
        return item

    def _extends_header(self, cells: list[str]) -> bool:
        found: dict[str, int] = {}
        for i, text in enumerate(cells):
            if not text:
                continue
            column = header_column(text)
            if column is None or column in self.columns or column in found:
                return False
            found[column] = i
        if found:
            self.columns.update(found)
            self.last = max(self.last, *found.values())
        return bool(found)

    def _repeats_header(self, line: int, cells: list[str]) -> bool:
        again = _match_header(line, cells)
        if again is None:
            return False
        same = sum(again.columns.get(column) == i for column, i in self.columns.items())
        return same >= 3

    def _new_group(self, line: int, name: str) -> None:
        name = " ".join(name.split())
        if len(name) > GROUP_NAME_MAX:
            self.problem(line, _("tên lĩnh vực dài quá %(max)s ký tự", max=GROUP_NAME_MAX))
            name = name[:GROUP_NAME_MAX]
        self.parsed.groups.append(ParsedGroup(line, name))
        self.group = len(self.parsed.groups) - 1

    def _field_group(self, line: int, name: str, heading: bool = False) -> None:
        """A field-column value: a new group when it changes (a heading row: always)."""
        key = fold(name)
        if not heading:
            if self.group is not None and fold(self.parsed.groups[self.group].name) == key:
                return
            if key in self.field_groups:
                self.group = self.field_groups[key]
                return
        self._new_group(line, name)
        self.field_groups[key] = len(self.parsed.groups) - 1


# ---------------------------------------------------------------------------------------------
# Creating the plan


@dataclass(slots=True)
class _Resolved:
    lead: dict[int, Officer | None]  # task index -> lead
    supporters: dict[int, list[Officer]]


def _resolve_officers(
    session: Session, unit: Unit, parsed: ParsedPlan
) -> tuple[_Resolved, list[Problem]]:
    officers = session.scalars(select(Officer).where(Officer.unit_id == unit.id)).all()
    by_name: dict[str, list[Officer]] = {}
    for officer in officers:
        by_name.setdefault(_name_key(officer.full_name), []).append(officer)
    problems: list[Problem] = []

    def find(line: int, name: str) -> Officer | None:
        matches = by_name.get(_name_key(name), [])
        active = [o for o in matches if o.active]
        if len(active) == 1:
            return active[0]
        if len(active) > 1:
            problems.append(
                Problem(
                    line,
                    _(
                        "có %(n)s cán bộ cùng tên “%(name)s” trong đơn vị; hãy sửa tên cho khác "
                        "nhau trước khi nhập",
                        n=len(active),
                        name=name,
                    ),
                )
            )
        elif matches:
            problems.append(
                Problem(line, _("cán bộ “%(name)s” đã ngừng hoạt động trong đơn vị", name=name))
            )
        else:
            problems.append(
                Problem(line, _("không tìm thấy cán bộ “%(name)s” trong đơn vị", name=name))
            )
        return None

    resolved = _Resolved({}, {})
    for index, task in enumerate(parsed.tasks):
        resolved.lead[index] = find(task.line, task.lead_name) if task.lead_name else None
        supporters = []
        for name in task.supporter_names:
            officer = find(task.line, name)
            if officer is not None and officer not in supporters:
                supporters.append(officer)
        lead = resolved.lead[index]
        resolved.supporters[index] = [o for o in supporters if o is not lead]
    return resolved, problems


def _metadata_problems(title: str, number: str) -> list[Problem]:
    problems = []
    if not title:
        problems.append(Problem(None, _("Kế hoạch cần có tiêu đề.")))
    if len(title) > TITLE_MAX:
        problems.append(Problem(None, _("Tiêu đề dài quá %(max)s ký tự.", max=TITLE_MAX)))
    if len(number) > DOCUMENT_NUMBER_MAX:
        problems.append(
            Problem(None, _("Số văn bản dài quá %(max)s ký tự.", max=DOCUMENT_NUMBER_MAX))
        )
    return problems


def _resolve_metadata(parsed: ParsedPlan, metadata: PlanMetadata) -> dict[str, Any]:
    title = " ".join((metadata.title or parsed.title or PurePath(parsed.filename).stem).split())
    number = (metadata.document_number or parsed.document_number or "").strip()
    document_date = metadata.document_date or parsed.document_date
    if metadata.start_year is not None:
        start, end = metadata.start_year, metadata.end_year or metadata.start_year
    elif parsed.years:
        start, end = parsed.years
    else:
        start = end = (document_date or today()).year
    kind = metadata.kind or guess_kind(" ".join([title, *parsed.title_lines]))
    if metadata.appendix_row == NO_APPENDIX_ROW:
        appendix_row = None
    else:
        appendix_row = metadata.appendix_row or DEFAULT_APPENDIX_ROW[kind]
    problems = _metadata_problems(title, number)
    if end < start:
        problems.append(Problem(None, _("Năm kết thúc không được trước năm bắt đầu.")))
    if problems:
        raise ImportProblems(problems)
    return {
        "kind": kind,
        "title": title,
        "document_number": number,
        "document_date": document_date,
        "start_year": start,
        "end_year": end,
        "appendix_row": appendix_row,
    }


def import_plan(
    session: Session, unit: Unit, parsed: ParsedPlan, metadata: PlanMetadata | None = None
) -> Plan:
    """Create the parsed plan in the unit; raises ImportProblems (creating nothing) when a
    named officer is not found, or the metadata is unusable. Flushes, never commits."""
    metadata = metadata or PlanMetadata()
    resolved, problems = _resolve_officers(session, unit, parsed)
    problems = [*parsed.problems, *problems]
    if problems:
        raise ImportProblems(problems)
    fields = _resolve_metadata(parsed, metadata)
    plan = Plan(unit=unit, **fields)
    groups = [
        TaskGroup(plan=plan, ordinal=ordinal, name=group.name)
        for ordinal, group in enumerate(parsed.groups, start=1)
    ]
    session.add(plan)
    session.add_all(groups)
    confirmer = default_confirmer(session, unit.id)
    calendar = unit_calendar(session, unit.id)
    for index, item in enumerate(parsed.tasks):
        task = Task(
            plan=plan,
            group=groups[item.group] if item.group is not None else None,
            ordinal=index + 1,
            title=item.title,
            deliverable=item.deliverable,
            lead_officer=resolved.lead[index],
            supporters=resolved.supporters[index],
            confirmer=confirmer,
            deadline=item.deadline,
            recurrence_note=item.recurrence_note,
        )
        cadence = cadence_from_phrase(item.recurrence_note) if item.deadline is None else None
        if cadence is not None:
            # "Hàng tháng" in a plan means one result per month, each with its own deadline.
            task.cadence_every, task.cadence_unit = cadence
            task.cadence_mode = CadenceMode.FIXED
            lay_out_occurrences(session, task, calendar)
        session.add(task)
    session.flush()
    return plan


def import_plan_file(
    session: Session,
    unit: Unit,
    filename: str,
    data: bytes,
    metadata: PlanMetadata | None = None,
) -> Plan:
    """Parse and import in one go, reporting the file's bad rows and unknown officers together."""
    parsed = _parse(filename, data)
    return import_plan(session, unit, parsed, metadata)
