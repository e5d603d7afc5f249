"""Defaults that depend on who is writing: "now", and "today" in the writer's time zone."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from whitecell.core.clock import isoformat_z, utcnow


def now(_caller: Any = None) -> str:
    return isoformat_z(utcnow())


def today(caller: Any = None) -> str:
    """The caller's calendar day (users carry an IANA `timezone`; anonymous callers get UTC)."""
    user = getattr(caller, "user", None) or {}
    return utcnow().astimezone(ZoneInfo(user.get("timezone") or "UTC")).date().isoformat()
