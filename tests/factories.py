"""Factories: each builds one model with sensible defaults and flushes it."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time

from tracker.extensions import db
from tracker.people.models import Officer, Role, Unit, UnitKind
from tracker.people.operations import create_officer
from tracker.plans.models import Plan, PlanKind, TaskGroup
from tracker.tasks.models import Evidence, NoteKind, Task, TaskNote, TaskState

PASSWORD = "mat-khau-123"
_seq = itertools.count(1)


def gen_unit(
    code: str | None = None,
    name: str | None = None,
    parent: Unit | None = None,
    kind: UnitKind = UnitKind.WARD,
) -> Unit:
    n = next(_seq)
    unit = Unit(code=code or f"unit-{n}", name=name or f"Phường Thử {n}", kind=kind, parent=parent)
    db.session.add(unit)
    db.session.flush()
    return unit


def gen_officer(
    unit: Unit | None = None,
    *roles: Role,
    full_name: str | None = None,
    email: str | None = None,
    position: str = "Công chức",
    password: str = PASSWORD,
) -> Officer:
    n = next(_seq)
    return create_officer(
        db.session,
        unit=unit or gen_unit(),
        email=email or f"officer{n}@test.example",
        full_name=full_name or f"Nguyễn Văn {n}",
        roles=roles or (Role.OFFICER,),
        position=position,
        password=password,
    )


def gen_plan(
    unit: Unit | None = None,
    kind: PlanKind = PlanKind.ANNUAL_REFORM,
    title: str | None = None,
    appendix_row: str | None = "1.2",
    **fields,
) -> Plan:
    n = next(_seq)
    plan = Plan(
        unit=unit or gen_unit(),
        kind=kind,
        title=title or f"Kế hoạch thử {n}",
        document_number=fields.pop("document_number", f"{n}/KH-UBND"),
        document_date=fields.pop("document_date", date(2024, 1, 31)),
        start_year=fields.pop("start_year", 2024),
        end_year=fields.pop("end_year", 2024),
        appendix_row=appendix_row,
        **fields,
    )
    db.session.add(plan)
    db.session.flush()
    return plan


def gen_group(plan: Plan, name: str | None = None, ordinal: int | None = None) -> TaskGroup:
    ordinal = ordinal or len(plan.groups) + 1
    group = TaskGroup(plan=plan, ordinal=ordinal, name=name or f"Lĩnh vực {ordinal}")
    db.session.add(group)
    db.session.flush()
    return group


def gen_ward_team(code: str) -> dict:
    """A ward with its chairperson, a lead, a helper, a plan and one field of it: the world
    of the workflow's page tests (each adds its tasks)."""
    unit = gen_unit(code=code)
    world = {
        "unit": unit,
        "chair": gen_officer(unit, Role.CHAIRPERSON, full_name="Lê Chủ Tịch"),
        "lead": gen_officer(unit, full_name="Phạm Chủ Trì"),
        "helper": gen_officer(unit, full_name="Võ Phối Hợp"),
        "plan": gen_plan(unit, title="Kế hoạch CCHC"),
    }
    return {**world, "group": gen_group(world["plan"], "Tuyên truyền CCHC")}


def gen_task(
    plan: Plan | None = None,
    lead: Officer | None = None,
    *,
    deadline: date | None = date(2024, 6, 30),
    completed_on: date | None = None,
    group: TaskGroup | None = None,
    supporters: list[Officer] | None = None,
    submitted_at: datetime | None = None,
    **fields,
) -> Task:
    plan = plan or gen_plan()
    n = next(_seq)
    task = Task(
        plan=plan,
        group=group,
        ordinal=fields.pop("ordinal", n),
        title=fields.pop("title", f"Nhiệm vụ thử {n}"),
        deliverable=fields.pop("deliverable", "Kế hoạch"),
        lead_officer=lead,
        deadline=deadline,
        completed_on=completed_on,
        state=TaskState.DONE if completed_on else fields.pop("state", TaskState.NOT_STARTED),
        supporters=supporters or [],
        # A plan's original task: it entered the plan on the plan's document date.
        entered_on=fields.pop("entered_on", plan.document_date or date(plan.start_year, 1, 1)),
        **fields,
    )
    db.session.add(task)
    db.session.flush()
    if task.state is TaskState.PENDING_CONFIRMATION:
        # A completion waits for confirmation since its submission, written in the journal.
        submitted = submitted_at or datetime.combine(task.entered_on, time(3, 0), tzinfo=UTC)
        db.session.add(
            TaskNote(task_id=task.id, kind=NoteKind.SUBMISSION, author=lead, created_at=submitted)
        )
        db.session.flush()
    return task


def gen_evidence(
    task: Task, number: str = "333/KH-UBND", on: date = date(2024, 3, 4), summary: str = ""
) -> Evidence:
    evidence = Evidence(task=task, document_number=number, document_date=on, summary=summary)
    db.session.add(evidence)
    db.session.flush()
    return evidence


def gen_xlsx(rows: list[list], *, number_formats: dict[str, str] | None = None) -> bytes:
    """An .xlsx file whose first sheet holds `rows` (lists of cell values, None = empty cell);
    `number_formats` sets a cell's format by coordinate ({"G7": "dd/mm/yyyy"})."""
    import io

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for coordinate, number_format in (number_formats or {}).items():
        sheet[coordinate].number_format = number_format
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def gen_csv(rows: list[list], *, delimiter: str = ";", encoding: str = "utf-8-sig") -> bytes:
    """A CSV file of `rows` as Excel writes one (a BOM with utf-8-sig, CRLF line ends)."""
    import csv
    import io

    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter).writerows(
        [["" if value is None else value for value in row] for row in rows]
    )
    return buffer.getvalue().encode(encoding)


def gen_docx(*blocks) -> bytes:
    """A Word document of `blocks` in order: a str is a paragraph, a list of rows a table.

    A table row is a list of cell texts; None continues the cell above (merged down), and
    ("text", n) is a cell merged across n columns (its grid columns filled from the left).
    """
    import io

    from docx import Document

    document = Document()
    for block in blocks:
        if isinstance(block, str):
            document.add_paragraph(block)
            continue
        width = max(sum(c[1] if isinstance(c, tuple) else 1 for c in row) for row in block)
        table = document.add_table(rows=len(block), cols=width)
        for r, row in enumerate(block):
            column = 0
            for value in row:
                span = value[1] if isinstance(value, tuple) else 1
                cell = table.cell(r, column)
                if value is None:
                    cell.merge(table.cell(r - 1, column))  # keeps the text above
                else:
                    text = value[0] if isinstance(value, tuple) else value
                    if span > 1:
                        cell = cell.merge(table.cell(r, column + span - 1))
                    cell.text = str(text)
                column += span
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def gen_document(
    unit: Unit, number: str = "39/QĐ-UBND", on: date = date(2024, 1, 31), kind=None,
    subject: str = "Kế hoạch CCHC năm 2024", override: bool | None = None,
):
    """A register entry (sổ văn bản đi) of `unit`; the kind its symbol says unless given."""
    from tracker.documents.models import IssuedDocument
    from tracker.documents.rules import kind_from_number, normal_number, number_key

    entry = IssuedDocument(
        unit_id=unit.id, number=normal_number(number), number_key=number_key(number),
        year=on.year, issued_on=on, kind=kind or kind_from_number(number), subject=subject,
        signer="Lê Minh Tuấn", directing_override=override,
    )
    db.session.add(entry)
    db.session.flush()
    return entry
