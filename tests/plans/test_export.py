"""Plan export: the workbook's shape, formula escaping, the round trip, the download."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from urllib.parse import unquote

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tests.factories import gen_group, gen_officer, gen_plan, gen_task, gen_unit
from tracker.core.spreadsheets import safe_cell
from tracker.extensions import db
from tracker.people.models import Role
from tracker.plans.exporting import (
    HEADERS,
    deadline_cell,
    export_filename,
    export_plan_xlsx,
    load_plan_for_export,
)
from tracker.plans.importing import PlanMetadata, import_plan_file
from tracker.plans.models import Plan, PlanKind
from tracker.tasks.models import CadenceMode, CadenceUnit, Task
from tracker.tasks.operations import lay_out_occurrences


@pytest.fixture
def plan(app):
    """A plan like the ward's: fields, recurring tasks, several supporters, awkward text."""
    ward = gen_unit(code="vinh-hoa", name="UBND phường Vĩnh Hòa")
    an = gen_officer(ward, Role.CHAIRPERSON, full_name="Nguyễn Văn An")
    binh = gen_officer(ward, full_name="Trần Thị Bình")
    cuong = gen_officer(ward, full_name="Lê Văn Cường")
    plan = gen_plan(
        ward,
        title="Kế hoạch cải cách hành chính năm 2024",
        document_number="39/QĐ-UBND",
        document_date=date(2024, 1, 31),
    )
    gen_task(plan, an, title="Việc chưa thuộc lĩnh vực", deadline=date(2024, 12, 31), ordinal=1)
    direction = gen_group(plan, "Chỉ đạo, điều hành")
    inspection = gen_group(plan, "Kiểm tra công tác CCHC")
    gen_group(plan, "Cải cách thể chế")  # a field without tasks yet
    gen_task(
        plan,
        an,
        group=direction,
        title="Ban hành Kế hoạch CCHC năm 2024",
        deliverable="Kế hoạch số 333/KH-UBND ngày 04/3/2024",
        supporters=[binh, cuong],
        deadline=date(2024, 1, 31),
        ordinal=2,
    )
    monthly = gen_task(
        plan,
        binh,
        group=direction,
        title="- Tổ chức họp CCHC hàng tháng\n- Đánh giá cán bộ",
        deliverable='=HYPERLINK("http://evil")',
        supporters=[an],
        deadline=None,
        recurrence_note="Hàng tháng",
        ordinal=3,
        cadence_every=1,
        cadence_unit=CadenceUnit.MONTH,
        cadence_mode=CadenceMode.FIXED,
    )
    lay_out_occurrences(db.session, monthly)
    gen_task(
        plan,
        cuong,
        group=inspection,
        title="@Kiểm tra nội bộ",
        deliverable="+Kết luận kiểm tra",
        deadline=date(2024, 9, 30),
        ordinal=4,
    )
    gen_task(
        plan,
        None,
        group=inspection,
        title="Việc chưa giao",
        deadline=None,
        ordinal=5,
        recurrence_note="Thường xuyên",
    )
    archived = gen_task(plan, an, group=inspection, title="Việc đã bỏ", ordinal=6)
    archived.archived_at = datetime(2024, 2, 1, tzinfo=UTC)
    db.session.commit()
    return plan


def snapshot(plan_id: int):
    """Groups and live tasks, compared by value (names, not ids)."""
    loaded = db.session.get(Plan, plan_id)
    tasks = db.session.scalars(
        select(Task)
        .where(Task.plan_id == plan_id, Task.archived_at.is_(None))
        .order_by(Task.ordinal)
    ).all()
    return (
        [g.name for g in loaded.groups],
        [
            (
                t.group.name if t.group else None,
                t.title,
                t.deliverable,
                t.lead_officer.email if t.lead_officer else None,
                sorted(o.email for o in t.supporters),
                t.deadline,
                t.recurrence_note,
                (t.cadence_every, t.cadence_unit, len(t.occurrences)),
            )
            for t in tasks
        ],
    )


def test_round_trip_gives_back_the_same_plan(plan):
    data = export_plan_xlsx(load_plan_for_export(db.session, plan.id))
    again = import_plan_file(db.session, plan.unit, export_filename(plan), data)
    assert snapshot(again.id) == snapshot(plan.id)
    assert (again.title, again.document_number, again.document_date) == (
        plan.title,
        plan.document_number,
        plan.document_date,
    )
    assert (again.start_year, again.end_year, again.kind) == (2024, 2024, PlanKind.ANNUAL_REFORM)


def test_round_trip_keeps_years_spanning_two_years(plan):
    plan.start_year, plan.end_year = 2023, 2024
    plan.kind = PlanKind.PAPI
    for task in db.session.scalars(select(Task).where(Task.cadence_every.is_not(None))):
        lay_out_occurrences(db.session, task)  # two years of months
    db.session.flush()
    data = export_plan_xlsx(plan)
    again = import_plan_file(
        db.session, plan.unit, "x.xlsx", data, PlanMetadata(kind=PlanKind.PAPI)
    )
    assert (again.start_year, again.end_year) == (2023, 2024)
    assert snapshot(again.id) == snapshot(plan.id)


