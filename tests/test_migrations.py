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
