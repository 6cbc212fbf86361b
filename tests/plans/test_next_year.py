"""Next year's plan from this year's: fields and tasks copied, deadlines a year later."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tests.conftest import csrf_token
from tests.factories import gen_group, gen_officer, gen_plan, gen_task, gen_unit
from tracker.extensions import db
from tracker.people.models import Role
from tracker.plans.editing import PlanInput
from tracker.plans.models import Plan, PlanKind
from tracker.plans.next_year import a_year_later, next_title, start_next_year
from tracker.tasks.models import CadenceMode, CadenceUnit, TaskState
from tracker.tasks.queries import plan_tasks


def test_a_year_later():
    assert a_year_later(date(2024, 2, 29)) == date(2025, 2, 28)
    assert a_year_later(date(2024, 12, 31)) == date(2025, 12, 31)


def test_next_title_moves_the_years_of_the_plan_only():
    plan = Plan(title="Kế hoạch CCHC năm 2024 (theo Quyết định 1999)", start_year=2024,
                end_year=2024)
    assert next_title(plan) == "Kế hoạch CCHC năm 2025 (theo Quyết định 1999)"


def world():
    unit = gen_unit()
    chair = gen_officer(unit, Role.CHAIRPERSON)
    vice = gen_officer(unit, Role.VICE_CHAIRPERSON)
    an = gen_officer(unit, full_name="Nguyễn Văn An")
    gone = gen_officer(unit, full_name="Hoàng Văn Nghỉ")
    plan = gen_plan(unit, title="Kế hoạch CCHC năm 2024", document_date=date(2024, 1, 31),
                    leader=vice)
    field = gen_group(plan, "Cải cách thể chế")
    field.overseer_id = vice.id
    tasks = {
        "leap": gen_task(plan, an, deadline=date(2024, 2, 29), group=field, supporters=[gone],
                         ordinal=1, title="Kiểm tra CCHC năm 2024 theo Chỉ thị 12 năm 2017"),
        "saturday": gen_task(plan, an, deadline=date(2024, 5, 31), completed_on=date(2024, 5, 20),
                             ordinal=2),
        # Extended this year to 30/04: next year's plan keeps the plan's own 29/03.
        "extended": gen_task(plan, an, deadline=date(2024, 4, 30), ordinal=3,
                             deadline_history=[[None, "2024-03-29"], ["2024-03-20", "2024-04-30"]]),
        "orphan": gen_task(plan, gone, deadline=date(2024, 9, 30), ordinal=4),
        "withdrawn": gen_task(plan, an, deadline=date(2024, 9, 30), ordinal=5,
                              withdrawn_on=date(2024, 3, 1)),
        "monthly": gen_task(plan, an, deadline=None, ordinal=6, cadence_every=1,
                            cadence_unit=CadenceUnit.MONTH, cadence_mode=CadenceMode.FIXED,
                            recurrence_note="Hàng tháng"),
    }
    gone.active = False
    db.session.flush()
    return unit, chair, vice, an, plan, tasks


def test_start_next_year_copies_fields_and_tasks_with_deadlines_a_year_later(app):
    unit, chair, vice, an, plan, _tasks = world()
    data = PlanInput(title="Kế hoạch CCHC năm 2025", kind=PlanKind.ANNUAL_REFORM,
                     document_number="20/KH-UBND", document_date=date(2025, 1, 20),
                     start_year=2025, end_year=2025, appendix_row="1.2", leader_id=vice.id)
    result = start_next_year(db.session, plan, data, chair)
    new = result.plan
    assert (new.title, new.start_year, new.leader, new.unit) == (
        "Kế hoạch CCHC năm 2025", 2025, vice, unit
    )
    assert [(g.ordinal, g.name, g.overseer_id) for g in new.groups] == [
        (1, "Cải cách thể chế", vice.id)
    ]
    tasks = plan_tasks(db.session, new)
    assert [(t.ordinal, t.deadline) for t in tasks if not t.is_recurring] == [
        (1, date(2025, 2, 28)),  # 29/02 -> 28/02 (a Friday)
        (2, date(2025, 6, 2)),  # 31/05/2025 is a Saturday: the next working day
        (3, date(2025, 3, 31)),  # the plan's 29/03, not the extension; a Saturday too
        (4, date(2025, 9, 30)),
    ]
    assert [t.lead_officer for t in tasks] == [an, an, an, None, an]
    assert tasks[0].group is new.groups[0] and tasks[0].supporters == []
    assert tasks[0].title == "Kiểm tra CCHC năm 2025 theo Chỉ thị 12 năm 2017"
    assert result.to_assign == (tasks[3],) and result.tasks == 5
    assert {t.state for t in tasks} == {TaskState.NOT_STARTED}
    assert {t.completed_on for t in tasks} == {None}
    assert {t.entered_on for t in tasks} == {date(2025, 1, 20)}
    assert {t.confirmer for t in tasks} == {chair}
    monthly = tasks[4]
    assert [o.deadline.year for o in monthly.occurrences] == [2025] * 12
    assert monthly.recurrence_note == "Hàng tháng"
    # This year's plan is untouched.
    assert len(plan_tasks(db.session, plan)) == 6


def test_the_preview_then_the_new_plan(client, auth):
    _unit, chair, _vice, _an, plan, _tasks = world()
    db.session.commit()
    auth.login(chair)
    path = f"/plans/{plan.id}/next-year"
    html = client.get(path).get_data(as_text=True)
    assert 'value="Kế hoạch CCHC năm 2025"' in html and 'value="2025"' in html
    assert "Hoàng Văn Nghỉ" in html and "Cần giao" in html
    assert "02/06/2025" in html
    marker = 'name="form_token" type="hidden" value="'
    token = html[html.index(marker) + len(marker):].split('"', 1)[0]
    data = {"csrf_token": csrf_token(client, path), "form_token": token,
            "title": "Kế hoạch CCHC năm 2025", "kind": "annual_reform",
            "document_number": "20/KH-UBND", "document_date": "20/13/2025", "years": "2025",
            "appendix_row": "1.2", "leader_id": ""}
    bad = client.post(path, data=data)
    assert bad.status_code == 200
    assert "Ngày văn bản “20/13/2025” không hợp lệ" in bad.get_data(as_text=True)
    assert db.session.scalar(select(Plan).where(Plan.start_year == 2025)) is None
    data["document_date"] = "20/01/2025"
    response = client.post(path, data=data, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Đã lập kế hoạch “Kế hoạch CCHC năm 2025” từ kế hoạch năm trước: 5 nhiệm vụ." in page
    assert "1 nhiệm vụ chưa có người chủ trì" in page
    (new,) = db.session.scalars(select(Plan).where(Plan.start_year == 2025)).all()
    assert new.document_date == date(2025, 1, 20)


def test_the_preview_says_when_next_years_plan_is_already_made(client, auth):
    unit, chair, _vice, _an, plan, _tasks = world()
    db.session.commit()
    auth.login(chair)
    path = f"/plans/{plan.id}/next-year"
    assert 'data-testid="next-year-exists"' not in client.get(path).get_data(as_text=True)
    made = gen_plan(unit, title="Kế hoạch CCHC năm 2025 (đã lập)", start_year=2025,
                    end_year=2025, document_number="20/KH-UBND")
    db.session.commit()
    html = client.get(path).get_data(as_text=True)
    assert "Đơn vị đã có 1 kế hoạch cùng loại cho năm 2025" in html
    assert f'href="/plans/{made.id}"' in html
