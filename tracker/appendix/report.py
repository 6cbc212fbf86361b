"""The quarterly report's sections, written from the data: one builder that both the .docx
draft and the page's preview print, so the page shows each section as the file will.

The report follows the seed's structure (I. chỉ đạo, điều hành: 1 documents and meetings,
2 inspection, 3 communication; II. results by field; III. overall assessment; IV. the next
quarter; V. recommendations). A field's paragraph lists its tasks done in the period with
their evidence, then its tasks in progress with their progress notes, then its Phụ lục 1
figures in sentences, read from the same `Table` the appendix prints: the narrative cannot
disagree with the table. The officer's own text for a section follows the generated part.
"""

from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date, timedelta

from tracker.appendix.indicators import tree_for_year
from tracker.appendix.report_sources import (
    ReportSources,
    TaskFacts,
    load_report_sources,
    tasks_due_between,
)
from tracker.appendix.table import State, Table, TableRow, display_value, show_number
from tracker.core.formatting import format_percent
from tracker.documents.rules import document_reference


@dataclass(frozen=True)
class SectionSpec:
    key: str  # "II.2": also the key of the officer's text
    part: str  # "II"
    title: str
    keywords: tuple[str, ...] = ()  # a task's field (group name) belongs here if it says one
    rows: tuple[str, ...] = ()  # the Phụ lục 1 rows (and their parts) it puts in sentences


PARTS = {
    "I": "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CẢI CÁCH HÀNH CHÍNH",
    "II": "II. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH",
    "III": "III. ĐÁNH GIÁ CHUNG",
    "IV": "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ TRỌNG TÂM KỲ TỚI",
    "V": "V. ĐỀ XUẤT, KIẾN NGHỊ",
}
FIELDS = (
    SectionSpec("I.1", "I", "1. Công tác chỉ đạo, điều hành cải cách hành chính",
                ("chỉ đạo", "điều hành"), ("1.2", "1.3", "1.4", "1.6")),
    SectionSpec("I.2", "I", "2. Công tác kiểm tra cải cách hành chính", ("kiểm tra",),
                ("1.5",)),
    SectionSpec("I.3", "I", "3. Công tác tuyên truyền cải cách hành chính", ("tuyên truyền",),
                ("1.7", "1.8")),
    SectionSpec("II.1", "II", "1. Cải cách thể chế", ("thể chế",), ("2",)),
    SectionSpec("II.2", "II", "2. Cải cách thủ tục hành chính", ("thủ tục",), ("3",)),
    SectionSpec("II.3", "II", "3. Cải cách tổ chức bộ máy", ("bộ máy",), ("4",)),
    SectionSpec("II.4", "II", "4. Cải cách chế độ công vụ", ("công vụ",), ("5",)),
    SectionSpec("II.5", "II", "5. Cải cách tài chính công", ("tài chính",), ("6",)),
    SectionSpec("II.6", "II", "6. Xây dựng và phát triển chính quyền điện tử, chính quyền số",
                ("điện tử", "chính quyền số", "chuyển đổi số", "công nghệ thông tin"), ("7",)),
    SectionSpec("II.7", "II", "7. Các nhiệm vụ khác"),
)
CLOSING = (
    SectionSpec("III", "III", ""),
    SectionSpec("IV", "IV", ""),
    SectionSpec("V", "V", ""),
)
SECTION_KEYS = tuple(spec.key for spec in (*FIELDS, *CLOSING))


@dataclass(frozen=True)
class Line:
    text: str
    kind: str = "text"  # "text", "item" (a "- " line), "lead" (a line introducing a list)


@dataclass
class Section:
    key: str
    part: str
    title: str
    lines: list[Line] = field(default_factory=list)
    text: str = ""  # the officer's own text, printed after the generated part

    @property
    def written(self) -> list[str]:
        return [p.strip() for p in self.text.splitlines() if p.strip()]


@dataclass(frozen=True)
class ReportDetails:
    """The report's own details: set on the period, defaults until they are."""

    number: str  # "422/BC-UBND"
    day: date | None  # None: "ngày … tháng … năm" left for the signer
    signer_name: str
    signer_title: str  # "PHÓ CHỦ TỊCH"
    signer_authority: str  # "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH"
    addressee: str  # "Phòng Nội vụ thành phố Nha Trang"
    recipients: tuple[str, ...]


SIGNER_TITLES = {  # the title signing, and the authority lines above it
    "CHỦ TỊCH": "TM. ỦY BAN NHÂN DÂN",
    "PHÓ CHỦ TỊCH": "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH",
}
DEFAULT_TITLE = "PHÓ CHỦ TỊCH"


def default_addressee(parent_name: str, parent_is_province: bool) -> str:
    """Phòng Nội vụ of the city above a ward (before July 2025), Sở Nội vụ of a province."""
    if not parent_name:
        return ""
    office = "Sở Nội vụ" if parent_is_province else "Phòng Nội vụ"
    return f"{office} {parent_name[:1].lower()}{parent_name[1:]}"


