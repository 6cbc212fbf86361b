"""Units' data versions (tracker.core.versions): renewed by the commit of any audited change of
the unit's data, and only then; and the bounded map pages keep values in."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tests.factories import gen_officer, gen_plan, gen_task, gen_unit
from tests.support.races import OK, committed_world, crashes, postgresql_only, race
from tracker.core.audit import record_change
from tracker.core.versions import Kept, versions_of, versions_where
from tracker.extensions import db
from tracker.people.models import Role, Unit
from tracker.tasks.models import Task


def _versions(*units):
    return versions_of(db.session, [u.id for u in units])


def test_a_commit_renews_the_versions_of_the_units_it_changed_and_no_other(app):
    task = gen_task()
    other = gen_unit()
    db.session.commit()
    unit = task.plan.unit
    before, other_before = _versions(unit, other)
    assert before != 0

    task.title = "Đổi tên nhiệm vụ"
    db.session.commit()
    after, other_after = _versions(unit, other)
    assert after != before
    assert other_after == other_before

    db.session.commit()  # nothing changed: nothing renewed
    assert _versions(unit) == (after,)


def test_a_flushed_change_renews_at_commit_not_before_and_a_rollback_renews_nothing(app):
    task = gen_task()
    db.session.commit()
    unit = task.plan.unit
    (before,) = _versions(unit)

    task.deadline = date(2024, 9, 30)
    db.session.flush()
    assert _versions(unit) == (before,)  # readers key on the committed data only
    db.session.rollback()
    db.session.commit()
    assert _versions(unit) == (before,)


def test_a_change_recorded_by_hand_renews_its_unit(app):
    officer = gen_officer(None, Role.FOCAL_OFFICER)
    db.session.commit()
    (before,) = _versions(officer.unit)
    record_change(db.session, officer, {"roles": [["focal_officer"], ["chairperson"]]})
    db.session.commit()
    assert _versions(officer.unit) != (before,)


def test_the_key_of_many_units_moves_with_any_of_them(app):
    units = [gen_unit() for _ in range(3)]
    db.session.commit()
    ids = [u.id for u in units]
    before = versions_where(db.session, ids)
    assert before[0] == 3
    db.session.get(Unit, ids[1]).name = "Phường Mới"
    db.session.commit()
    assert versions_where(db.session, ids) != before


def test_kept_values_are_computed_once_per_key_and_the_oldest_go_first():
    kept: Kept[tuple[str, int], str] = Kept("test", size=2)
    computed: list[str] = []

    def compute(value: str):
        def run() -> str:
            computed.append(value)
            return value

        return run

    assert kept.get(("a", 1), compute("a1")) == "a1"
    assert kept.get(("a", 1), compute("again")) == "a1"
    assert kept.get(("a", 2), compute("a2")) == "a2"  # a new version: computed anew
    assert kept.get(("b", 1), compute("b1")) == "b1"  # ("a", 1) is the oldest: it goes
    assert kept.get(("a", 1), compute("a1 again")) == "a1 again"
    assert computed == ["a1", "a2", "b1", "a1 again"]


def test_kept_values_found_and_put_many_at_a_time():
    kept: Kept[int, str] = Kept("test", size=2)
    assert kept.find(1) is None
    kept.put(1, "one")
    kept.put(2, "two")
    assert kept.find(1) == "one"  # now the most recent
    kept.put(3, "three")
    assert kept.find(2) is None and kept.find(1) == "one"
    assert kept.get(3, lambda: "again") == "three"


@postgresql_only
def test_two_officers_changing_tasks_of_one_unit_at_once_both_commit(
    tmp_path_factory, migrated_database
):
    def build():
        unit = gen_unit()
        chair = gen_officer(unit, Role.CHAIRPERSON)
        plan = gen_plan(unit)
        gen_task(plan, chair, ordinal=1), gen_task(plan, chair, ordinal=2)
        db.session.flush()
        return unit.id, plan.id, {"chair": chair, "lead": gen_officer(unit)}

    directory = tmp_path_factory.mktemp("versions")
    with committed_world(directory, "versions", build, migrated_database) as world:
        with world.app.app_context():
            (before,) = versions_of(db.session, [world.unit_id])
            ids = dict(zip("ab", db.session.scalars(
                select(Task.id).where(Task.plan_id == world.plan_id).order_by(Task.ordinal)
            ), strict=True))
            db.session.remove()
        for round_ in range(10):

            def edit(key: str, round_: int = round_):
                def prepare(session, officer):
                    task = session.get(Task, ids[key])

                    def act():
                        task.title = f"Nhiệm vụ {key} lần {round_}"
                        session.flush()  # the task's row is held from here to the commit

                    return act

                return prepare

            outcomes = race(world, ("chair", edit("a")), ("lead", edit("b")))
            assert not crashes(outcomes), outcomes
            assert outcomes == [OK, OK]
        with world.app.app_context():
            (after,) = versions_of(db.session, [world.unit_id])
            titles = {db.session.get(Task, ids[k]).title for k in "ab"}
            db.session.remove()
        assert after != before
        assert titles == {"Nhiệm vụ a lần 9", "Nhiệm vụ b lần 9"}
