"""`whitecell gamification check`: every account's totals against what its XP log implies."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from whitecell.core.clock import local_today
from whitecell.core.store import Store
from whitecell.gamification.totals import profile_totals
from whitecell.users import service as users


@dataclass(frozen=True)
class Finding:
    user_id: str
    email: str
    field: str
    stored: Any
    expected: Any

    def __str__(self) -> str:
        return f"{self.email}: {self.field} is {self.stored}, the XP log says {self.expected}"


async def check(store: Store, *, repair: bool) -> list[Finding]:
    """Compare `totalXP`, `currentLevel`, `currentStreak` and `longestStreak` of every user
    with `xp_logs` and the daily streak; with `repair`, set them to what they should be."""
    findings: list[Finding] = []
    async with store.write() if repair else store.read() as tx:
        totals: dict[str, Any] = dict(
            await tx.all('SELECT "userId", sum("xpAmount") FROM xp_logs GROUP BY "userId"')
        )
        streaks = {
            row[0]: {"currentCount": row[1], "longestCount": row[2], "lastActiveDate": str(row[3])}
            for row in await tx.all(
                'SELECT "userId", "currentCount", "longestCount", "lastActiveDate" FROM streaks '
                "WHERE \"streakType\" = 'daily_activity'"
            )
        }
        rows = await tx.all(
            'SELECT "_id", email, "totalXP", "currentLevel", "currentStreak", "longestStreak", '
            "timezone FROM users"
        )
        for user_id, email, total_xp, level, current, longest, timezone in rows:
            streak = streaks.get(user_id)
            total = int(totals.get(user_id) or 0)
            expected = profile_totals(total, streak, local_today(timezone))
            stored = {
                "totalXP": total_xp,
                "currentLevel": level,
                "currentStreak": current,
                "longestStreak": longest,
            }
            wrong = {name: value for name, value in expected.items() if stored[name] != value}
            findings += [
                Finding(user_id, email, name, stored[name], value) for name, value in wrong.items()
            ]
            if repair and wrong:
                await users.set_fields(tx, user_id, wrong)
    return findings
