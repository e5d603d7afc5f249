"""What the coach may know of the recovery tracker (docs/privacy.md, "The AI coach"): nothing,
unless the user turned `aiShareRecovery` on; then, in discipline conversations with a model, one
line of figures from their last two weeks of check-ins. Never a check-in's `notes`, never a date
of a relapse: counts and averages only."""

from __future__ import annotations

from datetime import date, timedelta
from statistics import fmean
from typing import Any

from whitecell.core.crud import select_documents
from whitecell.core.documents import codec
from whitecell.core.transactions import Tx

DAYS = 14
LEVELS = ("energyLevel", "focusLevel", "moodLevel", "confidenceLevel")


def shared(user: dict[str, Any], module: str) -> bool:
    """Whether a prompt for this conversation may hold the user's recovery figures."""
    return bool(user.get("aiShareRecovery")) and module == "discipline"


def summary(check_ins: list[dict[str, Any]]) -> str | None:
    """One line of figures from check-ins in date order; None without any."""
    if not check_ins:
        return None
    latest = check_ins[-1]
    relapses = sum(1 for c in check_ins if c["relapsed"])
    parts = [
        f"current streak {latest['currentStreak']} days (longest {latest['longestStreak']})",
        f"{len(check_ins)} check-ins and {relapses} relapse{'s' * (relapses != 1)} in the last "
        f"{DAYS} days",
    ]
    averages = []
    for level in LEVELS:
        values = [c[level] for c in check_ins if c.get(level) is not None]
        if values:
            averages.append(f"{level.removesuffix('Level')} {fmean(values):.1f}")
    if averages:
        parts.append("average " + ", ".join(averages) + " (of 5)")
    return "Their recovery tracker, which they chose to share: " + "; ".join(parts) + "."


async def recovery_line(tx: Tx, user_id: str, today: date) -> str | None:
    c = codec("pmo_tracker", tx.dialect.name)
    check_ins = await select_documents(
        tx,
        "pmo_tracker",
        '"userId" = :me AND "date" > :first AND "date" <= :today',
        {
            "me": user_id,
            "first": c.bind("date", (today - timedelta(days=DAYS)).isoformat()),
            "today": c.bind("date", today.isoformat()),
        },
        'ORDER BY "date"',
    )
    return summary(check_ins)
