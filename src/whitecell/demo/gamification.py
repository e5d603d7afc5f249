"""Gamification rows for the demo: XP for what the student did, streaks, badges, profile totals.

The tables are server-written and the engine that will fill them belongs to a later issue, so the
demo stands in for it with simple, plausible rules: the rows below are derived from the demo's own
activity (every XP entry names the row that earned it), never invented separately. The level
follows Habitica's curve (shared/reference/domain-rules.md section 9.1).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from whitecell.core.store import ChangeEvent
from whitecell.demo.writer import Document, Timeline, Writer, set_server_fields
from whitecell.users import service as users

Made = dict[str, dict[str, Document]]


@dataclass(frozen=True)
class Award:
    at: datetime
    day: date
    action: str
    xp: int
    module: str
    source: Document
    description: str


async def build(w: Writer, t: Timeline, made: Made) -> None:
    awards = sorted(_awards(t, made), key=lambda a: (a.at, a.action))
    for award in awards:
        await w.insert_server_row(
            "xp_logs",
            {
                "action": award.action,
                "xpAmount": award.xp,
                "module": award.module,
                "sourceId": award.source["_id"],
                "description": award.description,
                "date": award.at,
            },
        )
    await _study_session_xp(w, awards)
    active = {a.day for a in awards}
    study_days = {date.fromisoformat(s["date"]) for s in made.get("study_sessions", {}).values()}
    daily = await _streak(w, t, "daily_activity", None, active)
    await _streak(w, t, "module_specific", "study", study_days)
    await _streak(w, t, "task", "discipline", _days_all_top_tasks_done(made))
    await _badges(w, awards)
    total = sum(a.xp for a in awards)
    await users.set_fields(
        w.tx,
        w.caller.id or "",
        {
            "totalXP": total,
            "currentLevel": level_for(total),
            "currentStreak": daily["currentCount"],
            "longestStreak": daily["longestCount"],
        },
    )


def _awards(t: Timeline, made: Made) -> list[Award]:
    """One XP entry per rewarded row, at the moment the row says it happened."""
    out: list[Award] = []

    def add(row: Document, at: datetime | str, action: str, xp: int, module: str, why: str) -> None:
        moment = datetime.fromisoformat(at) if isinstance(at, str) else at
        out.append(Award(moment, moment.astimezone(t.zone).date(), action, xp, module, row, why))

    def rows(table: str) -> list[Document]:
        return list(made.get(table, {}).values())

    def evening(day: str) -> datetime:
        return t.at(date.fromisoformat(day), 20, 30)

    for n in rows("notes"):
        add(n, n["createdAt"], "note_created", 10, "study", f"Wrote a note: {n['title']}")
    for q in rows("quizzes"):
        score = f"{q['title']}: {q['score']:g}%"
        add(q, q["createdAt"], "quiz_completed", 5 + round(q["score"] / 10), "study", score)
    for s in rows("study_sessions"):
        why = f"Studied {s['subject']} for {s['duration']} min"
        add(s, evening(s["date"]), "study_session", s["duration"] // 2, "study", why)
    for wo in rows("workouts"):
        add(wo, wo["createdAt"], "workout_logged", 25, "fitness", f"Workout: {wo['name']}")
    for pr in rows("personal_records"):
        if pr["previousPR"] is not None:  # an exercise's first entry is a baseline, not a record
            why = f"New record: {pr['exercise']} {pr['value']:g} {pr['unit']}"
            add(pr, evening(pr["date"]), "personal_record", 50, "fitness", why)
    for p in rows("chess_puzzles"):
        if p["solved"]:
            why = f"Solved Lichess puzzle {p['lichessPuzzleId']} (rated {p['difficulty']})"
            add(p, p["date"], "puzzle_solved", 10, "mind", why)
    for p in rows("logic_puzzles"):
        if p["solved"]:
            why = f"Solved a {p['difficulty']} {p['puzzleType'].replace('_', ' ')} puzzle"
            add(p, p["date"], "puzzle_solved", 10, "mind", why)
    for task in rows("daily_tasks"):
        if task["completed"]:
            add(task, task["completedAt"], "task_completed", 5, "discipline", task["title"])
    return out


async def _study_session_xp(w: Writer, awards: list[Award]) -> None:
    """`study_sessions.xpEarned` is the XP its session earned, as the engine will record it."""
    for award in awards:
        if award.action != "study_session":
            continue
        stored = await set_server_fields(
            w.tx, "study_sessions", award.source["_id"], {"xpEarned": award.xp}
        )
        w.tx.record(ChangeEvent("study_sessions", "update", stored["_id"], w.caller.id, stored))


async def _streak(
    w: Writer, t: Timeline, kind: str, module: str | None, days: set[date]
) -> dict[str, Any]:
    current, longest, start = streak_counts(sorted(days), t.today)
    body: dict[str, Any] = {
        "streakType": kind,
        "currentCount": current,
        "longestCount": longest,
        "lastActiveDate": max(days, default=t.today),
        "startDate": start or t.today,
        "completedDates": sorted(days),
    }
    if module:
        body["module"] = module
    return await w.insert_server_row("streaks", body)


def streak_counts(days: list[date], today: date) -> tuple[int, int, date | None]:
    """(current, longest, start of the latest run): a run still counts if it ended yesterday."""
    longest, run, start = 0, 0, None
    previous: date | None = None
    for day in days:
        run = run + 1 if previous is not None and day - previous == timedelta(days=1) else 1
        start = day if run == 1 else start
        longest = max(longest, run)
        previous = day
    alive = previous is not None and (today - previous).days <= 1
    return (run if alive else 0), longest, start


def _days_all_top_tasks_done(made: Made) -> set[date]:
    """Days on which every task of priority 4 or 5 was completed."""
    by_day: dict[str, list[bool]] = {}
    for task in made.get("daily_tasks", {}).values():
        if task["priority"] >= 4:
            by_day.setdefault(task["date"], []).append(task["completed"])
    return {date.fromisoformat(day) for day, done in by_day.items() if all(done)}


# (badgeType, name, description, icon, rarity, the action that earns it, how many times)
BADGES = (
    ("first_note", "First Note", "Wrote your first note.", "📝", "common", "note_created", 1),
    (
        "first_workout",
        "First Rep",
        "Logged your first workout.",
        "💪",
        "common",
        "workout_logged",
        1,
    ),
    (
        "record_breaker",
        "Record Breaker",
        "Beat a personal record.",
        "🏆",
        "rare",
        "personal_record",
        1,
    ),
    ("puzzle_solver_10", "Puzzle Solver", "Solved ten puzzles.", "🧩", "rare", "puzzle_solved", 10),
    ("scholar_10", "Scholar", "Ten study sessions.", "🎓", "common", "study_session", 10),
    ("week_streak", "Week Warrior", "Active seven days in a row.", "🔥", "epic", "streak", 7),
)


async def _badges(w: Writer, awards: list[Award]) -> None:
    for badge_type, name, description, icon, rarity, action, times in BADGES:
        earned = _seventh_day(awards) if action == "streak" else _nth(awards, action, times)
        if earned is None:
            continue
        await w.insert_server_row(
            "badges",
            {
                "badgeType": badge_type,
                "name": name,
                "description": description,
                "icon": icon,
                "earnedAt": earned.at,
                "rarity": rarity,
            },
        )


def _nth(awards: list[Award], action: str, times: int) -> Award | None:
    matching = [a for a in awards if a.action == action]
    return matching[times - 1] if len(matching) >= times else None


def _seventh_day(awards: list[Award]) -> Award | None:
    """The last award of the first day that completed a seven-day run."""
    run, previous = 0, None
    for day in sorted({a.day for a in awards}):
        run = run + 1 if previous is not None and day - previous == timedelta(days=1) else 1
        previous = day
        if run == 7:
            return max((a for a in awards if a.day == day), key=lambda a: a.at)
    return None


def level_for(total_xp: int) -> int:
    """Habitica's curve: XP from level L to L+1 is round((L^2/4 + 10L + 139.75) / 10) * 10."""
    level, needed = 1, 0
    while level < 100:
        step = Decimal(level * level) / 4 + 10 * level + Decimal("139.75")
        needed += int((step / 10).quantize(Decimal(1), rounding=ROUND_HALF_UP)) * 10
        if needed > total_xp:
            break
        level += 1
    return level
