"""The SQL sums of core.status_sql equal core.status.tally over the same rows, and leave every
row with a history or a recurrence to the rule itself."""

import random
from datetime import date, timedelta

import pytest
from sqlalchemy import insert, not_, select

from tests.factories import gen_plan
from tracker.core.status import Occurrence, StatusRow, tally
from tracker.core.status_sql import plain, tally_from, tally_sums
from tracker.extensions import db
from tracker.plans.models import Plan
from tracker.tasks.models import Task, TaskState
from tracker.tasks.queries import RULE_COLUMNS

COLUMNS = RULE_COLUMNS
START = date(2024, 1, 1)


def _day(rng: random.Random, chance: float = 1.0) -> date | None:
    return START + timedelta(days=rng.randint(0, 60)) if rng.random() < chance else None


@pytest.mark.parametrize("seed", range(3))
def test_sql_sums_are_the_rule(app, seed):
    rng = random.Random(seed)
    plan = gen_plan()
    rows = []
    for n in range(400):
        rows.append(
            {
                "plan_id": plan.id,
                "ordinal": n,
                "title": f"t{n}",
                "deadline": _day(rng, 0.9),
                "completed_on": _day(rng, 0.5),
                "entered_on": _day(rng, 0.8),
                "withdrawn_on": _day(rng, 0.1),
                "state": TaskState.NOT_STARTED,
                # A few rows the sums must leave to the rule (null, [] and "null" are plain).
                "deadline_history": rng.choice([[], [], [[None, "2024-01-20"]]]),
                "completion_history": rng.choice(
                    [[], [], [], [["2024-01-05", None, "2024-02-01"]]]
                ),
                "cadence_every": rng.choice([None] * 9 + [1]),
            }
        )
    db.session.execute(insert(Task), rows)
    db.session.flush()
    mine = Task.plan_id == plan.id
    loaded = db.session.execute(
        select(Task.id, Task.deadline, Task.completed_on, Task.entered_on, Task.withdrawn_on,
               Task.cadence_every, Task.deadline_history, Task.completion_history).where(mine)
    ).all()
    plain_ids = set(db.session.scalars(select(Task.id).where(mine, plain(COLUMNS))))
    expected_plain = {
        r.id for r in loaded
        if r.cadence_every is None and not r.deadline_history and not r.completion_history
    }
    assert plain_ids == expected_plain
    assert 0 < len(plain_ids) < len(loaded)
    status = [
        StatusRow(r.id, plan.id, None, None, r.deadline, r.completed_on, (), r.entered_on,
                  r.withdrawn_on)
        for r in loaded if r.id in plain_ids
    ]
    for offset in range(-3, 70, 4):
        as_of = START + timedelta(days=offset)
        row = db.session.execute(
            select(*tally_sums(COLUMNS, as_of)).join(Plan, Plan.id == Task.plan_id).where(mine)
        ).one()
        assert tally_from(row) == tally(status, as_of), as_of
        # Grouped by the plain test, the plain group's sums without it are the same.
        flag = plain(COLUMNS).label("plain")
        grouped = {
            bool(r.plain): tally_from(r)
            for r in db.session.execute(
                select(flag, *tally_sums(COLUMNS, as_of, plain_apart=True))
                .join(Plan, Plan.id == Task.plan_id)
                .where(mine)
                .group_by(flag)
            )
        }
        assert grouped[True] == tally(status, as_of), as_of
        overdue = db.session.scalar(
            select(*tally_sums(COLUMNS, as_of, fields=("open_overdue",)))
            .join(Plan, Plan.id == Task.plan_id)
            .where(mine)
        )
        assert overdue == tally(status, as_of).open_overdue, as_of
    # The others are what the rule itself counts.
    assert db.session.scalar(
        select(Task.id).where(mine, not_(plain(COLUMNS)), Task.id.in_(plain_ids))
    ) is None


def test_tallies_add_up():
    rows = [StatusRow(1, 1, None, None, date(2024, 1, 5), date(2024, 1, 4)),
            StatusRow(2, 1, None, None, date(2024, 1, 5), None,
                      (Occurrence(date(2024, 1, 2), None),))]
    both = tally(rows, date(2024, 1, 10))
    assert tally(rows[:1], date(2024, 1, 10)) + tally(rows[1:], date(2024, 1, 10)) == both
