"""The badge catalog, each person's progress toward each badge, and awarding them
(docs/gamification.md).

A badge is earned once (unique per user and `badgeType`) when its metric reaches the target, and
kept: achievements are history, so deleting rows later does not take a badge back.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from whitecell.core.clock import isoformat_z
from whitecell.core.crud import insert_server_row_once, select_documents
from whitecell.core.transactions import Tx
from whitecell.creator.rules import published_through_board
from whitecell.gamification.tables import BADGES
from whitecell.mind.cubing.averages import DNF, rolling_averages, single_value

Document = dict[str, Any]

Metric = Callable[[Tx, str], Awaitable[float | None]]


@dataclass(frozen=True)
class Badge:
    badge_type: str
    name: str
    description: str
    module: str
    rarity: str  # common, rare, epic, legendary
    tier: int
    metric: str
    target: float
    lower_is_better: bool = False  # a time to beat rather than a count to reach

    def reached(self, value: float | None) -> bool:
        if value is None:
            return False
        return value < self.target if self.lower_is_better else value >= self.target

    def progress(self, value: float | None) -> dict[str, Any]:
        if self.lower_is_better:
            percent = 0.0 if value is None else min(100.0, round(100 * self.target / value, 1))
        else:
            percent = min(100.0, round(100 * (value or 0) / self.target, 1))
        return {"current": value, "target": self.target, "percent": percent}

    def as_row(self) -> dict[str, Any]:
        return {
            "badgeType": self.badge_type,
            "name": self.name,
            "description": self.description,
            "icon": f"/badges/{self.badge_type}.svg",
            "tier": self.tier,
            "rarity": self.rarity,
        }


def _first(badge_type: str, name: str, module: str, metric: str, what: str) -> Badge:
    return Badge(badge_type, name, f"Your first {what}.", module, "common", 1, metric, 1)


CATALOG: tuple[Badge, ...] = (
    # First steps in every module
    _first("first_note", "First Note", "study", "notes", "note"),
    _first("first_review", "First Recall", "study", "reviewed_cards", "flashcard review"),
    _first("first_quiz", "Quiz Taker", "study", "quizzes", "quiz"),
    _first("first_workout", "First Sweat", "fitness", "workouts", "workout"),
    _first("first_meal", "Mindful Eater", "fitness", "meals", "meal logged"),
    _first("first_record", "Record Breaker", "fitness", "records", "personal record"),
    _first("first_chess_puzzle", "Tactician", "mind", "chess_solved", "chess puzzle solved"),
    _first("first_logic_puzzle", "Puzzler", "mind", "logic_solved", "logic puzzle solved"),
    _first("first_cube_solve", "Cuber", "mind", "cube_solves", "cube solve"),
    _first("first_debate", "Debater", "mind", "debates", "debate"),
    _first("first_memory_palace", "Architect of Memory", "mind", "palaces", "memory palace"),
    _first("first_task", "Getting Things Done", "discipline", "tasks_done", "task completed"),
    _first("first_habit_stack", "Habit Builder", "discipline", "habit_days", "habit stack done"),
    _first("first_publish", "Creator", "creator", "published", "piece of content published"),
    # Streaks
    Badge("streak_7", "Week Warrior", "A 7-day streak.", "all", "common", 1, "longest_streak", 7),
    Badge(
        "streak_30", "Monthly Momentum", "A 30-day streak.", "all", "rare", 2, "longest_streak", 30
    ),
    Badge("streak_100", "Centurion", "A 100-day streak.", "all", "epic", 3, "longest_streak", 100),
    Badge(
        "streak_365",
        "Year of Discipline",
        "A 365-day streak.",
        "all",
        "legendary",
        4,
        "longest_streak",
        365,
    ),
    # Levels and XP
    Badge("level_10", "Apprentice", "Reach level 10.", "all", "common", 1, "level", 10),
    Badge("level_25", "Journeyman", "Reach level 25.", "all", "rare", 2, "level", 25),
    Badge("level_50", "Expert", "Reach level 50.", "all", "epic", 3, "level", 50),
    Badge("level_100", "Master", "Reach level 100.", "all", "legendary", 4, "level", 100),
    Badge("xp_1000", "Thousand", "Earn 1,000 XP.", "all", "common", 1, "total_xp", 1_000),
    Badge("xp_10000", "Ten Thousand", "Earn 10,000 XP.", "all", "rare", 2, "total_xp", 10_000),
    Badge(
        "xp_100000", "Hundred Thousand", "Earn 100,000 XP.", "all", "epic", 3, "total_xp", 100_000
    ),
    # Mastery
    Badge(
        "cards_mastered_500",
        "Memory Master",
        "500 flashcards mastered.",
        "study",
        "epic",
        3,
        "mastered_cards",
        500,
    ),
    Badge("notes_100", "Prolific Writer", "100 notes.", "study", "rare", 2, "notes", 100),
    Badge(
        "quizzes_perfect_10",
        "Perfectionist",
        "10 quizzes with a perfect score.",
        "study",
        "rare",
        2,
        "perfect_quizzes",
        10,
    ),
    Badge(
        "pages_1000", "Bookworm", "1,000 textbook pages read.", "study", "rare", 2, "pages", 1_000
    ),
    Badge(
        "study_hours_100",
        "Scholar",
        "100 hours of study sessions.",
        "study",
        "epic",
        3,
        "study_minutes",
        6_000,
    ),
    Badge("workouts_100", "Iron Will", "100 workouts.", "fitness", "epic", 3, "workouts", 100),
    Badge(
        "records_25",
        "Stronger Every Month",
        "25 personal records.",
        "fitness",
        "rare",
        2,
        "records",
        25,
    ),
    Badge(
        "chess_puzzles_100",
        "Grandmaster in Training",
        "100 chess puzzles solved.",
        "mind",
        "rare",
        2,
        "chess_solved",
        100,
    ),
    Badge(
        "sudoku_50", "Logician", "50 logic puzzles solved.", "mind", "rare", 2, "logic_solved", 50
    ),
    Badge(
        "cube_sub20_ao5",
        "Speedcuber",
        "A 3x3 average of 5 under 20 seconds.",
        "mind",
        "epic",
        3,
        "best_ao5_3x3",
        20_000,
        lower_is_better=True,
    ),
    Badge(
        "tasks_500",
        "Unstoppable",
        "500 tasks completed.",
        "discipline",
        "epic",
        3,
        "tasks_done",
        500,
    ),
)
BY_TYPE = {badge.badge_type: badge for badge in CATALOG}


# -- metrics -----------------------------------------------------------------------------------


def _count(table: str, condition: str = "", **params: Any) -> Metric:
    async def metric(tx: Tx, user_id: str) -> float | None:
        extra = f" AND {condition}" if condition else ""
        value = await tx.scalar(
            f'SELECT count(*) FROM "{table}" WHERE "userId" = :me{extra}', {"me": user_id, **params}
        )
        return float(value or 0)

    return metric


def _sum(table: str, expression: str, condition: str = "", **params: Any) -> Metric:
    async def metric(tx: Tx, user_id: str) -> float | None:
        extra = f" AND {condition}" if condition else ""
        value = await tx.scalar(
            f'SELECT coalesce(sum({expression}), 0) FROM "{table}" WHERE "userId" = :me{extra}',
            {"me": user_id, **params},
        )
        return float(value or 0)

    return metric


async def _habit_days(tx: Tx, user_id: str) -> float | None:

    stacks = await select_documents(tx, "habit_stacks", '"userId" = :me', {"me": user_id})
    return float(sum(len(stack["completedDates"] or []) for stack in stacks))


async def _published(tx: Tx, user_id: str) -> float | None:
    """Items that reached `publishing` through the board: one created there was not published
    (docs/creator.md), so it earns no badge, as it earns no XP."""
    items = await select_documents(tx, "content_items", '"userId" = :me', {"me": user_id})
    return float(sum(published_through_board(item) for item in items))


async def _user_field(tx: Tx, user_id: str, field: str) -> float | None:
    return float(
        await tx.scalar(f'SELECT "{field}" FROM users WHERE "_id" = :me', {"me": user_id}) or 0
    )


async def _level(tx: Tx, user_id: str) -> float | None:
    return await _user_field(tx, user_id, "currentLevel")


async def _total_xp(tx: Tx, user_id: str) -> float | None:
    return await _user_field(tx, user_id, "totalXP")


async def _longest_streak(tx: Tx, user_id: str) -> float | None:
    value = await tx.scalar(
        'SELECT max("longestCount") FROM streaks WHERE "userId" = :me '
        "AND \"streakType\" = 'daily_activity'",
        {"me": user_id},
    )
    return float(value or 0)


async def _chess_solved(tx: Tx, user_id: str) -> float | None:
    """Distinct puzzles solved: solving one again adds nothing."""
    value = await tx.scalar(
        'SELECT count(DISTINCT "lichessPuzzleId") FROM chess_puzzles '
        'WHERE "userId" = :me AND solved = :yes',
        {"me": user_id, "yes": True},
    )
    return float(value or 0)


async def _best_ao5_3x3(tx: Tx, user_id: str) -> float | None:
    """Over the 3x3 solves timed against served scrambles, in order (docs/mind.md, "Cubing")."""
    rows = await tx.all(
        'SELECT "time", "plusTwo", dnf FROM cube_times WHERE "userId" = :me '
        'AND "cubeType" = \'3x3\' AND "scrambleVerified" = :yes ORDER BY "date", "_id"',
        {"me": user_id, "yes": True},
    )
    times = [None if dnf else int(t) + (2000 if plus_two else 0) for t, plus_two, dnf in rows]
    return best_average_of_5(times)


def best_average_of_5(times: list[int | None]) -> float | None:
    """The best WCA average of 5 consecutive solves in ms (None = DNF), as the statistics
    compute it (mind/cubing/averages.py: truncated singles, two DNFs make a DNF, half up)."""
    singles = [DNF if t is None else single_value(t, False, False) for t in times]
    finished = [a for a in rolling_averages(singles, 5) if a != DNF]
    return float(min(finished) * 10) if finished else None


METRICS: dict[str, Metric] = {
    "notes": _count("notes"),
    "reviewed_cards": _count("flashcards", '"reviewCount" > 0'),
    "quizzes": _count("quizzes"),
    "perfect_quizzes": _count("quizzes", "score >= 100"),
    "mastered_cards": _count("flashcards", "status = 'mastered'"),
    "pages": _sum("xp_logs", '"baseXP"', "action = 'pages_read'"),
    "study_minutes": _sum("study_sessions", "duration"),
    "workouts": _count("workouts"),
    "meals": _count("meals"),
    "records": _count("personal_records", "source = 'workout' AND improvement > 0"),
    "chess_solved": _chess_solved,
    "logic_solved": _count("logic_puzzles", 'solved = :yes AND "solvedAt" IS NOT NULL', yes=True),
    "cube_solves": _count(
        "cube_times", 'dnf = :no AND "scrambleVerified" = :yes', no=False, yes=True
    ),
    "best_ao5_3x3": _best_ao5_3x3,
    # A debate is one the coach answered (docs/ai.md, "Debate"): a row alone is a claim.
    "debates": _count("debate_sessions", '"aiCounterargument" <> :empty', empty=""),
    "palaces": _count("memory_palaces"),
    "tasks_done": _count("daily_tasks", "completed = :yes", yes=True),
    "habit_days": _habit_days,
    "published": _published,
    "longest_streak": _longest_streak,
    "level": _level,
    "total_xp": _total_xp,
}

# Which metrics a change to a table can move (levels, XP and streaks move with any award).
METRIC_TABLES: dict[str, set[str]] = {
    "notes": {"notes"},
    "reviewed_cards": {"flashcards"},
    "mastered_cards": {"flashcards"},
    "quizzes": {"quizzes"},
    "perfect_quizzes": {"quizzes"},
    "pages": {"textbooks"},
    "study_minutes": {"study_sessions"},
    "workouts": {"workouts"},
    "meals": {"meals"},
    "records": {"personal_records"},
    "chess_solved": {"chess_puzzles"},
    "logic_solved": {"logic_puzzles"},
    "cube_solves": {"cube_times"},
    "best_ao5_3x3": {"cube_times"},
    "debates": {"debate_sessions"},
    "palaces": {"memory_palaces"},
    "tasks_done": {"daily_tasks"},
    "habit_days": {"habit_stacks"},
    "published": {"content_items"},
}
AWARD_METRICS = {"longest_streak", "level", "total_xp"}


def metrics_moved_by(tables: set[str], awarded: bool) -> set[str]:
    moved = {name for name, sources in METRIC_TABLES.items() if sources & tables}
    return moved | AWARD_METRICS if awarded else moved


async def award_badges(
    tx: Tx,
    user_id: str,
    tables: set[str],
    awarded: bool,
    now: datetime,
    known: dict[str, float] | None = None,
    earned: set[str] | None = None,
) -> list[Document]:
    """Badges newly reached by `user_id`, inserted once each (unique per user and type)."""
    moved = metrics_moved_by(tables, awarded)
    if not moved:
        return []
    if earned is None:
        rows = await tx.all('SELECT "badgeType" FROM badges WHERE "userId" = :me', {"me": user_id})
        earned = {row[0] for row in rows}
    values: dict[str, float | None] = dict(known or {})
    new: list[Document] = []
    for badge in CATALOG:
        if badge.badge_type in earned or badge.metric not in moved:
            continue
        if badge.metric not in values:
            values[badge.metric] = await METRICS[badge.metric](tx, user_id)
        if not badge.reached(values[badge.metric]):
            continue
        stored = await insert_badge(tx, user_id, badge, now)
        if stored is not None:
            new.append(stored)
    return new


async def insert_badge(tx: Tx, user_id: str, badge: Badge, now: datetime) -> Document | None:
    """The badge as stored, or None if already earned: awarded once, however many triggers race."""
    document = {"userId": user_id, **badge.as_row(), "earnedAt": isoformat_z(now)}
    return await insert_server_row_once(tx, BADGES, document, unique=("userId", "badgeType"))
