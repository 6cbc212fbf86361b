"""A transaction that only read ends committed, so that psycopg keeps the statements it has
prepared (it forgets them at every ROLLBACK); one that wrote is still rolled back
(tracker.core.transactions)."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from tests.support.databases import server_url
from tracker.core.transactions import wrote

postgresql_only = pytest.mark.skipif(
    server_url() is None, reason="psycopg's prepared statements need PostgreSQL"
)


@pytest.fixture
def engine():
    engine = create_engine(server_url(), pool_size=1, max_overflow=0)
    yield engine
    engine.dispose()


def _prepared(conn) -> int:
    return conn.execute(text("SELECT count(*) FROM pg_prepared_statements")).scalar_one()


@postgresql_only
def test_a_reading_transaction_rolled_back_keeps_the_prepared_statements(engine):
    with engine.connect() as conn:
        for _ in range(6):  # psycopg prepares a statement at its fifth execution
            conn.execute(text("SELECT 1 + 1")).scalar_one()
        assert _prepared(conn) >= 1
        conn.rollback()
        assert _prepared(conn) >= 1


@postgresql_only
def test_a_writing_transaction_is_still_rolled_back(engine):
    with engine.connect() as conn:
        conn.execute(text("CREATE TEMPORARY TABLE kept_or_not (n integer)"))
        conn.commit()
        conn.execute(text("INSERT INTO kept_or_not VALUES (1)"))
        conn.rollback()
        assert conn.execute(text("SELECT count(*) FROM kept_or_not")).scalar_one() == 0
        conn.execute(text("SELECT 1 FROM kept_or_not")).all()
        conn.execute(text("INSERT INTO kept_or_not VALUES (2)"))
        conn.execute(text("SELECT 1 FROM kept_or_not")).all()  # a read after the write
        conn.rollback()
        assert conn.execute(text("SELECT count(*) FROM kept_or_not")).scalar_one() == 0


@postgresql_only
def test_a_copy_on_the_drivers_cursor_is_rolled_back_when_noted(engine):
    with engine.connect() as conn:
        conn.execute(text("CREATE TEMPORARY TABLE copied (n integer)"))
        conn.commit()
        conn.execute(text("SELECT 1")).all()
        wrote(conn)  # as demo.bulk does before its COPY, which the engine's events do not see
        raw = conn.connection.driver_connection
        with raw.cursor() as cursor, cursor.copy("COPY copied (n) FROM STDIN") as copy:
            copy.write_row((1,))
        conn.rollback()
        assert conn.execute(text("SELECT count(*) FROM copied")).scalar_one() == 0
