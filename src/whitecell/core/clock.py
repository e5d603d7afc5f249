"""Time: the one place the server asks what time it is, and what day it is for a user."""

from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo


def utcnow() -> datetime:
    return datetime.now(UTC)


def isoformat_z(moment: datetime) -> str:
    """ISO 8601 in UTC with millisecond precision and a `Z`, as the API speaks it."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def user_zone(user: Mapping[str, Any] | None) -> ZoneInfo:
    """A user's IANA `timezone` (validated on write); UTC for anyone without one."""
    return ZoneInfo((user or {}).get("timezone") or "UTC")


def day_start(day: date, zone: tzinfo) -> datetime:
    """The first instant of `day` in `zone`, in UTC (a day across a DST change is 23 or 25 h)."""
    return datetime.combine(day, time(), zone).astimezone(UTC)


def day_bounds(day: date, zone: tzinfo) -> tuple[datetime, datetime]:
    """`day` in `zone` as UTC instants [start, end): what "on that day" means in a query."""
    return day_start(day, zone), day_start(day + timedelta(days=1), zone)


def local_today(timezone: str | None, now: datetime | None = None) -> date:
    """The calendar day it is in `timezone` (UTC when None) at `now` (default: this moment)."""
    return (now or utcnow()).astimezone(ZoneInfo(timezone or "UTC")).date()
