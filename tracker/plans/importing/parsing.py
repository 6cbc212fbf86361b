"""Step 2, parsing: the title block, the header row, group headings and task rows, read into a
`ParsedPlan`; every bad row is listed, with its line number."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from tracker.plans.importing.cells import Row, cell_text, fold, split_parts
from tracker.plans.importing.deadlines import parse_deadline, text_date
from tracker.plans.importing.header import (
    DEADLINE,
    DELIVERABLE,
    ENTERED,
    FIELD,
    LEAD,
    STT,
    SUPPORT,
    TASK,
    Header,
    header_column,
    is_column_numbers,
    match_header,
)
from tracker.plans.importing.problems import ImportProblems, Problem, _
from tracker.plans.importing.reading import (
    HEADER_SEARCH_ROWS,
    MAX_LINE,
    MAX_ROWS,
    read_tables,
)

GROUP_NAME_MAX = 300  # TaskGroup.name

_ENUMERATOR = re.compile(r"^(?:[IVXLC]+|\d+(?:\.\d+)*|[A-Z])\s*[.)/:-]\s+")
_BARE_ENUMERATOR = re.compile(r"^(?:[IVXLC]+|\d+(?:\.\d+)*|[a-zA-Z])[.)]?$")
# The footer under the table ("Nơi nhận:", the signature block) ends it.
_FOOTER = re.compile(r"^(?:noi nhan|kt chu tich|tm uy ban nhan dan|tm ubnd)\b")


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
    # The day the task entered the plan (ngày giao), when the sheet gives one per row.
    entered_on: date | None = None


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

    def _number_lines(self) -> list[str]:
        """The lines with a document number, the plan's own first: '(Kèm theo … số …)' or
        'Số: …', before a subject that cites another ('Thực hiện Kết luận số 91-KL/TU')."""
        lines = [line for line in self.title_lines if _DOCUMENT_NUMBER.search(line)]
        return sorted(lines, key=lambda line: not _OWN_NUMBER.match(fold(line)))

    @property
    def document_number(self) -> str | None:
        """'39/QĐ-UBND' from a line like '(Kèm theo Quyết định số 39/QĐ-UBND ngày …)'."""
        for line in self._number_lines():
            if m := _DOCUMENT_NUMBER.search(line):
                return m.group(1).rstrip(".,;")
        return None

    @property
    def document_date(self) -> date | None:
        """The date on the document number's line ('ngày 31/01/2024', 'ngày 31 tháng 01 năm
        2024')."""
        for line in self._number_lines():
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
_OWN_NUMBER = re.compile(r"^(?:kem theo|so\b)")  # on folded text, "(" dropped by fold
_DOCUMENT_NUMBER = re.compile(r"\b[Ss][ốỐ]\s*:?\s*(\d+[^\s,;()]*/[^\s,;()]+)")
# On folded text: "ngay 31 01 2024", "ngay 31 thang 01 nam 2024".
_DOCUMENT_DATE = re.compile(r"\bngay (\d{1,2}) (?:thang )?(\d{1,2}) (?:nam )?(\d{4})\b")
_YEAR_RANGE = re.compile(r"\b((?:19|20)\d\d) ((?:19|20)\d\d)\b")
_YEAR = re.compile(r"\bnam ((?:19|20)\d\d)\b")


def parse_plan_file(filename: str, data: bytes) -> ParsedPlan:
    """The plan table of an .xlsx or .csv file; raises ImportProblems listing every bad row."""
    parsed = parse_with_problems(filename, data)
    if parsed.problems:
        raise ImportProblems(parsed.problems)
    return parsed


def parse_with_problems(filename: str, data: bytes) -> ParsedPlan:
    """Like parse_plan_file, but row problems are left in `problems` (file problems raise)."""
    if not data or not data.strip():
        raise ImportProblems([(None, _("Tệp trống."))])
    saw_content = False
    with read_tables(filename, data) as sheets:
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
        cells = [cell_text(v) for v in values]
        if not any(cells):
            continue
        filled_rows += 1
        if filled_rows > MAX_ROWS:
            raise _too_many_rows()
        if builder is None:
            if line > HEADER_SEARCH_ROWS:
                return None, True
            if header := match_header(line, cells):
                parsed.problems.extend(header.problems)
                builder = _SheetBuilder(parsed, header, cells)
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

    def __init__(self, parsed: ParsedPlan, header: Header, header_cells: list[str]):
        self.parsed = parsed
        self.header = header
        self.header_cells = header_cells
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
            if self._extends_header(cells) or is_column_numbers(cells):
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
        leads = split_parts(self.cell(cells, LEAD))
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
            supporter_names=[n for n in split_parts(self.cell(cells, SUPPORT)) if n not in leads],
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
        index = self.columns.get(ENTERED)
        entered = values[index] if index is not None and index < len(values) else None
        item.entered_on = self._entered_on(line, entered)
        return item

    def _entered_on(self, line: int, value: Any) -> date | None:
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = cell_text(value)
        if not text:
            return None
        day = text_date(text)
        if day is None:
            self.problem(line, _("ngày giao “%(value)s” không phải ngày hợp lệ", value=text))
        return day

    def _extends_header(self, cells: list[str]) -> bool:
        found: dict[str, int] = {}
        for i, text in enumerate(cells):
            if not text:
                continue
            if i < len(self.header_cells) and self.header_cells[i] == text:
                continue  # the first row's cell merged down (a Word table repeats it)
            column = header_column(text)
            if column is None or column in self.columns or column in found:
                return False
            found[column] = i
        if found:
            self.columns.update(found)
            self.last = max(self.last, *found.values())
        return bool(found)

    def _repeats_header(self, line: int, cells: list[str]) -> bool:
        again = match_header(line, cells)
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
