"""Uploaded files (evidence, issued documents): checked by content, stored outside static files
under a random name.

A stored file is never overwritten (created exclusively, under a fresh name) and never deleted
by a user action; its SHA-256 is recorded at upload, so a file changed on disk since (a failing
disk, an operator's mistake) is found (`file_status`, `tracker files check`) and not served.
The one removal is `discard_file`, of a file whose request was rolled back: nothing refers to it.
"""

from __future__ import annotations

import enum
import hashlib
import logging
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from flask_babel import gettext as _

from tracker.core.refusals import Refusal

# What officers attach: the issued document (PDF, Word, Excel) or a photo of it.
ALLOWED = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
    ".xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (b"PK\x03\x04",),
    ),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
}
MAX_BYTES = 10 * 1024 * 1024
_NAME_TRIES = 5

log = logging.getLogger("tracker.files")


@dataclass(frozen=True)
class StoredFile:
    file_name: str
    stored_name: str
    content_type: str
    size_bytes: int
    sha256: str


def _clean_name(name: str) -> str:
    name = Path(name.replace("\\", "/")).name.strip() or "tep"
    return "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"|?*')[:200] or "tep"


def store_file(
    upload_dir: str | Path, file_name: str, content: bytes, max_bytes: int = MAX_BYTES
) -> StoredFile:
    """Check and keep an uploaded file; the caller records the returned names."""
    name = _clean_name(file_name)
    suffix = Path(name).suffix.lower()
    if suffix not in ALLOWED:
        raise Refusal(_("Chỉ nhận tệp PDF, DOCX, XLSX, PNG hoặc JPG."), "file")
    if not content:
        raise Refusal(_("Tệp rỗng."), "file")
    if len(content) > max_bytes:
        raise Refusal(_("Tệp quá lớn (tối đa %(n)s MB).", n=max_bytes // (1024 * 1024)), "file")
    content_type, signatures = ALLOWED[suffix]
    if not content.startswith(signatures):
        raise Refusal(
            _(
                "Nội dung tệp không phải %(kind)s như tên tệp cho biết.",
                kind=suffix[1:].upper(),
            ),
            "file",
        )
    directory = Path(upload_dir)
    directory.mkdir(parents=True, exist_ok=True)
    stored_name = _write_new(directory, suffix, content)
    return StoredFile(name, stored_name, content_type, len(content), sha256_of(content))


def _write_new(directory: Path, suffix: str, content: bytes) -> str:
    """Write `content` under a fresh name, never over an existing file ("x": exclusive create)."""
    for _attempt in range(_NAME_TRIES):
        stored_name = secrets.token_hex(16) + suffix
        try:
            with open(directory / stored_name, "xb") as out:
                out.write(content)
                out.flush()
                os.fsync(out.fileno())
        except FileExistsError:
            continue
        return stored_name
    raise RuntimeError(f"no free file name in {directory} after {_NAME_TRIES} tries")


def discard_file(upload_dir: str | Path, stored_name: str) -> None:
    """Remove a file stored by a request that was rolled back (no row refers to it)."""
    path = Path(upload_dir) / stored_name
    path.unlink(missing_ok=True)
    log.info("removed %s: its upload was not saved", stored_name)


def sha256_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def sha256_of_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as source:
        for chunk in iter(lambda: source.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class FileStatus(enum.StrEnum):
    OK = "ok"
    UNCHECKED = "unchecked"  # stored before checksums were kept: nothing to compare with
    MISSING = "missing"
    CHANGED = "changed"  # the content is not what was uploaded


def file_status(upload_dir: str | Path, stored_name: str, sha256: str | None) -> FileStatus:
    """Whether a stored file is still the one uploaded."""
    path = Path(upload_dir) / stored_name
    if not path.is_file():
        return FileStatus.MISSING
    if not sha256:
        return FileStatus.UNCHECKED
    return FileStatus.OK if sha256_of_file(path) == sha256 else FileStatus.CHANGED


def store_upload(upload) -> StoredFile | None:
    """A request's uploaded file checked and kept (a Refusal if it is not one we take), or None.
    Kept only if the request commits: a refused or failed one leaves no file behind."""
    from flask import current_app

    from tracker.core.transactions import after_rollback

    if not upload:
        return None
    upload_dir = current_app.config["TRACKER_UPLOAD_DIR"]
    stored = store_file(upload_dir, upload.filename or "", upload.read())
    after_rollback(lambda: discard_file(upload_dir, stored.stored_name))
    return stored


def send_stored(
    what: str, stored_name: str, sha256: str | None, content_type: str | None,
    file_name: str | None,
):
    """A stored file as a download, if it is still the file uploaded: 404 when it is missing,
    409 with an explanation when it no longer matches its checksum (the log says which)."""
    from flask import abort, current_app, render_template

    upload_dir = current_app.config["TRACKER_UPLOAD_DIR"]
    status = file_status(upload_dir, stored_name, sha256)
    if status is FileStatus.MISSING:
        log.error("%s: file %s is missing", what, stored_name)
        abort(404)
    if status is FileStatus.CHANGED:
        log.error("%s: file %s no longer matches its checksum (not served)", what, stored_name)
        message = _(
            "Tệp minh chứng này không còn khớp với tệp đã tải lên (tệp trên máy chủ đã bị "
            "thay đổi hoặc hỏng) nên không được tải xuống. Sự cố đã được ghi lại; vui lòng "
            "báo quản trị viên khôi phục tệp từ bản sao lưu."
        )
        return render_template("errors/error.html", code=409, message=message), 409
    from tracker.core.downloads import download
    from tracker.core.downloads import file_name as safe_name

    name = safe_name(file_name or "", "") or stored_name  # as the officer named it
    return download(Path(upload_dir) / stored_name, name,
                    content_type or "application/octet-stream")
