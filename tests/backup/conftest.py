"""Instances of their own for backups: a committed database (SQLite file, or a throwaway
PostgreSQL database) and an upload directory, not the rolled-back `app` fixture."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask

from config import TestingConfig
from tests.support.databases import fresh_database
from tracker import create_app
from tracker.extensions import db


@dataclass
class Instance:
    app: Flask
    url: str
    uploads: Path
    backups: Path


@pytest.fixture
def make_instance(tmp_path, migrated_database):
    """`make_instance(label, migrate=True)`: a new instance, dropped after the test; migrated
    (a copy of the run's migrated database), or empty."""
    stack = contextlib.ExitStack()
    apps: list[Flask] = []

    def make(label: str, migrate: bool = True) -> Instance:
        directory = tmp_path / label
        directory.mkdir()
        database = migrated_database if migrate else fresh_database
        url = stack.enter_context(database(directory, label=label))
        app = create_app(
            TestingConfig,
            SQLALCHEMY_DATABASE_URI=url,
            TRACKER_UPLOAD_DIR=str(directory / "uploads"),
            TRACKER_BACKUP_DIR=str(directory / "backups"),
            TRACKER_BACKUP_LABEL=label,
        )
        apps.append(app)
        return Instance(app, url, directory / "uploads", directory / "backups")

    try:
        yield make
    finally:
        for app in apps:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
        stack.close()
