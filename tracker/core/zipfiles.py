"""Checking an Office file (.xlsx, .docx: a zip of XML) from a user before any parser opens it.

A 1 MB .xlsx can hold one string of a gigabyte: parsed, it takes the worker's memory. The zip's
directory says what each member decompresses to (Python's reader stops at that size and fails
the checksum if a member lies), so the declared sizes bound the work before it starts.
"""

from __future__ import annotations

import io
import zipfile

# A plan, a list of officers or a register export is well under a megabyte of XML.
MAX_UNCOMPRESSED = 40 * 1024 * 1024
MAX_MEMBERS = 2000
# Sheets of repeated empty cells compress well; past this ratio in a large member, a bomb.
MAX_RATIO = 200
RATIO_CHECKED_FROM = 1024 * 1024


class UnsafeArchive(ValueError):
    """Not a zip we read: too many members, or too much once decompressed."""


class NotAZip(UnsafeArchive):
    """Not a zip at all (or a broken one)."""


def check_office_zip(data: bytes, *, limit: int = MAX_UNCOMPRESSED) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise NotAZip("not a zip") from exc
    if len(members) > MAX_MEMBERS:
        raise UnsafeArchive(f"{len(members)} members")
    total = 0
    for member in members:
        total += member.file_size
        if total > limit:
            raise UnsafeArchive(f"more than {limit} bytes once decompressed")
        if (
            member.file_size > RATIO_CHECKED_FROM
            and member.file_size > MAX_RATIO * max(member.compress_size, 1)
        ):
            ratio = member.file_size // max(member.compress_size, 1)
            raise UnsafeArchive(f"{member.filename} compressed {ratio}:1")
