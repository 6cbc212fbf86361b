"""A cell's text as the parser reads it, and the names in a lead or supporting-officer cell."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Any

from tracker.core.text import fold as fold_text

Row = tuple[int, list[Any]]  # (line, raw cell values)


def fold(text: str) -> str:
    """core.text.fold (lower case, no diacritics) with punctuation as spaces: loose matching."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", fold_text(text)).split())


def _clean(text: str) -> str:
    """NFC, lines trimmed, runs of spaces collapsed, blank lines dropped."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def _unescape(text: str) -> str:
    """Undo the export's formula-injection escape ("'=…" -> "=…")."""
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@":
        return text[1:]
    return text


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, date):  # datetime included
        return value.strftime("%d/%m/%Y")
    return _unescape(_clean(str(value)))


_NAME_SPLIT = re.compile(r"\s*(?:[,;\n]|\s[-–—]\s|\svà\s)\s*", re.I)
# Only these always separate two bodies: " - " and " và " also join the words of one post or
# department ("Công chức Tư pháp - Hộ tịch", "Văn phòng HĐND và UBND").
_PART_SPLIT = re.compile(r"\s*[,;\n]\s*")
_HONORIFIC = re.compile(r"^(?:đ/c|đc|đồng chí|ông|bà)\.?\s+", re.I)


def _split(pattern: re.Pattern, text: str) -> list[str]:
    names = []
    for part in pattern.split(text):
        part = _HONORIFIC.sub("", part.strip()).strip(" .")
        if part and part not in names:
            names.append(part)
    return names


def split_names(text: str) -> list[str]:
    """'Nguyễn Văn A, Đ/c Trần Thị B; Lê C và Phạm D' -> the names, honorifics dropped, no
    repeats."""
    return _split(_NAME_SPLIT, text)


def split_parts(text: str) -> list[str]:
    """The bodies of a lead or supporting-officer cell, split on commas, semicolons and line
    breaks only: each is a name, a position or a department (officers.py tells which)."""
    return _split(_PART_SPLIT, text)
