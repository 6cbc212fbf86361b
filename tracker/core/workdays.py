"""Working days: Vietnam's public holidays and weekends (the `holidays` package), plus the
unit's own exceptions (an extra day off, or a make-up working Saturday).

`WorkCalendar` is the rule. `WorkdayIndex` lays its answers out once over a range of days, for
O(1) arithmetic in a pass over ten thousand tasks (every method answers what the
corresponding `WorkCalendar` method answers: tested); `CalendarBook` holds one per unit. A
unit's exceptions are loaded by `tracker.people.queries.calendar_exceptions`.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Mapping
from datetime import date, timedelta
from functools import lru_cache
from itertools import accumulate

import holidays


@lru_cache(maxsize=64)
def _national(year: int, language: str = "vi") -> holidays.HolidayBase:
    return holidays.VN(years=year, language=language)


# The library's English writes its dates the American way ("substituted from 08/22/2026").
_US_DATE = re.compile(r"\b(\d{2})/(\d{2})/(\d{4})\b")


def national_holidays(year: int, language: str = "vi") -> dict[date, str]:
    """Vietnam's public holidays and substituted days off of a year, by date, named in
    `language` ("vi", or "en" for English), dates in the names written dd/mm/yyyy."""
    if language == "vi":
        return dict(_national(year))
    named = _national(year, "en_US")
    return {day: _US_DATE.sub(r"\2/\1/\3", name) for day, name in named.items()}


class WorkCalendar:
    """The national calendar with a unit's overrides: {day: True (works) | False (off)}."""

    def __init__(self, overrides: Mapping[date, bool] | None = None):
        self._overrides = dict(overrides or {})

    def is_working_day(self, day: date) -> bool:
        if day in self._overrides:
            return self._overrides[day]
        # The library knows Tết, substituted days off and make-up working Saturdays.
        return _national(day.year).is_working_day(day)

    def holiday_name(self, day: date) -> str | None:
        return _national(day.year).get(day)

    def add_working_days(self, start: date, count: int) -> date:
        """The date `count` working days after `start` (start itself not counted).

        "Within 5 working days from 26/4/2024" ends on 07/5/2024: 29/4, 30/4 and 1/5 are off,
        Saturday 4/5/2024 is worked.
        """
        if count < 0:
            raise ValueError("count must not be negative")
        day = start
        remaining = count
        while remaining:
            day += timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def next_working_day(self, day: date) -> date:
        """`day` itself if it is a working day, else the first working day after it."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]; negative when end is before start."""
        if end < start:
            return -self.working_days_between(end, start)
        return sum(
            self.is_working_day(start + timedelta(days=i)) for i in range(1, (end - start).days + 1)
        )


_NATIONAL = WorkCalendar()


@lru_cache(maxsize=16)
def _national_flags(start: date, length: int) -> bytes:
    return bytes(_NATIONAL.is_working_day(start + timedelta(days=i)) for i in range(length))


class WorkdayIndex:
    """A calendar's working days between `start` and `end`, with ranks for O(1) counting."""

    def __init__(self, start: date, end: date, overrides: Mapping[date, bool] | None = None):
        self.start, self.end = start, end
        length = (end - start).days + 1
        flags = bytearray(_national_flags(start, length))
        for day, works in (overrides or {}).items():
            if start <= day <= end:
                flags[(day - start).days] = works
        self._flags = flags
        # _rank[i]: working days in [start, start + i]
        self._rank = list(accumulate(flags))
        self._days = [start + timedelta(days=i) for i, works in enumerate(flags) if works]

    def _at(self, day: date) -> int:
        offset = (day - self.start).days
        if not 0 <= offset < len(self._flags):
            raise ValueError(f"{day} is outside {self.start}–{self.end}")
        return offset

    def covers(self, day: date) -> bool:
        return self.start <= day <= self.end

    def is_working_day(self, day: date) -> bool:
        return bool(self._flags[self._at(day)])

    def rank(self, day: date) -> int:
        """Working days from `start` up to and including `day`."""
        return self._rank[self._at(day)]

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]; negative when end is before start."""
        return self.rank(end) - self.rank(start)

    def add_working_days(self, day: date, count: int) -> date:
        """The date `count` working days after `day` (`day` itself not counted)."""
        if count < 0:
            raise ValueError("count must not be negative")
        if count == 0:
            return day
        return self._day(self.rank(day) + count - 1)

    def working_days_before(self, day: date, count: int) -> date:
        """The working day `count` working days before `day` (`day` itself not counted)."""
        if count <= 0:
            raise ValueError("count must be positive")
        before = self.rank(day) - self.is_working_day(day)  # working days strictly before
        return self._day(before - count)

    def next_working_day(self, day: date) -> date:
        """`day` itself if it is a working day, else the first working day after it."""
        if self.is_working_day(day):
            return day
        return self._day(self.rank(day))

    def _day(self, index: int) -> date:
        if not 0 <= index < len(self._days):
            raise ValueError("outside the indexed range")
        return self._days[index]

    def working_days_in(self, start: date, end: date) -> list[date]:
        """Working days in [start, end]."""
        low = bisect_left(self._days, start)
        high = bisect_left(self._days, end + timedelta(days=1))
        return self._days[low:high]


class CalendarBook:
    """The working-day index of every unit, over one range: units without exceptions share the
    national one. `overrides`: each unit's exceptions, {unit_id: {day: works}}, as
    `tracker.people.queries.calendar_exceptions` loads them."""

    def __init__(self, start: date, end: date, overrides: Mapping[int, Mapping[date, bool]]):
        self.start, self.end = start, end
        self._overrides = overrides
        self._national = WorkdayIndex(start, end)
        self._units: dict[int, WorkdayIndex] = {}

    def __getitem__(self, unit_id: int) -> WorkdayIndex:
        own = self._overrides.get(unit_id)
        if not own:
            return self._national
        index = self._units.get(unit_id)
        if index is None:
            index = self._units[unit_id] = WorkdayIndex(self.start, self.end, own)
        return index

    def calendar(self, unit_id: int) -> WorkCalendar:
        """The unit's `WorkCalendar` (the rule itself), for what falls outside the range."""
        return WorkCalendar(self._overrides.get(unit_id))

    def working_days_between(self, unit_id: int, start: date, end: date) -> int:
        """Working days in (start, end] in the unit: from the table, or the rule outside it."""
        index = self[unit_id]
        if index.covers(start) and index.covers(end):
            return index.working_days_between(start, end)
        return self.calendar(unit_id).working_days_between(start, end)