def default_recipients(unit_name: str) -> tuple[str, ...]:
    kind = unit_name.split(" ", 1)[0].lower() if " " in unit_name else ""
    return ("Như trên", f"Đảng ủy {kind} (b/c)".replace("  ", " "), "Chủ tịch, các PCT UBND",
            "Lưu: VT")


def report_details(draft, unit_name: str, parent_name: str, parent_is_province: bool
                   ) -> ReportDetails:
    """The details as set on the period (a `ReportDraft`), or the defaults."""
    title = (draft.signer_title if draft and draft.signer_title else DEFAULT_TITLE)
    recipients = tuple(line.strip() for line in (draft.recipients if draft else "").splitlines()
                       if line.strip())
    return ReportDetails(
        number=draft.number if draft else "",
        day=draft.report_date if draft else None,
        signer_name=draft.signer_name if draft else "",
        signer_title=title,
        signer_authority=SIGNER_TITLES.get(title, ""),
        addressee=(draft.addressee if draft and draft.addressee
                   else default_addressee(parent_name, parent_is_province)),
        recipients=recipients or default_recipients(unit_name),
    )


def field_of(name: str) -> str:
    """The report section a task's field (its group's name) belongs to ("II.7": none)."""
    lowered = name.lower()
    for spec in FIELDS:
        if any(word in lowered for word in spec.keywords):
            return spec.key
    return "II.7"


def _in(key: str, prefixes: tuple[str, ...]) -> bool:
    return any(key == p or key.startswith(p + ".") for p in prefixes)


_CHOICE = re.compile(r"([^=]+?)\s*=\s*(\d+)")


def _choice_word(row: TableRow) -> str:
    """A choice row's figure as its unit names it ("Có = 1 Không = 0": 1 -> "có")."""
    for word, number in _CHOICE.findall(row.unit):
        if row.value is not None and int(number) == int(row.value):
            return word.strip().lower()
    return display_value(row)


def figure_sentence(row: TableRow) -> str | None:
    """One Phụ lục 1 row in a sentence, with the figure the table prints; None for a row
    with nothing to say (a heading, a figure nobody typed or confirmed blank)."""
    if not row.has_value or row.state in (State.MISSING, State.NO_DATA):
        return None
    label = row.label.rstrip(" .:").removesuffix(". Trong đó").removesuffix(", trong đó")
    if row.state is State.NOT_ARISING:
        return f"{label}: không phát sinh."
    if row.entered_type == "choice":
        return f"{label}: {_choice_word(row)}."
    if row.is_rate:
        parts = ""
        if row.numerator is not None and row.denominator is not None:
            parts = f" ({show_number(row.numerator)}/{show_number(row.denominator)})"
        return f"{label}: {display_value(row)}{parts}."
    unit = f" {row.unit.lower()}" if row.unit and row.unit != "%" else ""
    return f"{label}: {display_value(row)}{unit}."


def _evidence_text(task: TaskFacts, start: date, end: date) -> str:
    cited = [e for e in task.evidence if e.day is None or start <= e.day <= end] or list(
        task.evidence)
    return "; ".join(document_reference(e.number, e.day, e.summary) for e in cited)


def _task_lines(tasks: list[TaskFacts], start: date, end: date) -> list[Line]:
    done = [t for t in tasks if t.done_on is not None and start <= t.done_on <= end]
    open_ = [t for t in tasks if t.done_on is None]
    lines: list[Line] = []
    if done:
        lines.append(Line("Các nhiệm vụ đã hoàn thành trong kỳ:", "lead"))
        for task in done:
            evidence = _evidence_text(task, start, end)
            lines.append(Line(f"{task.title}: {evidence}." if evidence else f"{task.title}.",
                              "item"))
    if open_:
        lines.append(Line("Các nhiệm vụ đang thực hiện:", "lead"))
        for task in open_:
            if task.progress:
                status = task.progress.rstrip(".")
            elif task.progress_percent:
                status = f"đạt {task.progress_percent}%"
            else:
                status = "đang triển khai"
            due = f" (thời hạn {task.deadline:%d/%m/%Y})" if task.deadline else ""
            if task.deadline and task.deadline < end:
                due = f" (thời hạn {task.deadline:%d/%m/%Y}, đã quá hạn)"
            lines.append(Line(f"{task.title}{due}: {status}.", "item"))
    return lines


def _figure_lines(table: Table, prefixes: tuple[str, ...], year: int) -> list[Line]:
    tree = tree_for_year(year)
    # A rate's parts are in its sentence already ("27,3% (6/22)").
    parts = {key for row in tree.rows if row.kind == "rate"
             for key in (*row.numerator, *row.denominator) if key.startswith(row.key + ".")}
    lines = []
    for row in table.rows:
        if prefixes and _in(row.key, prefixes) and row.key not in parts:
            sentence = figure_sentence(row)
            if sentence:
                lines.append(Line(sentence, "item"))
    if lines:
        lines.insert(0, Line("Số liệu thống kê (Phụ lục 1):", "lead"))
    return lines


