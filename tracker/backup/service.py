"""Taking a backup of this app's instance (the CLI and the nightly job share it)."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from sqlalchemy.engine import make_url

from tracker.backup import archive
from tracker.backup.models import retention
from tracker.backup.retention import prune
from tracker.core.clock import local_now
from tracker.extensions import db

log = logging.getLogger("tracker.backup")


@dataclass
class BackupResult:
    archive: Path
    deleted: list[Path]
    seconds: float


def label_of(app: Flask) -> str:
    """TRACKER_BACKUP_LABEL, or the database's name (the SQLite file's, PostgreSQL's)."""
    label = app.config.get("TRACKER_BACKUP_LABEL")
    if label:
        return str(label)
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    return Path(url.database or "tracker").stem


def take_backup(app: Flask, *, prune_old: bool = True) -> BackupResult:
    """One archive of the app's database and evidence files into TRACKER_BACKUP_DIR, then
    the old ones deleted as the retention setting says. Call inside the app's context."""
    started = time.perf_counter()
    directory = Path(app.config["TRACKER_BACKUP_DIR"])
    label = label_of(app)
    moment = local_now().replace(tzinfo=None, microsecond=0)
    path = archive.create_backup(
        app.config["SQLALCHEMY_DATABASE_URI"],
        app.config["TRACKER_UPLOAD_DIR"],
        directory,
        label,
        moment,
    )
    deleted: list[Path] = []
    if prune_old:
        keep = retention(db.session)
        db.session.rollback()  # read only: end the transaction
        deleted = prune(directory, label, keep, moment)
    seconds = time.perf_counter() - started
    log.info(
        "backup %s written (%d bytes, %.1f s); %d old archive(s) deleted",
        path.name,
        path.stat().st_size,
        seconds,
        len(deleted),
    )
    return BackupResult(path, deleted, seconds)
