"""One backup archive: `tracker-backup-<label>-YYYYMMDD-HHMMSS.tar.gz`, and `<archive>.sha256`
beside it.

Inside: the database copy (`database/…`), every evidence file (`uploads/<stored name>`), and
`manifest.json` with the SHA-256 of each of them. The database is copied first, then the files:
a file is on disk before the row that names it commits (tracker/core/files.py) and files are
never deleted, so every file the copied database names is in the archive (files uploaded during
the backup may be there too, unnamed: harmless).

Restoring checks everything first (the archive's own checksum, then each member's), refuses a
database that holds rows and an evidence file that differs from the archived one unless forced,
then loads the database and writes the files.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import re
import tarfile
import tempfile
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from tracker.backup import database
from tracker.backup.database import BackupError

FORMAT = 1
MANIFEST = "manifest.json"
PREFIX = "tracker-backup-"
SUFFIX = ".tar.gz"
_MEMBER = re.compile(r"^(database/tracker\.(sqlite3|pgdump)|uploads/[A-Za-z0-9._-]{1,128})$")
_LABEL = re.compile(r"[^A-Za-z0-9_-]+")


@dataclass
class Manifest:
    created_at: str
    label: str
    dialect: str
    revision: str | None
    database: str  # the member holding the database copy
    files: dict[str, str] = field(default_factory=dict)  # member -> SHA-256

    @property
    def uploads(self) -> list[str]:
        return sorted(name for name in self.files if name.startswith("uploads/"))


def clean_label(label: str) -> str:
    return _LABEL.sub("-", label).strip("-")[:60] or "tracker"


def archive_name(label: str, moment: datetime) -> str:
    return f"{PREFIX}{clean_label(label)}-{moment:%Y%m%d-%H%M%S}{SUFFIX}"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as source:
        for chunk in iter(lambda: source.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def sidecar(archive: Path) -> Path:
    return archive.with_name(archive.name + ".sha256")


def _add(tar: tarfile.TarFile, name: str, content: bytes, mtime: float) -> str:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(content), int(mtime), 0o600
    tar.addfile(info, io.BytesIO(content))
    return hashlib.sha256(content).hexdigest()


def create_backup(
    url: str, upload_dir: str | Path, directory: str | Path, label: str, moment: datetime
) -> Path:
    """Write one archive of the database at `url` and the files in `upload_dir` into
    `directory`; returns its path. Never overwrites an archive."""
    directory = Path(directory)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    dialect = database.dialect_of(url)
    member = "database/tracker.sqlite3" if dialect == "sqlite" else "database/tracker.pgdump"
    manifest = Manifest(
        created_at=moment.isoformat(),
        label=clean_label(label),
        dialect=dialect,
        revision=database.revision(url),
        database=member,
    )
    with tempfile.TemporaryDirectory(dir=directory, prefix=".backup-") as work:
        copy = Path(work) / "database"
        database.dump(url, copy)  # first the database, then the files it names
        partial = Path(work) / "archive.tar.gz"
        with tarfile.open(partial, "w:gz") as tar:
            manifest.files[member] = _add(tar, member, copy.read_bytes(), moment.timestamp())
            uploads = Path(upload_dir)
            for path in sorted(uploads.iterdir()) if uploads.is_dir() else ():
                name = f"uploads/{path.name}"
                if path.is_file() and _MEMBER.match(name):
                    # Read once: the checksum is that of the bytes archived.
                    manifest.files[name] = _add(tar, name, path.read_bytes(), path.stat().st_mtime)
            written = json.dumps(manifest.__dict__, indent=1).encode()
            _add(tar, MANIFEST, written, moment.timestamp())
        target = _free_name(directory, archive_name(label, moment))
        checksum = sha256_file(partial)
        # Password hashes and personal data: readable by the service's user only.
        partial.chmod(0o600)
        os.replace(partial, target)
    sidecar(target).write_text(f"{checksum}  {target.name}\n", encoding="utf-8")
    return target


def _free_name(directory: Path, name: str) -> Path:
    target = directory / name
    n = 1
    while target.exists():
        n += 1
        target = directory / name.replace(SUFFIX, f"-{n}{SUFFIX}")
    return target


def verify(archive: str | Path) -> Manifest:
    """Check the archive against the checksum beside it and each member against the manifest;
    a `BackupError` saying what is wrong otherwise."""
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"{archive}: no such archive")
    beside = sidecar(archive)
    if beside.is_file():
        expected = beside.read_text(encoding="utf-8").split()[0:1]
        if expected != [sha256_file(archive)]:
            raise BackupError(
                f"{archive.name}: checksum does not match {beside.name}; not restored"
            )
    found: dict[str, str] = {}
    raw_manifest = None
    try:
        # The whole compressed stream first: its CRC is checked only at its end, and a damaged
        # header can end tarfile's walk early without an error.
        with gzip.open(archive, "rb") as stream:
            while stream.read(1 << 20):
                pass
        with tarfile.open(archive, "r:gz") as tar:
            for info in tar:
                if info.name == MANIFEST and info.isfile():
                    raw_manifest = tar.extractfile(info).read()
                    continue
                if not info.isfile() or not _MEMBER.match(info.name) or info.name in found:
                    raise BackupError(f"{archive.name}: unexpected member {info.name!r}")
                found[info.name] = _sha256_stream(tar.extractfile(info))
    except (tarfile.TarError, EOFError, OSError, zlib.error, gzip.BadGzipFile) as exc:
        raise BackupError(f"{archive.name}: damaged archive ({exc}); not restored") from None
    if raw_manifest is None:
        raise BackupError(f"{archive.name}: no manifest (damaged, or not a tracker backup)")
    try:
        data = json.loads(raw_manifest)
        manifest = Manifest(**data)
    except (ValueError, TypeError):
        raise BackupError(f"{archive.name}: unreadable manifest") from None
    if found != manifest.files:
        bad = sorted(set(found) ^ set(manifest.files)) + sorted(
            name for name in set(found) & set(manifest.files) if found[name] != manifest.files[name]
        )
        raise BackupError(
            f"{archive.name}: checksum mismatch in {', '.join(bad[:5])}; not restored"
        )
    if manifest.database not in found:
        raise BackupError(f"{archive.name}: no database copy")
    return manifest


def _sha256_stream(stream) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: stream.read(1 << 20), b""):
        digest.update(chunk)
    return digest.hexdigest()


def restore(
    archive: str | Path, url: str, upload_dir: str | Path, *, force: bool = False
) -> Manifest:
    """Bring an archive back into the instance at `url` / `upload_dir` (see the module)."""
    manifest = verify(archive)
    if manifest.dialect != database.dialect_of(url):
        raise BackupError(
            f"the archive holds a {manifest.dialect} database; this instance uses "
            f"{database.dialect_of(url)}"
        )
    if not force and not database.is_empty(url):
        raise BackupError("the database is not empty; restore only into an empty one (or --force)")
    uploads = Path(upload_dir)
    if not force:
        clashes = [
            name
            for name in manifest.uploads
            if (uploads / Path(name).name).is_file()
            and sha256_file(uploads / Path(name).name) != manifest.files[name]
        ]
        if clashes:
            raise BackupError(
                f"{len(clashes)} evidence file(s) in {uploads} differ from the archive's "
                f"(e.g. {Path(clashes[0]).name}); not restored (or --force)"
            )
    uploads.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".restore-", dir=uploads) as work:
        work_dir = Path(work)
        with tarfile.open(archive, "r:gz") as tar:
            for info in tar:
                if info.name == MANIFEST:
                    continue
                content = tar.extractfile(info).read()
                if hashlib.sha256(content).hexdigest() != manifest.files[info.name]:
                    raise BackupError(f"{info.name} changed while restoring; not restored")
                if info.name == manifest.database:
                    (work_dir / "database").write_bytes(content)
                else:
                    _put(uploads, work_dir, Path(info.name).name, content)
        database.load(url, work_dir / "database")
    return manifest


def _put(uploads: Path, work_dir: Path, name: str, content: bytes) -> None:
    target = uploads / name
    if target.is_file() and target.read_bytes() == content:
        return
    staged = work_dir / name
    staged.write_bytes(content)
    os.replace(staged, target)
