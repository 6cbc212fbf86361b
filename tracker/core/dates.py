"""Reading dates people type: dd/mm/yyyy first, ISO too."""

from __future__ import annotations

import re
from datetime import date

_DMY = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")

# The years a date typed into the product may fall in: an "as of 31/12/9999" would overflow
# the date arithmetic of every figure (the day after it does not exist).
FIRST_YEAR, LAST_YEAR = 1900, 2100


def within_range(day: date) -> bool:
    return FIRST_YEAR <= day.year <= LAST_YEAR


def parse_date(text: str | None) -> date | None:
    """ "12/03/2024" or "2024-03-12" -> date; anything else (31/02/2024, or a year outside
    FIRST_YEAR..LAST_YEAR, included) -> None."""
    if not text:
        return None
    if m := _DMY.match(text):
        day, month, year = (int(g) for g in m.groups())
    elif m := _ISO.match(text):
        year, month, day = (int(g) for g in m.groups())
    else:
        return None
    try:
        parsed = date(year, month, day)
    except ValueError:
        return None
    return parsed if within_range(parsed) else None
