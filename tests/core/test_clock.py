"""The one clock: stood at a moment by tests, in the ward's time zone."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

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


ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
DEMO_DAY = date(2024, 3, 12)


@pytest.fixture
def demo(app, monkeypatch):
    """The app on the demo's date, as TRACKER_DEMO_TODAY=2024-03-12 sets it."""
    monkeypatch.setitem(app.config, "TRACKER_DEMO_TODAY", DEMO_DAY)
    return app


def test_the_demo_lives_on_its_date_at_the_real_time_of_day(demo, clock):
    clock(datetime(2026, 12, 3, 9, 15, tzinfo=ZONE))  # the real moment
    assert product_clock.demo_date() == DEMO_DAY
    assert product_clock.today() == DEMO_DAY
    assert product_clock.local_now() == datetime(2024, 3, 12, 9, 15, tzinfo=ZONE)
    assert product_clock.utcnow() == datetime(2024, 3, 12, 2, 15, tzinfo=UTC)
    # Late in the real evening, and after the real midnight (UTC still on the day before):
    # the same date, the hour it is in Vĩnh Hòa.
    clock(datetime(2026, 12, 3, 23, 50, tzinfo=ZONE))
    assert product_clock.local_now() == datetime(2024, 3, 12, 23, 50, tzinfo=ZONE)
    clock(datetime(2026, 12, 3, 17, 30, tzinfo=UTC))  # 00:30 on 04/12 in Vĩnh Hòa
    assert product_clock.local_now() == datetime(2024, 3, 12, 0, 30, tzinfo=ZONE)
    assert product_clock.today() == DEMO_DAY


def test_the_demo_clock_keeps_running_within_its_day(demo):
    first = product_clock.local_now()
    real = datetime.now(ZONE)
    second = product_clock.local_now()
    assert first.date() == second.date() == DEMO_DAY
    assert first <= second
    # The real time of day (a minute's slack; a second either side of midnight aside).
    gap = abs(datetime.combine(DEMO_DAY, real.time()) - datetime.combine(DEMO_DAY, second.time()))
    assert gap.total_seconds() < 60 or gap.total_seconds() > 86_340


def test_without_the_setting_the_clock_is_the_real_one(app, clock):
    assert product_clock.demo_date() is None
    clock(datetime(2026, 12, 3, 9, 15, tzinfo=ZONE))
    assert product_clock.today() == date(2026, 12, 3)
    assert product_clock.utcnow() == datetime(2026, 12, 3, 2, 15, tzinfo=UTC)
