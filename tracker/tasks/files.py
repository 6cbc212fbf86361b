"""Evidence files: checked by content, stored outside static files under a random name."""

from __future__ import annotations

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


@dataclass(frozen=True)
class StoredFile:
    file_name: str
    stored_name: str
    content_type: str
    size_bytes: int


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
    stored_name = secrets.token_hex(16) + suffix
    (directory / stored_name).write_bytes(content)
    return StoredFile(name, stored_name, content_type, len(content))
