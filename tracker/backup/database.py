"""The database's side of a backup: a consistent copy out, a copy back in, and "is it empty?".

SQLite through its online backup API (a copy of one committed state, whatever other
connections write meanwhile); PostgreSQL through `pg_dump` (one transaction's snapshot, other
sessions keep writing) and `pg_restore`. Both need only the database URL the app uses.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import NullPool


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why and what to do."""


def dialect_of(url: str) -> str:
    return make_url(url).get_backend_name()


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up or restored")
    return Path(database)


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """A conninfo URL without the password, and the environment that carries it (so it
    never appears in the process list)."""
    parsed: URL = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    if "sslmode" in parsed.query:
        env["PGSSLMODE"] = str(parsed.query["sslmode"])
    plain = parsed.set(drivername="postgresql", password=None, query={})
    return plain.render_as_string(hide_password=False), env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} not found: install the PostgreSQL client (postgresql-client)")
    return found


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()[:2000]}")


def dump(url: str, target: Path) -> None:
    """Write a consistent copy of the database at `url` to the file `target`."""
    if dialect_of(url) == "sqlite":
        source = sqlite3.connect(_sqlite_path(url))
        copy = sqlite3.connect(target)
        try:
            # All pages in one step: one read transaction, so one committed state.
            source.backup(copy)
        finally:
            copy.close()
            source.close()
        return
    conninfo, env = _libpq(url)
    _run([_tool("pg_dump"), "--format=custom", "--no-owner", "--no-acl",
          f"--file={target}", f"--dbname={conninfo}"], env)  # fmt: skip


def load(url: str, source: Path) -> None:
    """Replace what the database at `url` holds by the copy in `source`."""
    if dialect_of(url) == "sqlite":
        path = _sqlite_path(url)
        path.parent.mkdir(parents=True, exist_ok=True)
        copy = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        target = sqlite3.connect(path)
        try:
            copy.backup(target)
        finally:
            target.close()
            copy.close()
        return
    _drop_everything(url)
    conninfo, env = _libpq(url)
    _run([_tool("pg_restore"), "--no-owner", "--no-acl", "--exit-on-error",
          "--single-transaction", f"--dbname={conninfo}", str(source)], env)  # fmt: skip


def _drop_everything(url: str) -> None:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.begin() as conn:
            found = inspect(conn)
            for table in found.get_table_names():
                conn.execute(text(f'DROP TABLE IF EXISTS "{table}" CASCADE'))
            for enum in found.get_enums():
                conn.execute(text(f'DROP TYPE IF EXISTS "{enum["name"]}" CASCADE'))
    finally:
        engine.dispose()


def is_empty(url: str) -> bool:
    """No table holds a row (a new database, or one only migrated)."""
    if dialect_of(url) == "sqlite" and not _sqlite_path(url).exists():
        return True
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            for table in inspect(conn).get_table_names():
                if table == "alembic_version":
                    continue
                if conn.execute(text(f'SELECT 1 FROM "{table}" LIMIT 1')).first() is not None:
                    return False
        return True
    finally:
        engine.dispose()


def revision(url: str) -> str | None:
    """The database's Alembic revision, if it has one."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            if "alembic_version" not in inspect(conn).get_table_names():
                return None
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    finally:
        engine.dispose()