def _documents_lines(documents: list, unit_name: str) -> list[Line]:
    lines = [Line(f"Trong kỳ, UBND {unit_name[:1].lower()}{unit_name[1:]} đã ban hành "
                  f"{len(documents)} văn bản chỉ đạo, điều hành công tác cải cách hành chính"
                  + (":" if documents else "."))]
    lines += [Line(document_reference(d.number, d.day, d.summary) + ";", "item")
              for d in documents]
    return lines


def _meeting_line(meetings: list[date]) -> Line:
    if not meetings:
        return Line("Trong kỳ chưa tổ chức cuộc họp đánh giá công tác cải cách hành chính "
                    "hằng tháng.")
    days = ", ".join(f"{day:%d/%m/%Y}" for day in meetings)
    return Line(f"Trong kỳ đã tổ chức {len(meetings):02d} cuộc họp đánh giá công tác cải cách "
                f"hành chính hằng tháng (ngày {days}), đánh giá từng cán bộ, công chức trong "
                "việc thực hiện nhiệm vụ.")


def _rate_comparison(table: Table, previous: dict, previous_label: str) -> list[Line]:
    lines = []
    for key in ("1.2", "1.3", "1.4"):
        try:
            row = table[key]
        except KeyError:
            continue
        label = row.label.split(" (")[0]
        now = display_value(row) if row.state is State.VALUE else "không phát sinh"
        before = previous.get(key)
        against = (f"{previous_label}: {format_percent(before)}"
                   if before is not None else f"{previous_label}: không có số liệu")
        change = ""
        if before is not None and row.value is not None:
            delta = row.value - before
            change = (f", tăng {format_percent(delta)}" if delta > 0 else
                      f", giảm {format_percent(-delta)}" if delta < 0 else
                      ", không thay đổi")
        lines.append(Line(f"{label}: {now} ({against}{change}).", "item"))
    if lines:
        lines.insert(0, Line("Tiến độ thực hiện các kế hoạch so với kỳ trước (lũy kế):", "lead"))
    return lines


def next_quarter(end: date) -> tuple[date, date]:
    """The three months after the period end: where section IV looks for deadlines."""
    month = end.month + 3
    year, month = end.year + (month - 1) // 12, (month - 1) % 12 + 1
    return end + timedelta(days=1), date(year, month, min(end.day, monthrange(year, month)[1]))


def build_sections(table: Table, sources: ReportSources, unit_name: str, start: date,
                   end: date, next_tasks: list[TaskFacts]) -> list[Section]:
    texts = dict(sources.draft.texts or {}) if sources.draft else {}
    by_field: dict[str, list[TaskFacts]] = {}
    for task in sources.tasks:
        by_field.setdefault(field_of(task.field), []).append(task)
    sections: list[Section] = []
    for spec in FIELDS:
        lines: list[Line] = []
        if spec.key == "I.1":
            lines += _documents_lines(sources.documents, unit_name)
            lines.append(_meeting_line(sources.meetings))
        lines += _task_lines(by_field.get(spec.key, []), start, end)
        lines += _figure_lines(table, spec.rows, end.year)
        if spec.key == "II.7" and not lines:
            continue
        if not lines:
            lines.append(Line("Trong kỳ không có nhiệm vụ của lĩnh vực này."))
        sections.append(Section(spec.key, spec.part, spec.title, lines, texts.get(spec.key, "")))
    assessment = _rate_comparison(table, sources.previous, sources.previous_label or "kỳ trước")
    sections.append(Section("III", "III", "", assessment, texts.get("III", "")))
    directions: list[Line] = []
    for spec in FIELDS:
        due = [t for t in next_tasks if field_of(t.field) == spec.key]
        if due:
            directions.append(Line(spec.title.split(". ", 1)[-1] + ":", "lead"))
            directions += [Line(f"{t.title} (thời hạn {t.deadline:%d/%m/%Y}).", "item")
                           for t in due]
    if not directions:
        directions.append(Line("Không có nhiệm vụ đến hạn trong kỳ tới."))
    sections.append(Section("IV", "IV", "", directions, texts.get("IV", "")))
    recommendations = [Line(text.rstrip(".;") + ".", "item") for text in sources.recommendations]
    sections.append(Section("V", "V", "", recommendations, texts.get("V", "")))
    return sections


@dataclass
class ComposedReport:
    table: Table
    sections: list[Section]
    details: ReportDetails


def compose_report(session, period, table: Table) -> ComposedReport:
    """Everything the draft and its preview print for a period: its sections and details."""
    unit = period.unit
    parent = unit.parent
    sources = load_report_sources(session, period, table)
    start, end = next_quarter(period.end)
    next_tasks = tasks_due_between(session, period.unit_id, start, end)
    sections = build_sections(table, sources, unit.name, period.start, period.end, next_tasks)
    details = report_details(sources.draft, unit.name, parent.name if parent else "",
                             parent is not None and parent.kind.value == "province")
    return ComposedReport(table, sections, details)
