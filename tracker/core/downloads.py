"""Every download the product serves: one response shape, one way to name the file.

A name keeps its Vietnamese letters in every browser: RFC 6266's `filename*` (UTF-8), with an
ASCII `filename` for old clients (the letters without their marks, "đ" as "d", rather than
dropped as a plain NFKD fold would). Downloads hold the unit's data: never cached.
"""

from __future__ import annotations

import io
import re
import unicodedata
from pathlib import Path
from urllib.parse import quote

from flask import Response, send_file
from werkzeug.http import dump_options_header


def file_name(text: str, suffix: str = ".xlsx") -> str:
    """A Vietnamese title as a file name: NFC, no characters file systems refuse."""
    name = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "-", unicodedata.normalize("NFC", text))
    return name.strip(" .-") + suffix


def ascii_name(name: str) -> str:
    """The fallback name: Vietnamese letters without their marks (Biên bản -> Bien ban)."""
    folded = unicodedata.normalize("NFKD", name.replace("đ", "d").replace("Đ", "D"))
    return folded.encode("ascii", "ignore").decode() or "download"


def content_disposition(name: str) -> str:
    options = {"filename": ascii_name(name)}
    if not name.isascii():
        options["filename*"] = "UTF-8''" + quote(name, safe="!#$&+^`|~")
    return dump_options_header("attachment", options)


def download(body: bytes | Path, name: str, mimetype: str) -> Response:
    """An attachment named `name` (passed through `file_name` first if typed by a user)."""
    source = io.BytesIO(body) if isinstance(body, bytes) else body
    response = send_file(source, mimetype=mimetype, as_attachment=True, download_name=name)
    response.headers["Content-Disposition"] = content_disposition(name)
    response.headers["Cache-Control"] = "private, no-store"
    return response
