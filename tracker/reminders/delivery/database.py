"""The reminder tables' inserts that skip a row already there (a concurrent pass's)."""

from __future__ import annotations

from sqlalchemy.orm import Session


def insert_once(session: Session, table):
    """INSERT … ON CONFLICT DO NOTHING, in the dialect of the session's database."""
    name = session.get_bind().dialect.name
    if name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - the product runs on these two
        raise RuntimeError(f"reminders need PostgreSQL or SQLite, not {name}")
    return insert(table).on_conflict_do_nothing()
