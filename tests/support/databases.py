"""Throwaway databases for a test run: a SQLite file, or a fresh PostgreSQL database."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
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


@contextlib.contextmanager
def copy_of_database(template: str, directory: Path, label: str) -> Iterator[str]:
    """Yield the URL of a new database holding what `template` holds (nobody may be connected
    to it meanwhile), dropped afterwards: a file copy on SQLite, CREATE DATABASE … TEMPLATE on
    PostgreSQL. Tests take their migrated databases from one template, migrated once per run,
    instead of running the migrations again for each (seconds apiece)."""
    url = make_url(template)
    if url.get_backend_name() == "sqlite":
        target = directory / f"{label}.sqlite3"
        shutil.copyfile(url.database, target)
        yield f"sqlite:///{target}"
        return
    name = f"tracker_{label}_{os.getpid()}_{secrets.token_hex(3)}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{url.database}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
