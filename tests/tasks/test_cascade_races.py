"""Races of tasks issued to many communes (tasks.cascade), on PostgreSQL with real concurrent
sessions (the harness of tests/support/races.py): two province leaders issuing at once, and
a province leader moving the parent's deadline while a commune's chairperson moves the child's.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from tests.factories import gen_officer, gen_unit
from tests.support.races import OK, World, committed_world, crashes, postgresql_only, race
from tracker.core.refusals import Refusal
from tracker.extensions import db
from tracker.people.models import Officer, Role, Unit, UnitKind
from tracker.plans.models import Plan, PlanKind
from tracker.tasks.cascade import issue_task
from tracker.tasks.models import DeadlineChange, Task
from tracker.tasks.operations import TaskInput, save_task

ROUNDS = 8
TODAY = date(2026, 3, 4)

pytestmark = postgresql_only


@pytest.fixture(scope="module")
def world(tmp_path_factory, migrated_database):
    def build():
        province = gen_unit(code="tinh", name="Tỉnh", kind=UnitKind.PROVINCE)
        communes = [
            gen_unit(code=f"xa-{n}", name=f"Xã {n}", parent=province, kind=UnitKind.COMMUNE)
            for n in range(3)
        ]
        people = {
            "chair": gen_officer(province, Role.CHAIRPERSON),
            "admin": gen_officer(province, Role.ADMIN),
            "follower": gen_officer(province),
            "commune_chair": gen_officer(communes[0], Role.CHAIRPERSON),
            "commune_lead": gen_officer(communes[0]),
        }
        db.session.flush()
        return province.id, 0, people

    directory = tmp_path_factory.mktemp("cascade-races")
    with committed_world(directory, "cascade", build, migrated_database) as built:
        yield built


def _input(world: World, title: str, deadline: date) -> TaskInput:
    return TaskInput(
        title=title,
        deliverable="Báo cáo",
        lead_officer_id=world.people["follower"],
        confirmer_id=world.people["chair"],
        deadline=deadline,
    )


def _issuing(world: World, title: str):
    def prepare(session, officer):
        province = session.get(Unit, world.unit_id)
        ids = [u.id for u in session.scalars(select(Unit).where(Unit.parent_id == province.id))]
        return lambda: issue_task(
            session, province, _input(world, title, date(2026, 4, 28)), ids, officer
        )

    return prepare


def test_two_leaders_issuing_at_once_share_each_communes_plan(world, clock):
    clock(TODAY)
    for n in range(ROUNDS):
        outcomes = race(
            world,
            ("chair", _issuing(world, f"Nhiệm vụ A{n}")),
            ("admin", _issuing(world, f"Nhiệm vụ B{n}")),
        )
        assert outcomes == [OK, OK], outcomes
    with world.app.app_context():
        plans = db.session.execute(
            select(Plan.unit_id, func.count())
            .where(Plan.kind == PlanKind.ASSIGNED_BY_HIGHER_LEVEL)
            .group_by(Plan.unit_id)
        ).all()
        assert sorted(count for _unit, count in plans) == [1, 1, 1]
        children = db.session.scalar(
            select(func.count()).select_from(Task).where(Task.parent_task_id.is_not(None))
        )
        assert children == 2 * ROUNDS * 3
        # One STT per task of a plan (the unique constraint would have crashed a side).
        for plan_id, in db.session.execute(
            select(Plan.id).where(Plan.kind == PlanKind.ASSIGNED_BY_HIGHER_LEVEL)
        ):
            ordinals = list(db.session.scalars(select(Task.ordinal).where(Task.plan_id == plan_id)))
            assert sorted(ordinals) == list(range(1, 2 * ROUNDS + 1))
        db.session.remove()


def _issued_child(world: World, n: int) -> tuple[int, int]:
    with world.app.app_context():
        province = db.session.get(Unit, world.unit_id)
        chair = db.session.get(Officer, world.people["chair"])
        commune_id = db.session.get(Officer, world.people["commune_chair"]).unit_id
        result = issue_task(
            db.session, province, _input(world, f"Dời hạn {n}", date(2026, 4, 28)),
            [commune_id], chair,
        )
        db.session.commit()
        ids = result.parent.id, result.children[0].id
        db.session.remove()
    return ids


def _move(world: World, task_id: int, who_lead: str, who_confirm: str, deadline: date):
    def prepare(session, officer):
        task = session.get(Task, task_id)
        data = TaskInput(
            title=task.title,
            deliverable=task.deliverable,
            lead_officer_id=world.people[who_lead],
            confirmer_id=world.people[who_confirm],
            deadline=deadline,
            version=task.version,  # what the form was filled from
        )
        return lambda: save_task(session, task.plan, data, officer, task=task)

    return prepare


def test_parent_moved_while_the_commune_moves_its_own(world, clock):
    clock(TODAY)
    parent_date, own_date = date(2026, 5, 29), date(2026, 4, 15)
    seen = set()
    for n in range(ROUNDS):
        parent_id, child_id = _issued_child(world, n)
        outcomes = race(
            world,
            ("chair", _move(world, parent_id, "follower", "chair", parent_date)),
            ("commune_chair", _move(world, child_id, "commune_lead", "commune_chair", own_date)),
        )
        assert not crashes(outcomes), outcomes
        assert outcomes[0] == OK
        with world.app.app_context():
            child = db.session.get(Task, child_id)
            own = db.session.scalar(
                select(func.count()).select_from(DeadlineChange).where(
                    DeadlineChange.task_id == child_id,
                    DeadlineChange.followed_change_id.is_(None),
                )
            )
            followed = db.session.scalar(
                select(func.count()).select_from(DeadlineChange).where(
                    DeadlineChange.task_id == child_id,
                    DeadlineChange.followed_change_id.is_not(None),
                )
            )
            if outcomes[1] == OK and followed == 0:
                # The commune's move came first: the parent's no longer moves it.
                assert child.deadline == own_date and own == 1
                seen.add("commune first")
            else:
                # The parent's came first: the commune's form, filled before, is refused
                # (the task changed since), never saved over the parent's move.
                assert isinstance(outcomes[1], Refusal), outcomes
                assert child.deadline == parent_date and (own, followed) == (0, 1)
                seen.add("parent first")
            assert child.deadline_history[-1][1] == child.deadline.isoformat()
            db.session.remove()
    assert seen  # which orders happened varies with the scheduler
