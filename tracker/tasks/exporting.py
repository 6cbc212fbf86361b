"""A filtered task list as an .xlsx workbook.

A title block (the list, the unit, the date the statuses are counted to, the filters), then
STT | Kế hoạch | Lĩnh vực | Nhiệm vụ | Sản phẩm | Chủ trì | Phối hợp | Thời hạn |
Ngày hoàn thành | Tình trạng. Dates are real date cells shown dd/mm/yyyy; Times New Roman;
a text starting with = + - @ is escaped so no spreadsheet runs it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tracker.core.downloads import file_name
from tracker.core.formatting import format_date, status_labels
from tracker.core.spreadsheets import Column, SpreadsheetWriter
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
DATE = Column(13, align="center", date=True)
COLUMNS = (Column(6, align="center"), Column(30), Column(24), Column(50), Column(34), Column(22),
           Column(28), DATE, DATE, Column(20))


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
    writer = SpreadsheetWriter()
    sheet = writer.sheet("Nhiệm vụ", COLUMNS)
    sheet.title("DANH SÁCH NHIỆM VỤ", size=14, bold=True)
    sheet.title(unit.name, bold=True)
    sheet.title(f"Tình trạng tính đến ngày {format_date(task_filter.as_of)}", italic=True)
    described = describe_filter(task_filter, lookups)
    if described:
        sheet.title(f"Lọc theo: {described}", italic=True)
    sheet.blank()
    sheet.header(HEADERS)

    labels = status_labels("vi")  # a file carries the Vietnamese words
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
        sheet.row(values)

    sheet.finish()
    return writer.to_bytes()


def export_filename(unit: Unit, task_filter: TaskFilter) -> str:
    """'Danh sách nhiệm vụ - Phường Vĩnh Hòa - 12-03-2024.xlsx'."""
    name = f"Danh sách nhiệm vụ - {' '.join(unit.name.split())[:80]} - {task_filter.as_of:%d-%m-%Y}"
    return file_name(name)
