"""Levels 1-100: Habitica's quadratic curve, doubled (docs/gamification.md).

XP from level L to L+1 is `2 · round_half_up((0.25·L² + 10·L + 139.75) / 10) · 10`: 300 at level 1,
growing smoothly to 7,160 from level 99 to 100. Reaching level 100 takes 290,820 XP in all,
about two years at the ~400 XP a day of a dedicated user (the table in docs/gamification.md).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

MAX_LEVEL = 100
SCALE = 2  # Habitica's curve reaches 100 in ~145,000 XP; our days earn about twice Habitica's


def xp_to_next(level: int) -> int:
    """XP needed to go from `level` to `level + 1`."""
    raw = Decimal(0.25 * level * level + 10 * level + 139.75) / 10
    return SCALE * int(raw.quantize(Decimal(1), rounding=ROUND_HALF_UP)) * 10


# THRESHOLDS[L - 1] = total XP at which level L begins (level 1 at 0).
THRESHOLDS: list[int] = [0]
for _level in range(1, MAX_LEVEL):
    THRESHOLDS.append(THRESHOLDS[-1] + xp_to_next(_level))


def level_for(total_xp: int) -> int:
    return max(1, min(MAX_LEVEL, bisect_right(THRESHOLDS, total_xp)))


@dataclass(frozen=True)
class Progress:
    level: int
    total: int
    into_level: int  # XP earned since this level began
    needed: int  # XP this level takes in all (0 at the top level)

    @property
    def percent(self) -> float:
        return 100.0 if not self.needed else round(100 * self.into_level / self.needed, 1)

    def as_json(self) -> dict[str, object]:
        return {
            "level": self.level,
            "totalXP": self.total,
            "xpIntoLevel": self.into_level,
            "xpForLevel": self.needed,
            "xpToNextLevel": max(0, self.needed - self.into_level) if self.needed else 0,
            "percent": self.percent,
        }


def progress(total_xp: int) -> Progress:
    level = level_for(total_xp)
    start = THRESHOLDS[level - 1]
    needed = 0 if level == MAX_LEVEL else THRESHOLDS[level] - start
    return Progress(level, total_xp, total_xp - start, needed)
