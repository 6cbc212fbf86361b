"""`tracker demo load` and `tracker demo generate`."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from tracker.core.status import DeadlineClass, deadline_class
from tracker.demo.dataset import load_dataset
from tracker.demo.generate import PROVINCE_CODE, draft_ward, ward_code
from tracker.extensions import db
from tracker.people.models import Officer, Role, Unit, UnitKind
from tracker.people.operations import authenticate
from tracker.plans.models import Plan, TaskGroup
from tracker.tasks.models import Evidence, Task


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _one_line_error(result) -> str:
    assert result.exit_code != 0
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    return lines[0]


def test_demo_load_prints_the_logins(runner):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert "Loaded the demo ward vinh-hoa" in result.output
    assert "76 tasks" in result.output
    for line in ("chutich@vinhhoa.example", "noivu@nhatrang.example", "admin@nhatrang.example"):
        row = next(r for r in result.output.splitlines() if line in r)
        assert "vinhhoa2024" in row
    assert "chairperson" in result.output and "focal_officer" in result.output
    assert authenticate(db.session, "chutich@vinhhoa.example", "vinhhoa2024") is not None


def test_demo_load_twice_says_so_and_still_prints_the_logins(runner):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    tasks = _count(Task)
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert "already loaded" in result.output
    assert "chutich@vinhhoa.example" in result.output and "vinhhoa2024" in result.output
    assert _count(Task) == tasks == 76


def test_generate_two_wards(runner):
    result = runner.invoke(args=["demo", "generate", "--units", "2", "--seed", "7"])
    assert result.exit_code == 0, result.output
    assert "2 communes generated" in result.output
    wards = list(
        db.session.scalars(select(Unit).where(Unit.code.in_([ward_code(1), ward_code(2)])))
    )
    assert len(wards) == 2 and all(w.parent.code == PROVINCE_CODE for w in wards)
    ward_ids = [w.id for w in wards]
    in_wards = Plan.unit_id.in_(ward_ids)
    # 22 + 23 + 30 + 1 tasks a ward, as in the demo.
    assert _count(Task, Task.plan_id.in_(select(Plan.id).where(in_wards))) == 152
    assert _count(Officer, Officer.unit_id.in_(ward_ids)) == 40
    assert _count(Plan, in_wards) == 8
    assert _count(TaskGroup, TaskGroup.plan_id.in_(select(Plan.id).where(in_wards))) == 48
    inspector = db.session.scalar(select(Officer).join(Unit).where(Unit.code == PROVINCE_CODE))
    assert inspector.roles == {Role.INSPECTOR}

    officer = db.session.scalar(select(Officer).where(Officer.unit_id == ward_ids[0]).limit(1))
    assert officer.email.endswith(".example") and officer.role_rows
    assert authenticate(db.session, officer.email, "vinhhoa2024") == officer

    tasks = list(db.session.scalars(select(Task).where(Task.plan_id.in_(select(Plan.id)))))
    assert all(t.search_text and t.confirmer_id and t.lead_officer_id for t in tasks)
    classes = {deadline_class(t, date(2024, 6, 30)) for t in tasks}
    assert classes == set(DeadlineClass)  # statuses vary
    done = [t for t in tasks if t.completed_on is not None]
    assert done and all(t.evidence and t.evidence[0].document_date == t.completed_on for t in done)
    assert _count(Evidence) == len(done)


def test_generate_is_idempotent_per_ward(runner):
    assert runner.invoke(args=["demo", "generate", "--units", "1"]).exit_code == 0
    first = list(
        db.session.execute(select(Task.title, Task.deadline, Task.completed_on).order_by(Task.id))
    )
    result = runner.invoke(args=["demo", "generate", "--units", "2"])
    assert result.exit_code == 0, result.output
    assert "1 communes generated, 1 already there" in result.output
    assert _count(Task) == 152 and _count(Unit, Unit.code.like("bench-ward-%")) == 2
    again = list(
        db.session.execute(
            select(Task.title, Task.deadline, Task.completed_on).order_by(Task.id).limit(76)
        )
    )
    assert again == first
    result = runner.invoke(args=["demo", "generate", "--units", "2"])
    assert "0 communes generated, 2 already there" in result.output
    assert _count(Task) == 152


def test_generate_is_reproducible(runner):
    """A ward's content depends on the seed and its code only, not on the batch it was in."""
    data = load_dataset()
    assert draft_ward(data, 2, 5) == draft_ward(data, 2, 5)
    assert draft_ward(data, 2, 5) != draft_ward(data, 2, 6)
    assert draft_ward(data, 2, 5) != draft_ward(data, 3, 5)

    assert runner.invoke(args=["demo", "generate", "--units", "2", "--seed", "5"]).exit_code == 0
    draft = draft_ward(data, 2, 5)
    ward = db.session.scalar(select(Unit).where(Unit.code == ward_code(2)))
    assert ward.name == draft.name
    stored = list(
        db.session.execute(
            select(Task.title, Task.deadline, Task.completed_on, Task.state)
            .join(Plan)
            .where(Plan.unit_id == ward.id)
            .order_by(Plan.id, Task.ordinal)
        )
    )
    assert stored == [(d.title, d.deadline, d.completed_on, d.state) for d in draft.tasks]
    names = db.session.scalars(
        select(Officer.full_name).where(Officer.unit_id == ward.id).order_by(Officer.id)
    )
    assert tuple(names) == draft.officer_names
    assert "Vĩnh Hòa" not in " ".join(d.title for d in draft.tasks)


