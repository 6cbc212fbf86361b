"""Checking every stored evidence file against the checksum kept at its upload."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.core.files import FileStatus, file_status, sha256_of_file
from tracker.tasks.models import Evidence

log = logging.getLogger("tracker.files")


@dataclass
class FileCheck:
    checked: int = 0
    recorded: list[int] = field(default_factory=list)  # evidence ids given their first checksum
    missing: list[tuple[int, str]] = field(default_factory=list)  # (evidence id, stored name)
    changed: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.missing and not self.changed


def check_files(session: Session, upload_dir: str | Path, *, record: bool = True) -> FileCheck:
    """Compare each evidence file with its checksum; a file stored before checksums were kept
    gets the one it has now (`record`: flushed and audited; the caller commits)."""
    report = FileCheck()
    rows = session.scalars(
        select(Evidence).where(Evidence.stored_name.is_not(None)).order_by(Evidence.id)
    )
    for evidence in rows:
        report.checked += 1
        status = file_status(upload_dir, evidence.stored_name, evidence.sha256)
        if status is FileStatus.MISSING:
            report.missing.append((evidence.id, evidence.stored_name))
            log.error("evidence %s: file %s is missing", evidence.id, evidence.stored_name)
        elif status is FileStatus.CHANGED:
            report.changed.append((evidence.id, evidence.stored_name))
            log.error(
                "evidence %s: file %s no longer matches its checksum",
                evidence.id,
                evidence.stored_name,
            )
        elif status is FileStatus.UNCHECKED and record:
            evidence.sha256 = sha256_of_file(Path(upload_dir) / evidence.stored_name)
            report.recorded.append(evidence.id)
    session.flush()
    return report
