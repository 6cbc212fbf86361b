"""Working days: Vietnam's public holidays and weekends (the `holidays` package), plus the
unit's own exceptions (an extra day off, or a make-up working Saturday)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _national(year: int) -> holidays.HolidayBase:
    return holidays.VN(years=year)


def national_holidays(year: int) -> dict[date, str]:
    """Vietnam's public holidays and substituted days off of a year, by date."""
    return dict(_national(year))


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
