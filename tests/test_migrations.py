"""The migrations build exactly the schema the models declare, and can be undone.

Runs on its own throwaway database (SQLite, or PostgreSQL when TRACKER_TEST_DATABASE_URL is
set), never on the shared `app` fixture's one.
"""

from __future__ import annotations

import pprint

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from config import TestingConfig
from tests.support.databases import fresh_database
from tracker import create_app
from tracker.extensions import db


@pytest.fixture
def migration_app(tmp_path):
    with fresh_database(tmp_path, label="migrations") as url:
        app = create_app(
            TestingConfig,
            SQLALCHEMY_DATABASE_URI=url,
            TRACKER_UPLOAD_DIR=str(tmp_path / "uploads"),
        )
        with app.app_context():
            try:
                yield app
            finally:
                db.session.remove()
                db.engine.dispose()


def schema_differences() -> list:
    """What autogenerate would write for this database: nothing, if migrations match models."""
    with db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={
                "compare_type": True,
                "compare_server_default": False,
                "render_as_batch": True,
            },
        )
        return compare_metadata(context, db.metadata)


def table_names() -> set[str]:
    with db.engine.connect() as conn:
        return set(inspect(conn).get_table_names())


def test_upgrade_builds_the_models_schema_and_downgrade_undoes_it(migration_app):
    assert table_names() == set()

    upgrade()
    model_tables = set(db.metadata.tables)
    assert model_tables <= table_names()
    diff = schema_differences()
    assert diff == [], "models and migrations disagree:\n" + pprint.pformat(diff)

    downgrade(revision="base")
    assert table_names() <= {"alembic_version"}

    upgrade()
    assert model_tables <= table_names()
    assert schema_differences() == []


def test_repeated_stt_are_renumbered_before_the_unique_key(migration_app):
    """Two tasks created at once got the same STT before the key existed: the migration keeps
    the first one's number and gives the other the plan's next free one."""
    from sqlalchemy import text

    upgrade(revision="4e196fb69b6e")
    with db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO units (id, code, name, kind, created_at)"
                " VALUES (1, 'vh', 'Vĩnh Hòa', 'ward', CURRENT_TIMESTAMP)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO plans (id, unit_id, kind, title, document_number, start_year, "
                "end_year, created_at) VALUES (1, 1, 'annual_reform', 'KH', '39/QĐ-UBND', "
                "2024, 2024, CURRENT_TIMESTAMP), (2, 1, 'annual_reform', 'KH2', '40/QĐ-UBND', "
                "2024, 2024, CURRENT_TIMESTAMP)"
            )
        )
        for task_id, plan_id, ordinal in [(1, 1, 1), (2, 1, 2), (3, 1, 2), (4, 1, 3), (5, 1, 2),
                                          (6, 2, 1), (7, 2, 1)]:  # fmt: skip
            conn.execute(
                text(
                    "INSERT INTO tasks (id, plan_id, ordinal, title, deliverable, recurrence_note,"
                    " notes, state, progress_percent, search_text, created_at) VALUES (:id, :plan,"
                    " :ordinal, 'Việc', 'KH', '', '', 'not_started', 0, '', CURRENT_TIMESTAMP)"
                ),
                {"id": task_id, "plan": plan_id, "ordinal": ordinal},
            )
    upgrade()
    with db.engine.connect() as conn:
        rows = conn.execute(text("SELECT id, ordinal, version FROM tasks ORDER BY id")).all()
    assert [(i, o) for i, o, _v in rows] == [(1, 1), (2, 2), (3, 4), (4, 3), (5, 5), (6, 1), (7, 2)]
    assert {v for _i, _o, v in rows} == {1}


