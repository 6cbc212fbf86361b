"""Throwaway databases for a test run: a SQLite file, or a fresh PostgreSQL database."""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


def server_url() -> str | None:
    """The PostgreSQL server to test against, if any (TRACKER_TEST_DATABASE_URL)."""
    return os.environ.get("TRACKER_TEST_DATABASE_URL") or None


@contextlib.contextmanager
def fresh_database(directory: Path, label: str = "test") -> Iterator[str]:
    """Yield the URL of an empty database, dropped afterwards."""
    base = server_url()
    if base is None:
        yield f"sqlite:///{directory / f'{label}.sqlite3'}"
        return
    url = make_url(base)
    name = f"tracker_{label}_{os.getpid()}_{secrets.token_hex(3)}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
