"""A filtered task list as an .xlsx workbook.

A title block (the list, the unit, the date the statuses are counted to, the filters), then
STT | Kế hoạch | Lĩnh vực | Nhiệm vụ | Sản phẩm | Chủ trì | Phối hợp | Thời hạn |
Ngày hoàn thành | Tình trạng. Dates are real date cells shown dd/mm/yyyy; Times New Roman;
a text starting with = + - @ is escaped so no spreadsheet runs it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from tracker.core.formatting import format_date, status_labels
from tracker.core.spreadsheets import (
    DATE_FORMAT,
    FONT_NAME,
    file_name,
    finish_table,
    safe_cell,
    workbook_bytes,
)
from tracker.core.status import DeadlineClass, done_as_of
from tracker.people.models import Unit
from tracker.tasks.filters import TaskFilter, UnitLookups
from tracker.tasks.models import Task

HEADERS = (
    "STT",
    "Kế hoạch",
    "Lĩnh vực",
    "Nhiệm vụ",
    "Sản phẩm",
    "Chủ trì",
    "Phối hợp",
    "Thời hạn",
    "Ngày hoàn thành",
    "Tình trạng",
)
WIDTHS = (6, 30, 24, 50, 34, 22, 28, 13, 13, 20)
DATE_COLUMNS = (8, 9)


def describe_filter(task_filter: TaskFilter, lookups: UnitLookups) -> str:
    """The filters in words, for the title block ("" when the list is not filtered)."""
    parts = []
    if task_filter.plan_id:
        plan = lookups.plans[lookups.plan_position[task_filter.plan_id]]
        parts.append(f"kế hoạch {plan.document_number or plan.title}")
    if task_filter.group_id:
        parts.append(f"lĩnh vực {lookups.group_by_id[task_filter.group_id].name}")
    if task_filter.unassigned:
        parts.append("chưa giao chủ trì")
    elif task_filter.officer_id:
        parts.append(f"chủ trì {lookups.officer_by_id[task_filter.officer_id].full_name}")
    if task_filter.status:
        parts.append(f"tình trạng {status_labels('vi')[task_filter.status].lower()}")
    if task_filter.deadline_from:
        parts.append(f"thời hạn từ {format_date(task_filter.deadline_from)}")
    if task_filter.deadline_to:
        parts.append(f"thời hạn đến {format_date(task_filter.deadline_to)}")
    if task_filter.q:
        parts.append(f"từ khóa “{task_filter.q}”")
    return "; ".join(parts)


def _plan_label(task: Task) -> str:
    plan = task.plan
    return f"{plan.title} ({plan.document_number})" if plan.document_number else plan.title


def export_tasks_xlsx(
    unit: Unit,
    task_filter: TaskFilter,
    lookups: UnitLookups,
    rows: Sequence[tuple[Task, DeadlineClass]],
) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Nhiệm vụ"
    font = Font(name=FONT_NAME, size=12)
    bold = Font(name=FONT_NAME, size=12, bold=True)
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")
    centre = Alignment(wrap_text=True, vertical="top", horizontal="center")
    last_column = get_column_letter(len(HEADERS))

    title = ["DANH SÁCH NHIỆM VỤ", unit.name]
    title.append(f"Tình trạng tính đến ngày {format_date(task_filter.as_of)}")
    described = describe_filter(task_filter, lookups)
    if described:
        title.append(f"Lọc theo: {described}")
    for row, line in enumerate(title, start=1):
        cell = sheet.cell(row=row, column=1, value=safe_cell(line))
        cell.font = Font(name=FONT_NAME, size=14 if row == 1 else 12, bold=row <= 2, italic=row > 2)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.merge_cells(f"A{row}:{last_column}{row}")
    header_row = len(title) + 2  # a blank line before the table

    for column, label in enumerate(HEADERS, start=1):
        cell = sheet.cell(row=header_row, column=column, value=label)
        cell.font, cell.border = bold, border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)

    labels = status_labels("vi")  # a file carries the Vietnamese words
    row = header_row + 1
    for number, (task, status) in enumerate(rows, start=1):
        values: list[Any] = [
            number,
            _plan_label(task),
            task.group.name if task.group else "",
            task.title,
            task.deliverable,
            task.lead_officer.full_name if task.lead_officer else "",
            ", ".join(officer.full_name for officer in task.supporters),
            task.deadline if task.deadline else task.recurrence_note,
            done_as_of(task, task_filter.as_of),
            labels[status.value],
        ]
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=column, value=safe_cell(value))
            cell.font, cell.border = font, border
            cell.alignment = centre if column in (1, *DATE_COLUMNS) else wrap
            if column in DATE_COLUMNS:
                cell.number_format = DATE_FORMAT
        row += 1

    finish_table(sheet, WIDTHS, header_row, row)
    return workbook_bytes(workbook)


def export_filename(unit: Unit, task_filter: TaskFilter) -> str:
    """'Danh sách nhiệm vụ - Phường Vĩnh Hòa - 12-03-2024.xlsx'."""
    name = f"Danh sách nhiệm vụ - {' '.join(unit.name.split())[:80]} - {task_filter.as_of:%d-%m-%Y}"
    return file_name(name)
