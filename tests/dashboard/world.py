"""A small ward whose figures are worked out by hand in the tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tests.factories import gen_group, gen_officer, gen_plan, gen_task, gen_unit
from tracker.extensions import db
from tracker.people.models import Officer, Role, Unit, UnitKind
from tracker.plans.models import Plan, PlanKind
from tracker.tasks.models import CadenceUnit, Task, TaskOccurrence, TaskState

REPORT_DATE = date(2024, 3, 12)


@dataclass
class World:
    city: Unit
    ward: Unit
    chair: Officer
    an: Officer
    binh: Officer
    annual: Plan
    papi: Plan
    tasks: dict[str, Task]


def build_world(code: str = "vinh-hoa") -> World:
    """Annual plan 2024 (6 tasks, 2 fields) and a PAPI plan 2023–2024 (a monthly task, a
    completion waiting for confirmation). As of 12/03/2024:

    t1 done on time, t2 done late, t3 overdue, t4 due on 20/03, t5 unassigned (30/06),
    t6 done on 10/04 (after the date: still open then), t7 monthly (open, on time),
    t8 submitted, waiting for confirmation, due on 15/03.
    """
    city = gen_unit(f"{code}-tp", "Thành phố Nha Trang", kind=UnitKind.CITY)
    ward = gen_unit(code, "Phường Vĩnh Hòa", parent=city)
    chair = gen_officer(ward, Role.CHAIRPERSON, full_name="Lê Văn Chủ")
    an = gen_officer(ward, full_name="Nguyễn Văn An")
    binh = gen_officer(ward, full_name="Trần Thị Bình")
    annual = gen_plan(
        ward, title="Kế hoạch CCHC năm 2024", document_number="39/QĐ-UBND", appendix_row="1.2"
    )
    propaganda = gen_group(annual, "Tuyên truyền CCHC")
    procedures = gen_group(annual, "Cải cách thủ tục hành chính")
    papi = gen_plan(
        ward,
        kind=PlanKind.PAPI,
        title="Kế hoạch cải thiện chỉ số PAPI",
        document_number="117/KH-UBND",
        appendix_row="1.3",
        start_year=2023,
        end_year=2024,
    )
    t = {}
    t["t1"] = gen_task(
        annual,
        an,
        group=propaganda,
        title="Xây dựng kế hoạch tuyên truyền CCHC",
        deadline=date(2024, 2, 29),
        completed_on=date(2024, 2, 20),
    )
    t["t2"] = gen_task(
        annual, an, group=propaganda, deadline=date(2024, 2, 29), completed_on=date(2024, 3, 5)
    )
    t["t3"] = gen_task(annual, binh, group=procedures, deadline=date(2024, 3, 1))
    t["t4"] = gen_task(annual, binh, group=procedures, deadline=date(2024, 3, 20))
    t["t5"] = gen_task(annual, None, group=procedures, deadline=date(2024, 6, 30))
    t["t6"] = gen_task(annual, an, deadline=date(2024, 12, 31), completed_on=date(2024, 4, 10))
    t["t7"] = gen_task(
        papi,
        binh,
        title="Báo cáo PAPI hằng tháng",
        deadline=date(2024, 3, 31),
        recurrence_note="hàng tháng",
        cadence_every=1,
        cadence_unit=CadenceUnit.MONTH,
        occurrences=[
            TaskOccurrence(sequence=1, deadline=date(2024, 1, 31), completed_on=date(2024, 1, 30)),
            TaskOccurrence(sequence=2, deadline=date(2024, 2, 29), completed_on=date(2024, 3, 1)),
            TaskOccurrence(sequence=3, deadline=date(2024, 3, 31)),
        ],
    )
    t["t8"] = gen_task(
        papi,
        an,
        title="Công khai thủ tục hành chính",
        deadline=date(2024, 3, 15),
        state=TaskState.PENDING_CONFIRMATION,
    )
    db.session.commit()
    return World(city, ward, chair, an, binh, annual, papi, t)
