"""The working-day index answers exactly what WorkCalendar answers (it only tabulates it)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tracker.core.workdays import WorkCalendar, WorkdayIndex

START, END = date(2023, 11, 1), date(2024, 12, 31)
OVERRIDES = {date(2024, 2, 16): False, date(2024, 3, 9): True, date(2024, 5, 2): False}


@pytest.mark.parametrize("overrides", [{}, OVERRIDES], ids=["national", "with unit days"])
def test_index_agrees_with_the_calendar(overrides):
    calendar = WorkCalendar(overrides)
    index = WorkdayIndex(START, END, overrides)
    inner = [date(2024, 1, 1) + timedelta(days=i) for i in range(0, 330)]
    for day in inner:
        assert index.is_working_day(day) == calendar.is_working_day(day), day
        assert index.next_working_day(day) == calendar.next_working_day(day), day
        for n in (1, 3, 7):
            assert index.add_working_days(day, n) == calendar.add_working_days(day, n), (day, n)
        for other in (day - timedelta(days=40), day + timedelta(days=9)):
            assert index.working_days_between(day, other) == calendar.working_days_between(
                day, other
            )


def test_working_days_before_steps_back_over_tet_and_the_may_holidays():
    index = WorkdayIndex(START, END)
    # 19/02/2024: Tết ran from Thursday 8/2 to Wednesday 14/2.
    assert index.working_days_before(date(2024, 2, 19), 1) == date(2024, 2, 16)
    assert index.working_days_before(date(2024, 2, 19), 3) == date(2024, 2, 7)
    assert index.working_days_before(date(2024, 2, 19), 7) == date(2024, 2, 1)
    # 07/05/2024: 29/4 (substituted), 30/4 and 1/5 off; Saturday 4/5 worked.
    assert index.working_days_before(date(2024, 5, 7), 2) == date(2024, 5, 4)
    assert index.working_days_before(date(2024, 5, 7), 3) == date(2024, 5, 3)
    assert index.working_days_before(date(2024, 5, 7), 7) == date(2024, 4, 24)
    # From a day off: the first working day before it counts as one.
    assert index.working_days_before(date(2024, 2, 10), 1) == date(2024, 2, 7)
    assert index.working_days_in(date(2024, 4, 27), date(2024, 5, 5)) == [
        date(2024, 5, 2),
        date(2024, 5, 3),
        date(2024, 5, 4),
    ]


def test_outside_the_range_is_refused_not_guessed():
    index = WorkdayIndex(date(2024, 1, 1), date(2024, 1, 31))
    with pytest.raises(ValueError):
        index.is_working_day(date(2024, 2, 1))
    with pytest.raises(ValueError):
        index.add_working_days(date(2024, 1, 30), 5)
