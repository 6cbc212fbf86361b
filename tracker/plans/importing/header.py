"""The table's columns, and the header row that names them (matched loosely)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from openpyxl.utils import get_column_letter

from tracker.plans.importing.cells import fold
from tracker.plans.importing.problems import Problem, _

STT, FIELD, TASK, DELIVERABLE, LEAD, SUPPORT, DEADLINE, ENTERED = (
    "stt",
    "field",
    "task",
    "deliverable",
    "lead",
    "support",
    "deadline",
    "entered",
)

COLUMN_LABELS = {
    STT: "STT",
    FIELD: "Lĩnh vực",
    TASK: "Nhiệm vụ",
    DELIVERABLE: "Sản phẩm",
    LEAD: "Chủ trì",
    SUPPORT: "Phối hợp",
    DEADLINE: "Thời hạn",
    ENTERED: "Ngày giao",
}

# Checked in this order; the first column whose words a header cell contains wins.
_HEADER_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (ENTERED, ("ngay giao", "ngay giao nhiem vu")),
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
class Header:
    line: int
    columns: dict[str, int]  # column -> cell index
    first: int  # the table's leftmost cell index
    last: int
    problems: list[Problem]

    @property
    def known(self) -> int:
        return len(self.columns)


def match_header(line: int, cells: list[str]) -> Header | None:
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
    return Header(line, columns, min(filled), max(filled), problems)


def is_column_numbers(cells: list[str]) -> bool:
    """'(1) (2) (3) …' or '1 2 3 …' under a header: the column numbering row."""
    filled = [c for c in cells if c]
    if len(filled) < 3:
        return False
    numbers = [re.fullmatch(r"\(?(\d{1,2})\)?", c) for c in filled]
    return all(numbers) and [int(m.group(1)) for m in numbers] == list(
        range(int(numbers[0].group(1)), int(numbers[0].group(1)) + len(numbers))
    )