def test_workbook_shape(plan):
    sheet = load_workbook(io.BytesIO(export_plan_xlsx(plan))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Kế hoạch cải cách hành chính năm 2024"
    assert rows[1][0] == (
        "(Kèm theo văn bản số 39/QĐ-UBND ngày 31/01/2024 của UBND phường Vĩnh Hòa)"
    )
    assert rows[2][0] == "Thời gian thực hiện: năm 2024"
    header = rows.index(HEADERS)
    body = rows[header + 1 :]
    assert body[0][:3] == (1, None, "Việc chưa thuộc lĩnh vực")
    assert body[1][:2] == ("I", "Chỉ đạo, điều hành")
    assert body[2][:3] == (1, "Chỉ đạo, điều hành", "Ban hành Kế hoạch CCHC năm 2024")
    assert body[2][4:] == ("Nguyễn Văn An", "Lê Văn Cường, Trần Thị Bình", datetime(2024, 1, 31))
    assert body[3][6] == "Hàng tháng"
    assert body[4][:2] == ("II", "Kiểm tra công tác CCHC")
    assert body[7][:2] == ("III", "Cải cách thể chế")
    assert len(body) == 8  # the archived task is not exported
    assert "Việc đã bỏ" not in str(rows)

    heading = sheet.cell(row=header + 3, column=2)
    assert heading.font.b and heading.font.name == "Times New Roman"
    date_cell = sheet.cell(row=header + 4, column=7)
    assert date_cell.number_format == "dd/mm/yyyy"
    assert sheet.cell(row=header + 4, column=3).font.name == "Times New Roman"
    assert sheet.column_dimensions["C"].width > sheet.column_dimensions["A"].width


def test_cells_that_would_be_formulas_are_escaped(plan):
    sheet = load_workbook(io.BytesIO(export_plan_xlsx(plan))).active
    values = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert '\'=HYPERLINK("http://evil")' in values
    assert "'@Kiểm tra nội bộ" in values
    assert "'+Kết luận kiểm tra" in values
    assert "'- Tổ chức họp CCHC hàng tháng\n- Đánh giá cán bộ" in values
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    assert safe_cell("-5") == "'-5" and safe_cell("Bình thường") == "Bình thường"
    assert safe_cell(date(2024, 1, 1)) == date(2024, 1, 1)


def test_export_queries_do_not_grow_with_tasks(app, count_queries):
    def plan_with(n: int) -> int:
        ward = gen_unit()
        people = [gen_officer(ward) for _ in range(3)]
        plan = gen_plan(ward)
        groups = [gen_group(plan, f"Lĩnh vực {i}") for i in range(3)]
        for i in range(n):
            gen_task(plan, people[i % 3], group=groups[i % 3], supporters=people[:2], ordinal=i)
        db.session.commit()
        plan_id = plan.id
        db.session.expunge_all()
        return plan_id

    small, large = plan_with(2), plan_with(15)
    used = []
    for plan_id in (small, large):
        with count_queries() as counter:
            export_plan_xlsx(load_plan_for_export(db.session, plan_id))
        used.append(counter.count)
        db.session.expunge_all()
    assert used[0] == used[1], used
    assert used[1] <= 8  # plan, groups, tasks, supporters, occurrences, officers' roles


def test_filename_and_content_disposition(client, auth, plan):
    name = export_filename(plan)
    assert name == "Kế hoạch cải cách hành chính năm 2024 (39-QĐ-UBND).xlsx"
    auth.login(gen_officer(plan.unit))
    header = client.get(f"/plans/{plan.id}/export.xlsx").headers["Content-Disposition"]
    assert header.startswith('attachment; filename="Ke hoach cai cach hanh chinh nam 2024')
    assert unquote(header.split("filename*=UTF-8''")[1]) == name


def test_download_route(client, auth, plan):
    officer = gen_officer(plan.unit)
    outsider = gen_officer(gen_unit())
    db.session.commit()
    auth.login(officer)
    response = client.get(f"/plans/{plan.id}/export.xlsx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "filename*=UTF-8''K%E1%BA%BF%20ho%E1%BA%A1ch" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet["A1"].value == plan.title
    assert client.get("/plans/999999/export.xlsx").status_code == 404
    auth.logout()
    auth.login(outsider)
    assert client.get(f"/plans/{plan.id}/export.xlsx").status_code == 403


def test_recurring_tasks_show_their_cadence_not_the_last_occurrence(app):
    plan = gen_plan(gen_unit())
    monthly = gen_task(plan, cadence_every=1, cadence_unit=CadenceUnit.MONTH)
    quarterly = gen_task(
        plan, cadence_every=3, cadence_unit=CadenceUnit.MONTH, recurrence_note="Định kỳ hàng quý"
    )
    fortnightly = gen_task(plan, cadence_every=2, cadence_unit=CadenceUnit.WEEK)
    one_off = gen_task(plan, deadline=date(2024, 5, 31))
    assert [deadline_cell(t) for t in (monthly, quarterly, fortnightly, one_off)] == [
        "Hàng tháng",
        "Định kỳ hàng quý",
        "Định kỳ 2 tuần",
        date(2024, 5, 31),
    ]
