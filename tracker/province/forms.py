"""The province page's query string: a bad value is said and left out, never fatal."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from tracker.core.dates import parse_date
from tracker.province.queries import BANDS, MAX_QUERY_LENGTH, OverviewQuery, parse_rate_key

SORTS = ("name", "parent", "overdue", "pending", "meeting")
# Worst first when a column is first clicked: most overdue, lowest rate, oldest meeting.
DESCENDING_FIRST = ("overdue", "pending")


def default_descending(sort: str) -> bool:
    return sort in DESCENDING_FIRST


def parse_query(args: Mapping[str, str], today: date) -> tuple[OverviewQuery, list[tuple]]:
    """The query and its problems, as (name, value shown) pairs."""
    problems: list[tuple] = []
    as_of = today
    raw = args.get("as_of", "")
    if raw:
        parsed = parse_date(raw)
        if parsed is None:
            problems.append(("as_of", raw[:40]))
        else:
            as_of = parsed
    q = args.get("q", "").strip()
    if len(q) > MAX_QUERY_LENGTH or any(ord(ch) < 32 for ch in q):
        problems.append(("q", ""))
        q = ""
    band = args.get("band", "")
    if band and band not in BANDS:
        problems.append(("band", band[:40]))
        band = ""
    band_of = args.get("band_of", "")
    if band_of and parse_rate_key(band_of) is None:
        problems.append(("band_of", band_of[:40]))
        band_of = ""
    sort = args.get("sort", "") or "name"
    if sort not in SORTS and parse_rate_key(sort) is None:
        problems.append(("sort", sort[:40]))
        sort = "name"
    direction = args.get("dir", "")
    descending = default_descending(sort) if direction not in ("asc", "desc") else (
        direction == "desc"
    )
    page = 1
    raw_page = args.get("page", "")
    if raw_page:
        if raw_page.isdigit() and 0 < len(raw_page) < 7 and int(raw_page) > 0:
            page = int(raw_page)
        else:
            problems.append(("page", raw_page[:40]))
    return (
        OverviewQuery(
            as_of=as_of, q=q, band=band, band_of=band_of, sort=sort, descending=descending,
            page=page,
        ),
        problems,
    )


def query_args(query: OverviewQuery, today: date, **changes) -> dict[str, str]:
    """The query string of `query` with `changes`, without what is the default."""
    args = {
        "as_of": query.as_of.isoformat() if query.as_of != today else "",
        "q": query.q,
        "band": query.band,
        "band_of": query.band_of,
        "sort": query.sort if query.sort != "name" else "",
        "dir": ("desc" if query.descending else "asc")
        if query.descending != default_descending(query.sort)
        else "",
        "page": str(query.page) if query.page > 1 else "",
    }
    args.update({key: str(value) for key, value in changes.items()})
    return {key: value for key, value in args.items() if value}
