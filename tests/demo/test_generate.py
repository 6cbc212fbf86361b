"""The generator's bulk load (tracker.demo.generate, tracker.demo.bulk): the rows are those the
ORM would have written, and a small province has the shape the generator always gave it."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from tracker.core.text import fold
from tracker.demo.bulk import BulkLoader
from tracker.demo.dataset import load_dataset
from tracker.demo.generate import draft_ward, generate_city, search_text, ward_code
from tracker.extensions import db
from tracker.people.models import Officer, OfficerRole, Role, Unit, UnitKind
from tracker.plans.models import Plan, TaskGroup
from tracker.tasks.models import Evidence, Task, TaskState, task_supporters


def _count(what, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(what).where(*where))


def generated_shape() -> dict:
    """Counts and spreads of the generated communes' rows."""
    wards = select(Unit.id).where(Unit.code.like("bench-ward-%"))
    officers = select(Officer.id).where(Officer.unit_id.in_(wards))
    plans = select(Plan.id).where(Plan.unit_id.in_(wards))
    tasks = select(Task).where(Task.plan_id.in_(plans)).subquery()
    task_ids = select(tasks.c.id)

    def spread(column) -> tuple:
        return tuple(db.session.execute(select(func.min(column), func.max(column))).one())

    return {
        "units": _count(Unit, Unit.id.in_(wards)),
        "officers": _count(Officer, Officer.id.in_(officers)),
        "roles": dict(
            db.session.execute(
                select(OfficerRole.role, func.count())
                .where(OfficerRole.officer_id.in_(officers))
                .group_by(OfficerRole.role)
            ).all()
        ),
        "plans": _count(Plan, Plan.id.in_(plans)),
        "groups": _count(TaskGroup, TaskGroup.plan_id.in_(plans)),
        "overseen groups": _count(
            TaskGroup, TaskGroup.plan_id.in_(plans), TaskGroup.overseer_id.is_not(None)
        ),
        "tasks by state": dict(
            db.session.execute(select(tasks.c.state, func.count()).group_by(tasks.c.state)).all()
        ),
        "ungrouped tasks": _count(tasks, tasks.c.group_id.is_(None)),
        "progress": db.session.scalar(select(func.sum(tasks.c.progress_percent))),
        "deadlines": spread(tasks.c.deadline),
        "completions": spread(tasks.c.completed_on),
        "supporters": _count(task_supporters, task_supporters.c.task_id.in_(task_ids)),
        "evidence": _count(Evidence, Evidence.task_id.in_(task_ids)),
    }


def test_a_small_province_has_the_shape_it_had_before_the_bulk_load(app):
    """Three communes, seed 2024: the figures the generator gave before it loaded with COPY
    (its row-by-row version, run on SQLite and PostgreSQL on 03/12/2026)."""
    result = generate_city(db.session, 3, 2024)
    assert generated_shape() == {
        "units": 3,
        "officers": 60,
        "roles": {
            Role.CHAIRPERSON: 3,
            Role.VICE_CHAIRPERSON: 6,
            Role.FOCAL_OFFICER: 3,
            Role.UNIT_ADMIN: 3,
            Role.OFFICER: 48,
        },
        "plans": 12,
        "groups": 72,
        "overseen groups": 72,
        "tasks by state": {
            TaskState.DONE: 97,
            TaskState.IN_PROGRESS: 70,
            TaskState.NOT_STARTED: 61,
        },
        "ungrouped tasks": 3,
        "progress": 13057,
        "deadlines": (date(2023, 5, 10), date(2024, 12, 31)),
        "completions": (date(2023, 6, 16), date(2024, 12, 31)),
        "supporters": 306,
        "evidence": 97,
    }
    assert (result.officers, result.plans, result.groups, result.tasks) == (60, 12, 72, 228)
    assert (result.supporters, result.evidence, result.done_tasks) == (306, 97, 97)
    assert {"draft", "ids", "tasks", "evidence"} <= set(result.seconds_by_phase)


