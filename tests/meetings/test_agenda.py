"""The agenda the meeting builds by itself, on the demo ward in March 2024, and the grade it
proposes."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.factories import gen_officer, gen_plan, gen_task, gen_unit
from tracker.core.status import DeadlineClass
from tracker.demo.loader import load_demo
from tracker.extensions import db
from tracker.meetings.agenda import MonthCounts, build_agenda, level_to_rank, proposed_level
from tracker.people.models import Officer, Role, Unit
from tracker.tasks.models import TaskState

HELD_ON = date(2024, 3, 15)


def _d(text: str) -> date:
    day, month, year = (int(part) for part in text.split("/"))
    return date(year, month, day)


@pytest.fixture
def demo(app, demo_database):
    load_demo(db.session)  # already loaded: creates nothing
    db.session.flush()
    return db.session.scalar(select(Unit).where(Unit.code == "vinh-hoa"))


def test_demo_ward_march_2024(demo):
    agenda = build_agenda(db.session, demo.id, 2024, 3, HELD_ON, date(2024, 2, 15))
    officers = db.session.scalars(
        select(Officer).where(Officer.unit_id == demo.id, Officer.active)
    ).all()
    # Every active officer has a section, even with nothing due.
    assert {s["officer_id"] for s in agenda["officers"]} >= {o.id for o in officers}
    due = [line for s in agenda["officers"] for line in s["due"]]
    carried = [line for s in agenda["officers"] for line in s["carried"]]
    assert due and carried
    for line in due:
        assert _d(line["deadline"]).month == 3 and _d(line["deadline"]).year == 2024
    for line in carried:
        assert _d(line["deadline"]) < date(2024, 3, 1)
        assert line["status"] == DeadlineClass.OPEN_OVERDUE
    # The focal officer's month: three due in March done on time, two overdue carried over.
    focal = next(s for s in agenda["officers"] if s["name"] == "Kiều Thị Mỹ Duyên")
    assert focal["counts"]["on_time"] == 3
    assert focal["counts"]["carried"] == 2
    assert focal["level"] == 2  # overdue work, but at least half done: hoàn thành nhiệm vụ
    # The plans' cumulative rates, one rounding rule (1.2: 6/22 is 27.3 %, not 27.2 %).
    rates = {p["appendix_row"]: (p["done"], p["total"], p["rate"]) for p in agenda["plans"]}
    assert rates["1.2"] == (6, 22, "27.3")
    assert rates["1.3"] == (6, 23, "26.1")
    assert rates["1.4"] == (8, 30, "26.7")
    assert all(p["previous_rate"] is not None for p in agenda["plans"])


def test_sections_follow_the_status_rule(app):
    unit = gen_unit()
    lead = gen_officer(unit, Role.OFFICER)
    plan = gen_plan(unit)
    on_time = gen_task(plan, lead, deadline=date(2024, 3, 5), completed_on=date(2024, 3, 4))
    late = gen_task(plan, lead, deadline=date(2024, 3, 5), completed_on=date(2024, 3, 8))
    # done after the meeting: open as the meeting sees it, its completion not shown
    open_ = gen_task(plan, lead, deadline=date(2024, 3, 29), completed_on=date(2024, 3, 20))
    overdue_now = gen_task(plan, lead, deadline=date(2024, 3, 11))
    carried = gen_task(plan, lead, deadline=date(2024, 2, 20))
    gen_task(plan, lead, deadline=date(2024, 1, 20), completed_on=date(2024, 1, 19))  # old, done
    pending = gen_task(plan, lead, deadline=date(2024, 4, 30), state=TaskState.PENDING_CONFIRMATION)
    nobody = gen_task(plan, None, deadline=date(2024, 3, 20))
    agenda = build_agenda(db.session, unit.id, 2024, 3, HELD_ON)
    section = next(s for s in agenda["officers"] if s["officer_id"] == lead.id)
    status = {line["task_id"]: line["status"] for line in section["due"]}
    assert status == {
        on_time.id: "done_on_time",
        late.id: "done_late",
        open_.id: "open_on_time",
        overdue_now.id: "open_overdue",
    }
    completed = {line["task_id"]: line["completed_on"] for line in section["due"]}
    assert completed[on_time.id] == "04/03/2024" and completed[open_.id] == ""
    assert [line["task_id"] for line in section["carried"]] == [carried.id]
    assert [line["task_id"] for line in section["pending"]] == [pending.id]
    assert section["counts"] == {
        "due": 4,
        "on_time": 1,
        "late": 1,
        "open": 1,
        "overdue": 2,
        "carried": 1,
        "explanations": 0,
        "pending": 1,
    }
    # Tasks without a lead are shown, never dropped.
    orphan = next(s for s in agenda["officers"] if s["officer_id"] is None)
    assert [line["task_id"] for line in orphan["due"]] == [nobody.id]


@pytest.mark.parametrize(
    ("counts", "level"),
    [
        (MonthCounts(), None),  # nothing due: không phát sinh, no proposal
        (MonthCounts(on_time=4), 0),
        (MonthCounts(on_time=3, late=1), 1),
        (MonthCounts(on_time=2, overdue=2), 2),
        (MonthCounts(on_time=1, late=1, overdue=1), 2),
        (MonthCounts(on_time=1, overdue=2), 3),
        (MonthCounts(overdue=1), 3),
    ],
)
def test_proposed_level(counts, level):
    assert proposed_level(counts) == level


def test_levels_map_onto_any_list_by_rank():
    assert [level_to_rank(level, 4) for level in range(4)] == [1, 2, 3, 4]
    assert [level_to_rank(level, 3) for level in range(4)] == [1, 2, 2, 3]
    assert [level_to_rank(level, 5) for level in range(4)] == [1, 2, 4, 5]
    assert level_to_rank(3, 2) == 2 and level_to_rank(0, 2) == 1
