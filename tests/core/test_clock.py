"""The one clock: stood at a moment by tests, in the ward's time zone."""

from datetime import UTC, date, datetime

import pytest

from tracker.core import clock as product_clock


def test_a_date_stands_the_clock_at_ten_in_the_morning_local_time(clock):
    clock(date(2024, 3, 12))
    assert product_clock.today() == date(2024, 3, 12)
    assert product_clock.local_now().hour == 10
    assert product_clock.utcnow() == datetime(2024, 3, 12, 3, 0, tzinfo=UTC)


def test_today_is_the_date_in_vietnam_not_on_the_server(clock):
    clock(datetime(2024, 3, 11, 17, 30, tzinfo=UTC))  # 00:30 on 12/03 in Vĩnh Hòa
    assert product_clock.today() == date(2024, 3, 12)


def test_freeze_is_undone_after_its_block():
    with product_clock.freeze(date(2020, 1, 1)):
        assert product_clock.today() == date(2020, 1, 1)
    assert product_clock.today() != date(2020, 1, 1)


def test_a_naive_moment_is_refused():
    with pytest.raises(ValueError):
        product_clock.set_now(datetime(2024, 3, 12, 10, 0))