def test_a_generated_ward_reads_back_as_its_draft(app):
    """Every row of ward 2 carries what its draft and the demo's specs say, with the defaults
    and the search text the ORM would have given it, linked to its own parents."""
    data = load_dataset()
    generate_city(db.session, 2, 11)
    draft = draft_ward(data, 2, 11)
    ward = db.session.scalar(select(Unit).where(Unit.code == ward_code(2)))
    assert (ward.name, ward.kind, ward.parent.code) == (draft.name, UnitKind.WARD, "bench-province")
    assert ward.created_at is not None

    officers = list(
        db.session.scalars(select(Officer).where(Officer.unit_id == ward.id).order_by(Officer.id))
    )
    specs = data.officers_of(data.ward)
    assert [o.full_name for o in officers] == list(draft.officer_names)
    assert [o.roles for o in officers] == [set(s.roles) for s in specs]
    assert all(o.active and o.session_version == 1 and o.email_reminders for o in officers)
    by_key = {s.key: o.id for s, o in zip(specs, officers, strict=True)}

    plans = list(db.session.scalars(select(Plan).where(Plan.unit_id == ward.id).order_by(Plan.id)))
    assert [p.kind for p in plans] == [s.kind for s in data.plans]
    assert all(p.version == 1 and p.created_at is not None for p in plans)
    for plan, spec in zip(plans, data.plans, strict=True):
        groups = sorted(plan.groups, key=lambda g: g.ordinal)
        assert [(g.name, g.overseer_id) for g in groups] == [
            (g.name, by_key[g.overseer] if g.overseer else None) for g in spec.groups
        ]

    tasks = list(
        db.session.scalars(
            select(Task).join(Plan).where(Plan.unit_id == ward.id).order_by(Plan.id, Task.ordinal)
        )
    )
    assert len(tasks) == len(draft.tasks)
    for task, d in zip(tasks, draft.tasks, strict=True):
        assert task.plan_id == plans[d.plan_index].id
        assert (task.group.ordinal if task.group else None) == d.group_ordinal
        assert (task.title, task.deliverable, task.notes) == (d.title, d.deliverable, d.notes)
        assert task.search_text == fold(" ".join((d.title, d.deliverable, d.notes)))
        assert (task.state, task.progress_percent) == (d.state, d.progress)
        assert (task.deadline, task.completed_on) == (d.deadline, d.completed_on)
        assert task.lead_officer_id == by_key[d.spec.lead]
        assert task.confirmer_id == by_key[d.spec.confirmer]
        assert {o.id for o in task.supporters} == {by_key[k] for k in d.spec.supporters}
        assert task.version == 1 and task.created_at is not None
        # entered with its plan, not on the day of generation: figures as of a day of the
        # plans' year count the tasks
        assert task.entered_on == data.plans[d.plan_index].entered_on
        assert task.deadline_history == task.completion_history == task.lead_history == []
        if d.completed_on is None:
            assert task.evidence == []
        else:
            (evidence,) = task.evidence
            assert (evidence.document_number, evidence.document_date) == (
                d.evidence_number,
                d.completed_on,
            )
            assert evidence.added_by_id == task.lead_officer_id and evidence.created_at


def test_search_text_folds_as_the_task_rule_does():
    """The generator folds a task's parts one by one (cached): the same as folding them joined."""
    data = load_dataset()
    for index in (1, 42, 3321):
        for d in draft_ward(data, index, 2024).tasks:
            joined = fold(" ".join((d.title, d.deliverable, d.notes)))
            assert search_text(d.title, d.deliverable, d.notes) == joined


def test_reserved_ids_never_overlap_and_rows_take_them(app):
    loader = BulkLoader(db.session)
    first = loader.reserve_ids(Unit.__table__, 3)
    second = loader.reserve_ids(Unit.__table__, 2)
    assert len(set(first + second)) == 5 and first == sorted(first)
    rows = [(i, f"bulk-{i}", f"Đơn vị {i}", UnitKind.WARD) for i in second]
    assert loader.load(Unit.__table__, ("id", "code", "name", "kind"), rows) == 2
    stored = db.session.execute(
        select(Unit.id, Unit.code, Unit.kind, Unit.short_name).where(Unit.code.like("bulk-%"))
    ).all()
    # short_name from its default; kind stored as the model stores it.
    assert sorted(stored) == [(i, f"bulk-{i}", UnitKind.WARD, "") for i in second]
    assert loader.rows["units"] == 2
