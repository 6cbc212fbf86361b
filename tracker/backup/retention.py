"""Deleting old archives: only this instance's archives, only those the retention lets go."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path

from tracker.backup.archive import PREFIX, SUFFIX, clean_label, sidecar
from tracker.backup.models import Retention

_STAMP = re.compile(r"-(\d{8}-\d{6})(?:-\d+)?" + re.escape(SUFFIX) + "$")


def archives(directory: str | Path, label: str) -> list[tuple[datetime, Path]]:
    """This label's archives in `directory`, newest first, with the moment in their name."""
    directory = Path(directory)
    if not directory.is_dir():
        return []
    start = f"{PREFIX}{clean_label(label)}-"
    found = []
    for path in directory.glob(f"{start}*{SUFFIX}"):
        match = _STAMP.search(path.name)
        # Another label that merely starts like this one ("phuong-1" vs "phuong-12") has more
        # between the label and the stamp.
        if match and path.name[len(start) : match.start()] == "" and path.is_file():
            found.append((datetime.strptime(match.group(1), "%Y%m%d-%H%M%S"), path))
    return sorted(found, key=lambda pair: (pair[0], pair[1].name), reverse=True)


def prune(directory: str | Path, label: str, keep: Retention, now: datetime) -> list[Path]:
    """Delete the archives (and their .sha256) that are neither among the newest
    `keep.keep_count` nor younger than `keep.keep_days` days; returns what was deleted.
    `now` is the local wall time the archive names use (naive)."""
    limit = now - timedelta(days=keep.keep_days)
    deleted = []
    for position, (moment, path) in enumerate(archives(directory, label)):
        if position < max(keep.keep_count, 1) or moment >= limit:
            continue
        path.unlink(missing_ok=True)
        sidecar(path).unlink(missing_ok=True)
        deleted.append(path)
    return deleted
