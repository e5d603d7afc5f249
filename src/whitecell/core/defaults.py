"""Defaults that depend on who is writing: "now", and "today" in the writer's time zone."""

from __future__ import annotations

from typing import Any

from whitecell.core.clock import isoformat_z, local_today, utcnow


def now(_caller: Any = None) -> str:
    return isoformat_z(utcnow())


def today(caller: Any = None) -> str:
    """The caller's calendar day (users carry an IANA `timezone`; anonymous callers get UTC)."""
    user = getattr(caller, "user", None) or {}
    return local_today(user.get("timezone")).isoformat()