def test_generate_refuses_bad_counts_in_one_line(runner):
    assert "between 1 and" in _one_line_error(
        runner.invoke(args=["demo", "generate", "--units", "0"])
    )
    assert _count(Unit) == 0


def test_demo_load_says_whether_the_app_lives_on_the_demos_date(app, runner, monkeypatch):
    """The demo's figures are those of its report date, the date `make run` sets."""
    report_date = load_dataset().report_date
    assert report_date == date(2024, 3, 12)
    result = runner.invoke(args=["demo", "load"])
    assert "run the app and the scheduler with TRACKER_DEMO_TODAY=2024-03-12" in result.output
    monkeypatch.setitem(app.config, "TRACKER_DEMO_TODAY", report_date)
    result = runner.invoke(args=["demo", "load"])
    assert "The app's date is the demo's: 12/03/2024" in result.output


def test_make_run_starts_the_demo_on_its_report_date():
    """Each process `make run` starts (the demo load, the scheduler, the web server) gets
    TRACKER_DEMO_TODAY, set to the demo data's report date."""
    import os
    import shutil
    import subprocess
    from pathlib import Path

    make = shutil.which("make")
    if make is None:
        pytest.skip("no make on this machine")
    root = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TRACKER_", "MAKE"))}
    done = subprocess.run(
        [make, "-n", "run"], cwd=root, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    day = load_dataset().report_date.isoformat()

    def demo_dates(subcommand: str) -> list[str] | None:
        """The TRACKER_DEMO_TODAY values in front of `tracker <subcommand>`, if it is run."""
        for line in done.stdout.splitlines():
            words = line.split()
            for i, word in enumerate(words[:-1]):
                if word.endswith("/tracker") and words[i + 1] == subcommand:
                    setting = "TRACKER_DEMO_TODAY="
                    return [w[len(setting) :] for w in words[:i] if w.startswith(setting)]
        return None

    for subcommand in ("demo", "scheduler", "run"):
        assert demo_dates(subcommand) == [day], (subcommand, done.stdout)


def test_generate_the_nation(runner):
    """--nation: the communes spread over 34 provinces under the national unit, each province
    with its inspector, the nation with its administrator."""
    from tracker.demo.generate import NATION_CODE, PROVINCES, province_code

    result = runner.invoke(args=["demo", "generate", "--units", "68", "--nation"])
    assert result.exit_code == 0, result.output
    assert "68 communes generated" in result.output and "34 provinces added" in result.output
    nation = db.session.scalar(select(Unit).where(Unit.code == NATION_CODE))
    provinces = list(db.session.scalars(select(Unit).where(Unit.parent_id == nation.id)))
    assert len(provinces) == PROVINCES
    assert all(p.kind is UnitKind.PROVINCE and len(p.children) == 2 for p in provinces)
    first = db.session.scalar(select(Unit).where(Unit.code == ward_code(1)))
    assert first.parent.code == province_code(1)
    last = db.session.scalar(select(Unit).where(Unit.code == ward_code(68)))
    assert last.parent.code == province_code(34)
    admin = db.session.scalar(select(Officer).where(Officer.unit_id == nation.id))
    assert admin.roles == {Role.ADMIN}
    assert _count(Officer, Officer.unit_id.in_([p.id for p in provinces])) == PROVINCES
