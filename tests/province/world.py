"""A province of communes whose tasks cover every case of the status rule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from tests.factories import gen_officer, gen_plan, gen_task, gen_unit
from tracker.appendix.models import PeriodKind, PeriodState, ReportingPeriod
from tracker.extensions import db
from tracker.meetings.models import Meeting
from tracker.people.models import Officer, Role, Unit, UnitKind
from tracker.plans.models import PlanKind
from tracker.tasks.models import CadenceUnit, TaskOccurrence, TaskState

AS_OF = date(2024, 3, 12)


@dataclass
class Province:
    province: Unit
    communes: list[Unit]
    inspector: Officer
    chair: Officer


def fill_commune(commune: Unit, n: int) -> None:
    """Two plans; the n-th commune has n overdue tasks more than the first, so that an order
    by overdue tasks is known."""
    lead = gen_officer(commune, full_name=f"Cán Bộ {commune.code}")
    annual = gen_plan(commune, title="Kế hoạch CCHC năm 2024")
    papi = gen_plan(commune, kind=PlanKind.PAPI, appendix_row="1.3", start_year=2023)
    gen_task(annual, lead, deadline=date(2024, 2, 29), completed_on=date(2024, 2, 20))
    gen_task(annual, lead, deadline=date(2024, 2, 29), completed_on=date(2024, 3, 5))
    gen_task(annual, lead, deadline=date(2024, 6, 30))
    gen_task(annual, lead, deadline=None)
    for _ in range(n):
        gen_task(annual, lead, deadline=date(2024, 3, 1))
    # Withdrawn on 01/03: counted for the days before only.
    gen_task(annual, lead, deadline=date(2024, 2, 1), withdrawn_on=date(2024, 3, 1))
    # Entered later than the date: not counted yet.
    gen_task(annual, lead, deadline=date(2024, 5, 1), entered_on=date(2024, 4, 1))
    # Deadline moved on 15/02 from 01/03 to 30/04: judged by the new one from then.
    gen_task(
        papi,
        lead,
        deadline=date(2024, 4, 30),
        deadline_history=[[None, "2024-03-01"], ["2024-02-15", "2024-04-30"]],
    )
    # Done on 10/02, reopened on 10/03: counted done until then.
    gen_task(
        papi,
        lead,
        deadline=date(2024, 2, 28),
        completion_history=[["2024-02-10", "2024-02-11", "2024-03-10"]],
    )
    gen_task(papi, lead, deadline=date(2024, 3, 15), state=TaskState.PENDING_CONFIRMATION)
    monthly = gen_task(
        papi,
        lead,
        deadline=date(2024, 3, 31),
        cadence_every=1,
        cadence_unit=CadenceUnit.MONTH,
        occurrences=[
            TaskOccurrence(sequence=1, deadline=date(2024, 1, 31), completed_on=date(2024, 1, 30)),
            TaskOccurrence(sequence=2, deadline=date(2024, 2, 29), completed_on=None),
            TaskOccurrence(sequence=3, deadline=date(2024, 3, 31), completed_on=None),
        ],
    )
    assert monthly.occurrences


def build_province(communes: int = 3, code: str = "khanh-hoa") -> Province:
    province = gen_unit(code, "Tỉnh Khánh Hòa", kind=UnitKind.PROVINCE)
    units = [
        gen_unit(f"{code}-xa-{n}", name, parent=province, kind=UnitKind.COMMUNE)
        for n, name in enumerate(
            (["Phường Vĩnh Hòa", "Xã Cam Lâm", "Phường Nha Trang"] + [
                f"Xã Thử {i:02d}" for i in range(3, communes)
            ])[:communes]
        )
    ]
    for n, commune in enumerate(units):
        fill_commune(commune, n)
    inspector = gen_officer(province, Role.INSPECTOR, full_name="Chuyên Viên Sở Nội Vụ")
    chair = gen_officer(province, Role.CHAIRPERSON, full_name="Chủ Tịch Tỉnh")
    db.session.commit()
    return Province(province, units, inspector, chair)


def add_meeting(unit: Unit, held_on: date) -> None:
    db.session.add(Meeting(unit_id=unit.id, year=held_on.year, month=held_on.month,
                           held_on=held_on))


def add_period(unit: Unit, label: str, end: date, state=PeriodState.OPEN,
               reopened: bool = False) -> None:
    db.session.add(
        ReportingPeriod(
            unit_id=unit.id, kind=PeriodKind.QUARTER, label=label, start=date(end.year, 1, 1),
            end=end, acknowledged=[], state=state,
            snapshot={"rows": [], "documents": []} if state is PeriodState.SUBMITTED else None,
            reopened_at=datetime(2024, 3, 20, tzinfo=UTC) if reopened else None,
        )
    )
