"""English words in a Vietnamese page or message, told by the English catalogue.

A word counts as English when it appears in a msgstr of the English catalogue and in no msgid
(the msgids are the Vietnamese sources: what they hold, abbreviations and names such as CCHC,
PAPI, Excel, email, is Vietnamese usage too), and not in the small allow-list below.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from babel.messages.pofile import read_po

PO = Path(__file__).resolve().parents[2] / "tracker/translations/en/LC_MESSAGES/messages.po"
WORD = re.compile(r"[A-Za-z]{3,}")
# Words an English catalogue holds that a Vietnamese page may show: product and file names,
# units and codes read the same in both languages.
ALLOWED = {
    "tracker", "pdf", "word", "excel", "xlsx", "docx", "csv", "json", "api", "url", "email",
    "http", "https", "www", "utc", "iso", "totp", "sha", "otp", "smtp", "cchc", "papi", "ubnd",
    "qrcode", "bootstrap", "html",
}


def _messages():
    with PO.open("rb") as f:
        return [m for m in read_po(f, locale="en") if m.id]


def _words(strings) -> set[str]:
    found = set()
    for string in strings:
        # placeholders and markup are not words of the message
        string = re.sub(r"%\(\w+\)\w|<[^>]*>|&\w+;", " ", string)
        found.update(w.lower() for w in WORD.findall(string))
    return found


@functools.cache
def english_vocabulary() -> frozenset[str]:
    messages = _messages()
    ids, strs = [], []
    for m in messages:
        ids.extend(m.id if isinstance(m.id, tuple) else [m.id])
        strs.extend(m.string if isinstance(m.string, tuple) else [m.string])
    return frozenset(_words(strs) - _words(ids) - ALLOWED)


def english_words(text: str) -> list[str]:
    """The English words of `text`, in order (an empty list for a Vietnamese text)."""
    vocabulary = english_vocabulary()
    return [w for w in WORD.findall(text) if w.lower() in vocabulary]