def test_units_take_the_new_kinds_and_roles_and_keep_their_data(migration_app):
    """The kinds and roles are checked by a constraint: the migration replaces it (SQLite
    rebuilds the units table under the plans and officers that point at it) and keeps every
    row; downgrading refuses while a unit administrator exists."""
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    upgrade(revision="a9c3e5f1d207")
    with db.engine.begin() as conn:
        conn.execute(text("INSERT INTO units (id, code, name, kind, created_at)"
                          " VALUES (1, 'vh', 'Phường Vĩnh Hòa', 'ward', CURRENT_TIMESTAMP)"))
        conn.execute(text(
            "INSERT INTO plans (id, unit_id, kind, title, document_number, start_year, "
            "end_year, created_at) VALUES (1, 1, 'annual_reform', 'KH', '39/QĐ-UBND', "
            "2024, 2024, CURRENT_TIMESTAMP)"))
        conn.execute(text(
            "INSERT INTO officers (id, unit_id, full_name, position, email, password_hash, "
            "active, session_version, email_reminders, created_at) VALUES (1, 1, 'An', '', "
            "'an@x.vn', '', true, 1, true, CURRENT_TIMESTAMP)"))
        conn.execute(text("INSERT INTO officer_roles (officer_id, role) VALUES (1, 'officer')"))
    upgrade()
    with db.engine.begin() as conn:
        assert conn.execute(text("SELECT code, short_name, closed_at FROM units")).all() == [
            ("vh", "", None)
        ]
        assert conn.execute(text("SELECT unit_id FROM plans")).scalar() == 1
        conn.execute(text("INSERT INTO units (id, code, name, kind, short_name, created_at)"
                          " VALUES (2, 'tsa', 'Đặc khu Trường Sa', 'special_zone', '',"
                          " CURRENT_TIMESTAMP)"))
        conn.execute(text("INSERT INTO officer_roles (officer_id, role) VALUES (1, 'unit_admin')"))
    with pytest.raises(IntegrityError), db.engine.begin() as conn:
        conn.execute(text("INSERT INTO officer_roles (officer_id, role) VALUES (1, 'king')"))
    with pytest.raises(SystemExit):  # Flask-Migrate reports the RuntimeError and exits
        downgrade(revision="a9c3e5f1d207")
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT role FROM officer_roles WHERE role = 'unit_admin'")
                            ).scalar() == "unit_admin"


def test_a_database_in_use_upgrades_with_its_data(migration_app):
    """A ward's database of the previous release, with tasks that notes, evidence and
    notifications point at, upgrades to the head: SQLite rebuilds the tasks table under them
    (the migration runs with foreign keys off, checked at the end), and every row stays."""
    from sqlalchemy import text

    upgrade(revision="4e196fb69b6e")
    with db.engine.begin() as conn:
        conn.execute(text("INSERT INTO units (id, code, name, kind, created_at)"
                          " VALUES (1, 'vh', 'Phường Vĩnh Hòa', 'ward', CURRENT_TIMESTAMP)"))
        conn.execute(text(
            "INSERT INTO officers (id, unit_id, full_name, position, email, password_hash, "
            "active, session_version, email_reminders, created_at) VALUES (1, 1, 'An', '', "
            "'an@x.vn', '', true, 1, true, CURRENT_TIMESTAMP)"))
        conn.execute(text(
            "INSERT INTO plans (id, unit_id, kind, title, document_number, document_date, "
            "start_year, end_year, created_at) VALUES (1, 1, 'annual_reform', 'KH', "
            "'39/QĐ-UBND', '2024-01-31', 2024, 2024, CURRENT_TIMESTAMP)"))
        conn.execute(text(
            "INSERT INTO tasks (id, plan_id, ordinal, title, deliverable, lead_officer_id, "
            "recurrence_note, notes, state, progress_percent, completed_on, search_text, "
            "created_at) VALUES (1, 1, 1, 'Việc', 'KH', 1, '', '', 'done', 100, '2024-03-04', "
            "'', CURRENT_TIMESTAMP)"))
        conn.execute(text(
            "INSERT INTO evidence (id, task_id, document_number, document_date, summary, "
            "created_at) VALUES (1, 1, '333/KH-UBND', '2024-03-04', '', CURRENT_TIMESTAMP)"))
        conn.execute(text(
            "INSERT INTO task_notes (id, task_id, author_id, kind, body, evidence_id, "
            "created_at) VALUES (1, 1, 1, 'confirmation', '', 1, CURRENT_TIMESTAMP)"))
        conn.execute(text(
            "INSERT INTO notifications (id, officer_id, task_id, kind, message, created_at) "
            "VALUES (1, 1, 1, 'confirmed', 'Đã xác nhận', CURRENT_TIMESTAMP)"))
    upgrade()
    with db.engine.connect() as conn:
        task = conn.execute(text(
            "SELECT ordinal, entered_on, confirmed_on, version FROM tasks")).one()
        assert str(task.entered_on) == "2024-01-31" and task.version == 1
        assert conn.execute(text("SELECT count(*) FROM task_notes")).scalar() == 1
        assert conn.execute(text("SELECT count(*) FROM evidence")).scalar() == 1
        assert conn.execute(text("SELECT count(*) FROM notifications")).scalar() == 1
        if conn.dialect.name == "sqlite":
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
