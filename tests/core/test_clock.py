"""A user's day: where it starts and ends in UTC, across a time zone's midnight and DST."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from whitecell.core.clock import day_bounds, day_start, local_today, user_zone

NEW_YORK = ZoneInfo("America/New_York")


def test_the_day_turns_at_the_user_s_midnight_not_utc_s() -> None:
    just_before = datetime(2026, 11, 25, 4, 59, tzinfo=UTC)  # 23:59 on the 24th in New York
    assert local_today("America/New_York", just_before) == date(2026, 11, 24)
    assert local_today("America/New_York", just_before + timedelta(minutes=1)) == date(2026, 11, 25)
    assert local_today("Pacific/Kiritimati", just_before) == date(2026, 11, 25)  # UTC+14
    assert local_today(None, just_before) == date(2026, 11, 25)


def test_days_across_a_dst_change_are_23_and_25_hours_long() -> None:
    spring, autumn = date(2026, 3, 8), date(2026, 11, 1)
    assert day_start(spring, NEW_YORK) == datetime(2026, 3, 8, 5, tzinfo=UTC)
    start, end = day_bounds(spring, NEW_YORK)
    assert (start, end - start) == (day_start(spring, NEW_YORK), timedelta(hours=23))
    start, end = day_bounds(autumn, NEW_YORK)
    assert end - start == timedelta(hours=25)
    assert end == day_start(autumn + timedelta(days=1), NEW_YORK)


def test_anyone_without_a_time_zone_lives_in_utc() -> None:
    assert user_zone(None) == ZoneInfo("UTC")
    assert user_zone({"timezone": None}) == ZoneInfo("UTC")
    assert user_zone({"timezone": "Asia/Kolkata"}) == ZoneInfo("Asia/Kolkata")
