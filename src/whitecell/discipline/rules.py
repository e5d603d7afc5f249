"""Discipline's pure rules: when two daily tasks are the same task, and what a task carried
onto its twin leaves behind (docs/discipline.md, "Daily tasks")."""

from __future__ import annotations

from typing import Any


def _title_key(title: str) -> str:
    return " ".join(title.split()).casefold()


def same_task(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Two tasks are one when they come from the same recurrence or their titles match, ignoring
    case and runs of blanks."""
    if a.get("recurrenceId") and a.get("recurrenceId") == b.get("recurrenceId"):
        return True
    return _title_key(a["title"]) == _title_key(b["title"])


def merged_task(kept: dict[str, Any], absorbed: dict[str, Any]) -> dict[str, Any]:
    """The changes to `kept` when `absorbed` merges into it: the higher priority and the earlier
    `dueTime` of the two (a time beats none)."""
    changes: dict[str, Any] = {}
    if absorbed["priority"] > kept["priority"]:
        changes["priority"] = absorbed["priority"]
    times = [t for t in (kept.get("dueTime"), absorbed.get("dueTime")) if t]
    if times and min(times) != kept.get("dueTime"):
        changes["dueTime"] = min(times)
    return changes
