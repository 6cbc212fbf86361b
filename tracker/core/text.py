"""Text folding for search: "Tuyên truyền" and "tuyen truyen" must find each other."""

from __future__ import annotations

import unicodedata
from functools import lru_cache


def fold(text: str | None) -> str:
    """Lower case, without Vietnamese diacritics (đ -> d), spaces collapsed."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.lower().split())


# The Vietnamese alphabet's order: ă, â after a; đ after d; ê after e; ô, ơ after o; ư after u.
_LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
_RANK = {letter: i for i, letter in enumerate(_LETTERS)}
# The five tone marks, in the dictionary's order (ngang first: no mark).
_TONES = {"\u0300": 1, "\u0301": 2, "\u0309": 3, "\u0303": 4, "\u0323": 5}
_SHAPES = {"\u0306", "\u0302", "\u031b"}  # breve, circumflex, horn: letters of their own


def _collation(word: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    letters: list[int] = []
    tones: list[int] = []
    for ch in unicodedata.normalize("NFD", word.lower()):
        if ch in _TONES:
            tones[-1:] = [_TONES[ch]]
        elif ch in _SHAPES and letters:
            base = _LETTERS[letters[-1]] if letters[-1] < len(_LETTERS) else ""
            letters[-1] = _RANK.get(unicodedata.normalize("NFC", base + ch), letters[-1])
        else:
            letters.append(_RANK.get(ch, len(_LETTERS) + ord(ch)))
            tones.append(0)
    return tuple(letters), tuple(tones)


@lru_cache(maxsize=4096)  # the same few thousand names, sorted on many pages
def name_key(full_name: str | None) -> tuple:
    """Sort key of a Vietnamese full name as lists of people are ordered: by the given name
    (the last word), then the family and middle names; in the Vietnamese alphabet (Đặng after
    Dương, Hồ before Huỳnh), tones deciding only between otherwise equal names."""
    words = (full_name or "").split()
    if not words:
        return ()
    given, rest = _collation(words[-1]), [_collation(w) for w in words[:-1]]
    return (given[0], tuple(w[0] for w in rest), given[1], tuple(w[1] for w in rest))
