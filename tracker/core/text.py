"""Text folding for search: "Tuyên truyền" and "tuyen truyen" must find each other."""

from __future__ import annotations

import unicodedata


def fold(text: str | None) -> str:
    """Lower case, without Vietnamese diacritics (đ -> d), spaces collapsed."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.lower().split())
