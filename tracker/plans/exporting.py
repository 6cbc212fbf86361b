"""A plan as an .xlsx workbook, in the shape the importer reads back.

A title block (the plan's title, its document, its years), the header row
STT | Lĩnh vực | Nhiệm vụ | Sản phẩm | Chủ trì | Phối hợp | Thời hạn, then each group's heading
row (bold) followed by its tasks. Deadlines are real dates shown dd/mm/yyyy; recurring tasks
show their phrase. Times New Roman, as official documents are set.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, object_session, selectinload

from tracker.core.formatting import format_date
from tracker.core.spreadsheets import (
    DATE_FORMAT,
    FONT_NAME,
    file_name,
    finish_table,
    safe_cell,
    workbook_bytes,
)
from tracker.plans.models import Plan, TaskGroup
from tracker.tasks.models import CadenceUnit, Task
from tracker.tasks.queries import plan_tasks

HEADERS = ("STT", "Lĩnh vực", "Nhiệm vụ", "Sản phẩm", "Chủ trì", "Phối hợp", "Thời hạn")
WIDTHS = (6, 24, 55, 38, 22, 30, 14)


def load_plan_for_export(session: Session, plan_id: int) -> Plan | None:
    """The plan with its unit and groups loaded (its tasks: tasks.queries.plan_tasks)."""
    return session.scalar(
        select(Plan)
        .where(Plan.id == plan_id)
        .options(joinedload(Plan.unit), selectinload(Plan.groups))
    )


def _roman(number: int) -> str:
    numerals = (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    )
    out = ""
    for value, letters in numerals:
        while number >= value:
            out += letters
            number -= value
    return out


def _years(plan: Plan) -> str:
    if plan.start_year == plan.end_year:
        return f"năm {plan.start_year}"
    return f"năm {plan.start_year} - {plan.end_year}"


def title_block(plan: Plan) -> list[str]:
    """The lines above the table; the importer reads the title, document and years back."""
    lines = [plan.title]
    if plan.document_number:
        source = f"(Kèm theo văn bản số {plan.document_number}"
        if plan.document_date:
            source += f" ngày {format_date(plan.document_date)}"
        lines.append(f"{source} của {plan.unit.name})")
    lines.append(f"Thời gian thực hiện: {_years(plan)}")
    return lines


def _cadence_phrase(task: Task) -> str:
    every, unit = task.cadence_every, task.cadence_unit
    if unit is CadenceUnit.WEEK:
        return "Hàng tuần" if every == 1 else f"Định kỳ {every} tuần"
    named = {1: "Hàng tháng", 3: "Hàng quý", 6: "Định kỳ 6 tháng", 12: "Hàng năm"}
    return named.get(every, f"Định kỳ {every} tháng")


def deadline_cell(task: Task) -> date | str:
    """A recurring task shows its cadence as the plan words it; a one-off task its date."""
    if task.is_recurring:
        return task.recurrence_note or _cadence_phrase(task)
    return task.deadline or task.recurrence_note


def export_plan_xlsx(plan: Plan, tasks: Sequence[Task] | None = None) -> bytes:
    """The plan as an .xlsx file (bytes). `tasks` defaults to the plan's live tasks."""
    if tasks is None:
        session = object_session(plan)
        assert session is not None, "the plan must belong to a session"
        tasks = plan_tasks(session, plan)

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Kế hoạch"
    font = Font(name=FONT_NAME, size=12)
    bold = Font(name=FONT_NAME, size=12, bold=True)
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")
    centre = Alignment(wrap_text=True, vertical="top", horizontal="center")
    last_column = get_column_letter(len(HEADERS))

    row = 1
    for index, line in enumerate(title_block(plan)):
        cell = sheet.cell(row=row, column=1, value=safe_cell(line))
        cell.font = Font(
            name=FONT_NAME, size=14 if index == 0 else 12, bold=index == 0, italic=index > 0
        )
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.merge_cells(f"A{row}:{last_column}{row}")
        if index == 0:
            sheet.row_dimensions[row].height = 36
        row += 1
    row += 1  # a blank line before the table

    header_row = row
    for column, label in enumerate(HEADERS, start=1):
        cell = sheet.cell(row=row, column=column, value=label)
        cell.font, cell.border = bold, border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    row += 1

    def write(values: Sequence[Any], *, heading: bool = False) -> None:
        nonlocal row
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=column, value=safe_cell(value))
            cell.font = bold if heading else font
            cell.border = border
            cell.alignment = centre if column in (1, 7) else wrap
            if isinstance(value, date):
                cell.number_format = DATE_FORMAT
        row += 1

    by_group: dict[int | None, list[Task]] = {}
    for task in tasks:
        by_group.setdefault(task.group_id, []).append(task)
    sections: list[tuple[TaskGroup | None, list[Task]]] = [(None, by_group.get(None, []))]
    sections += [(group, by_group.get(group.id, [])) for group in plan.groups]

    for number, (group, group_tasks) in enumerate(sections):
        if group is not None:
            # STT and the name in "Lĩnh vực", alone on its row: the importer's heading row.
            write([_roman(number), group.name, "", "", "", "", ""], heading=True)
        for position, task in enumerate(group_tasks, start=1):
            write(
                [
                    position,
                    # The field repeated on each task row keeps rows meaningful when filtered.
                    group.name if group is not None else "",
                    task.title,
                    task.deliverable,
                    task.lead_officer.full_name if task.lead_officer else "",
                    ", ".join(officer.full_name for officer in task.supporters),
                    deadline_cell(task),
                ]
            )

    finish_table(sheet, WIDTHS, header_row, row)
    return workbook_bytes(workbook)


def export_filename(plan: Plan) -> str:
    """'Kế hoạch CCHC năm 2024 (39-QĐ-UBND).xlsx': the title, then the document number."""
    name = " ".join(plan.title.split())[:80].strip() or "Ke hoach"
    if plan.document_number:
        name += f" ({plan.document_number})"
    return file_name(name)
