"""Working-day arithmetic in O(1): `WorkCalendar`'s answers laid out once over a range of days.

The rule stays in tracker.core.workdays (the national calendar and a unit's overrides); this only
tabulates it, so a pass over ten thousand tasks does not ask the `holidays` package ten thousand
times. Every method answers what the corresponding `WorkCalendar` method answers (tested).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from functools import lru_cache
from itertools import accumulate

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.core.workdays import WorkCalendar
from tracker.people.models import UnitCalendarDay

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
    national one. Built from one query for all units' exceptions."""

    def __init__(self, start: date, end: date, overrides: Mapping[int, Mapping[date, bool]]):
        self.start, self.end = start, end
        self._overrides = overrides
        self._national = WorkdayIndex(start, end)
        self._units: dict[int, WorkdayIndex] = {}

    @classmethod
    def load(
        cls, session: Session, start: date, end: date, unit_ids: Iterable[int] | None = None
    ) -> CalendarBook:
        query = select(UnitCalendarDay.unit_id, UnitCalendarDay.day, UnitCalendarDay.is_working_day)
        query = query.where(UnitCalendarDay.archived_at.is_(None))
        if unit_ids is not None:
            query = query.where(UnitCalendarDay.unit_id.in_(list(unit_ids)))
        overrides: dict[int, dict[date, bool]] = {}
        for unit_id, day, works in session.execute(query):
            overrides.setdefault(unit_id, {})[day] = works
        return cls(start, end, overrides)

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
