"""Reading dates people type: dd/mm/yyyy first, ISO too."""

from __future__ import annotations

import re
from datetime import date

_DMY = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")


def parse_date(text: str | None) -> date | None:
    """ "12/03/2024" or "2024-03-12" -> date; anything else (31/02/2024 included) -> None."""
    if not text:
        return None
    if m := _DMY.match(text):
        day, month, year = (int(g) for g in m.groups())
    elif m := _ISO.match(text):
        year, month, day = (int(g) for g in m.groups())
    else:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None
