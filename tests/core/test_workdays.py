from datetime import date

import pytest

from tracker.core.workdays import WorkCalendar


@pytest.mark.parametrize(
    ("day", "works"),
    [
        (date(2024, 2, 12), False),  # Tết
        (date(2024, 4, 18), False),  # Giỗ Tổ Hùng Vương
        (date(2024, 4, 29), False),  # substituted day off
        (date(2024, 4, 30), False),
        (date(2024, 5, 1), False),
        (date(2024, 5, 4), True),  # make-up working Saturday
        (date(2024, 5, 11), False),  # an ordinary Saturday
        (date(2024, 9, 2), False),
        (date(2024, 3, 12), True),
    ],
)
def test_national_calendar(day, works):
    assert WorkCalendar().is_working_day(day) is works


def test_add_working_days_across_the_april_holidays():
    assert WorkCalendar().add_working_days(date(2024, 4, 26), 5) == date(2024, 5, 7)


def test_add_working_days_across_tet():
    # Friday 2/2/2024 + 5 working days: 5, 6, 7, then Tết 8–14/2, then 15 and 16 February.
    assert WorkCalendar().add_working_days(date(2024, 2, 2), 5) == date(2024, 2, 16)


def test_unit_overrides_come_first():
    calendar = WorkCalendar({date(2024, 3, 15): False, date(2024, 3, 16): True})
    assert not calendar.is_working_day(date(2024, 3, 15))
    assert calendar.is_working_day(date(2024, 3, 16))
    assert calendar.add_working_days(date(2024, 3, 14), 2) == date(2024, 3, 18)


def test_working_days_between_and_next():
    calendar = WorkCalendar()
    assert calendar.working_days_between(date(2024, 4, 26), date(2024, 5, 7)) == 5
    assert calendar.working_days_between(date(2024, 5, 7), date(2024, 4, 26)) == -5
    assert calendar.next_working_day(date(2024, 4, 27)) == date(2024, 5, 2)
