"""A plan as an .xlsx workbook, in the shape the importer reads back.

A title block (the plan's title, its document, its years), the header row
STT | Lĩnh vực | Nhiệm vụ | Sản phẩm | Chủ trì | Phối hợp | Thời hạn, then each group's heading
row (bold) followed by its tasks. Deadlines are real dates shown dd/mm/yyyy; recurring tasks
show their phrase. Times New Roman, as official documents are set.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, object_session, selectinload

from tracker.core.downloads import file_name
from tracker.core.formatting import format_date
from tracker.core.spreadsheets import Column, SpreadsheetWriter
from tracker.plans.models import Plan, TaskGroup
from tracker.tasks.models import CadenceUnit, Task
from tracker.tasks.queries import plan_tasks

HEADERS = ("STT", "Lĩnh vực", "Nhiệm vụ", "Sản phẩm", "Chủ trì", "Phối hợp", "Thời hạn")
COLUMNS = (Column(6, align="center"), Column(24), Column(55), Column(38), Column(22), Column(30),
           Column(14, align="center"))  # the last: a date, or a recurring task's phrase


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

    writer = SpreadsheetWriter()
    sheet = writer.sheet("Kế hoạch", COLUMNS)
    title, *rest = title_block(plan)
    sheet.title(title, size=14, bold=True, height=36)
    for line in rest:
        sheet.title(line, italic=True)
    sheet.blank()
    sheet.header(HEADERS)

    by_group: dict[int | None, list[Task]] = {}
    for task in tasks:
        by_group.setdefault(task.group_id, []).append(task)
    sections: list[tuple[TaskGroup | None, list[Task]]] = [(None, by_group.get(None, []))]
    sections += [(group, by_group.get(group.id, [])) for group in plan.groups]

    for number, (group, group_tasks) in enumerate(sections):
        if group is not None:
            # STT and the name in "Lĩnh vực", alone on its row: the importer's heading row.
            sheet.row([_roman(number), group.name, "", "", "", "", ""], bold=True)
        for position, task in enumerate(group_tasks, start=1):
            sheet.row(
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

    sheet.finish()
    return writer.to_bytes()


def export_filename(plan: Plan) -> str:
    """'Kế hoạch CCHC năm 2024 (39-QĐ-UBND).xlsx': the title, then the document number."""
    name = " ".join(plan.title.split())[:80].strip() or "Ke hoach"
    if plan.document_number:
        name += f" ({plan.document_number})"
    return file_name(name)
