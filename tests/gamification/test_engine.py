"""The engine, through the API, on both databases: every rule awards once, replays and repeats
award nothing, deletion gives XP back, caps hold, the multiplier applies, totals follow the log."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.mind.cube_bodies import timed_body
from tests.samples import sample_body
from tests.support import Api, Person
from whitecell.cleanup import cleanup
from whitecell.core import crud
from whitecell.core.permissions import Caller
from whitecell.gamification import levels
from whitecell.gamification.engine import score_batch
from whitecell.gamification.tables import STREAKS, XP_LOGS
from whitecell.gamification.worker import Engine

WORDS = "The mitochondria is the powerhouse of the cell and makes most of its ATP."


def _bodies() -> list[tuple[str, str, dict[str, Any], int]]:
    """(action, table, body overrides, base XP owed) for one qualifying row of each rule."""
    location = sample_body("memory_palaces")["locations"][0]
    return [
        ("note_created", "notes", {"content": WORDS, "isArchived": False}, 10),
        ("pages_read", "textbooks", {"currentPage": 42}, 41),
        ("study_minutes", "study_sessions", {"duration": 45}, 45),
        ("study_goal_completed", "study_goals", {"status": "completed"}, 50),
        ("workout_logged", "workouts", {"duration": 60}, 50),
        # personal_record needs a workout beating an earlier one: tests/fitness/test_records_xp.py
        ("meal_logged", "meals", {}, 5),
        ("measurement_logged", "measurements", {}, 5),
        ("progress_photo", "progress_photos", {}, 10),
        ("fitness_goal_completed", "fitness_goals", {"status": "completed"}, 50),
        # chess_puzzle_solved needs an attempt played to a solve: tests/mind/puzzles/test_xp.py
        # logic_puzzle_solved needs a sudoku the server checked: tests/mind/test_sudoku_routes.py
        # cube_solve needs a served scramble: tests/mind/test_cube_xp.py and the test below
        # debate_held needs the coach's answer: tests/ai/test_debate.py
        ("memory_palace_built", "memory_palaces", {"locations": [location] * 3}, 15),
        ("code_project_created", "code_projects", {}, 10),
        ("task_completed", "daily_tasks", {"completed": True, "priority": 5}, 14),
        # content_published needs a move on the board: tests/creator/test_board.py
        ("content_idea", "content_ideas", {}, 3),
    ]


async def _xp_rows(api: Api, who: Person, **where: Any) -> list[dict[str, Any]]:
    response = await api.get(who, "xp_logs", limit=100, **where)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


async def _me(api: Api, who: Person) -> dict[str, Any]:
    return dict((await api.client.get("/api/v1/users/me", headers=who.headers)).json())


async def _daily_streak(tx: Any, who: Person, days: list[str], *, count: int) -> None:
    """A `daily_activity` streak row over `days` (sorted), stored as counting `count`."""
    await crud.insert_server_row(
        tx,
        STREAKS,
        {
            "userId": who.id,
            "streakType": "daily_activity",
            "currentCount": count,
            "longestCount": count,
            "lastActiveDate": days[-1],
            "startDate": days[0],
            "completedDates": days,
        },
    )


async def _drain(api: Api) -> None:
    await api.context.service(Engine).drain()


@pytest.mark.parametrize(
    ("action", "table", "overrides", "base"), _bodies(), ids=[b[0] for b in _bodies()]
)
async def test_each_rule_awards_once(
    game: Api, action: str, table: str, overrides: dict[str, Any], base: int
) -> None:
    row = await game.create(game.a, table, sample_body(table, **overrides))
    await _drain(game)
    await _drain(game)
    [award] = await _xp_rows(game, game.a, sourceId=row["_id"])
    assert (award["action"], award["baseXP"], award["xpAmount"]) == (action, base, base)
    assert award["multiplier"] == 1.0 and award["description"]
    me = await _me(game, game.a)
    assert me["totalXP"] == base and me["currentLevel"] == 1
    assert me["currentStreak"] == 1  # any rewarded action makes today active
    assert await _xp_rows(game, game.b) == []  # nobody else's


async def test_flashcard_reviews_earn_each_time_with_a_bonus_for_good_recall(game: Api) -> None:
    card = await game.create(game.a, "flashcards", sample_body("flashcards"))
    for quality in (5, 2, 4):
        response = await game.client.post(
            f"/api/v1/flashcards/{card['_id']}/review",
            json={"quality": quality, "timeSpent": 5},
            headers=game.a.headers,
        )
        assert response.status_code == 200
        await _drain(game)
    rows = await _xp_rows(game, game.a, sourceId=card["_id"])
    assert sorted(r["baseXP"] for r in rows) == [2, 3, 3]


async def test_a_cube_time_faster_than_every_earlier_one_is_a_personal_best(game: Api) -> None:
    at = datetime.now(UTC) - timedelta(minutes=5)

    async def solve(ms: int, minutes: int) -> str:
        date = (at + timedelta(minutes=minutes)).isoformat()
        body = await timed_body(game, game.a, time=ms, date=date)
        return str((await game.create(game.a, "cube_times", body))["_id"])

    first, slower, faster = await solve(20_000, 0), await solve(21_000, 1), await solve(19_500, 2)
    await _drain(game)
    bests = await _xp_rows(game, game.a, sourceId=faster)
    assert {r["action"] for r in bests} == {"cube_solve", "cube_personal_best"}
    for plain in (first, slower):  # the first sets the mark; a slower one beats nothing
        assert [r["action"] for r in await _xp_rows(game, game.a, sourceId=plain)] == ["cube_solve"]


async def test_deleting_the_source_gives_its_xp_back_so_loops_earn_nothing(game: Api) -> None:
    for _ in range(3):
        note = await game.create(game.a, "notes", sample_body("notes", content=WORDS))
        await _drain(game)
        assert (await _me(game, game.a))["totalXP"] == 10
        deleted = await game.client.delete(f"/api/v1/notes/{note['_id']}", headers=game.a.headers)
        assert deleted.status_code == 204
        await _drain(game)
        assert (await _me(game, game.a))["totalXP"] == 0
    rows = await _xp_rows(game, game.a)
    assert sum(r["xpAmount"] for r in rows) == 0
    assert any(r["description"].startswith("Taken back") for r in rows)


async def test_unchecking_a_task_takes_its_xp_back_and_checking_again_pays_once(game: Api) -> None:
    task = await game.create(
        game.a, "daily_tasks", sample_body("daily_tasks", completed=True, priority=3)
    )
    url = f"/api/v1/daily_tasks/{task['_id']}"
    for completed in (False, True, False, True):
        await _drain(game)
        await game.client.patch(url, json={"completed": completed}, headers=game.a.headers)
    await _drain(game)
    rows = await _xp_rows(game, game.a, sourceId=task["_id"])
    assert sum(r["xpAmount"] for r in rows) == 10  # 4 + 2 x priority 3, held once


async def test_replayed_events_award_nothing(game: Api) -> None:
    for table, overrides in (("notes", {"content": WORDS}), ("workouts", {"duration": 30})):
        await game.create(game.a, table, sample_body(table, **overrides))
    note = await game.create(game.a, "notes", sample_body("notes", content=WORDS))
    await game.client.delete(f"/api/v1/notes/{note['_id']}", headers=game.a.headers)
    await _drain(game)
    before = await _xp_rows(game, game.a)
    total = (await _me(game, game.a))["totalXP"]
    # Rewind the engine to the start of the log, as a crash before its commit would.
    async with game.context.store.write() as tx:
        await tx.execute("UPDATE consumer_offsets SET seq = 0")
    await _drain(game)
    assert await _xp_rows(game, game.a) == before
    assert (await _me(game, game.a))["totalXP"] == total == 10 + 35


async def test_daily_caps_hold(game: Api) -> None:
    for n in range(13):
        await game.create(game.a, "notes", sample_body("notes", title=f"n{n}", content=WORDS))
    await _drain(game)
    rows = await _xp_rows(game, game.a, action="note_created")
    assert len(rows) == 10 and sum(r["baseXP"] for r in rows) == 100  # 10 notes' worth a day
    assert (await _me(game, game.a))["totalXP"] == 100


async def test_the_streak_multiplier_is_applied_and_recorded(game: Api) -> None:
    today = datetime.now(UTC).date()
    days = [(today - timedelta(days=n)).isoformat() for n in range(1, 15)]  # 14 days before
    async with game.context.store.write() as tx:
        await _daily_streak(tx, game.a, sorted(days), count=14)
    await game.create(game.a, "workouts", sample_body("workouts", duration=60))
    await _drain(game)
    [award] = await _xp_rows(game, game.a)
    # Today makes 15 days in a row: two full weeks, x1.10.
    assert (award["baseXP"], award["multiplier"], award["xpAmount"]) == (50, 1.1, 55)
    me = await _me(game, game.a)
    assert (me["totalXP"], me["currentStreak"], me["longestStreak"]) == (55, 15, 15)


async def test_crossing_a_level_boundary_levels_up_as_a_change_event(game: Api) -> None:
    async with game.context.store.write() as tx:
        await crud.insert_server_row(
            tx,
            XP_LOGS,
            {
                "userId": game.a.id,
                "action": "imported",
                "module": "study",
                "xpAmount": 295,
                "baseXP": 295,
                "date": datetime.now(UTC).isoformat(),
            },
        )
    await game.create(game.a, "notes", sample_body("notes", content=WORDS))
    await _drain(game)
    me = await _me(game, game.a)
    assert me["totalXP"] == 305 and me["currentLevel"] == levels.level_for(305) == 2
    async with game.context.store.read() as tx:
        tables = {row[0] for row in await tx.all('SELECT DISTINCT "table" FROM change_log')}
    assert {"xp_logs", "users", "streaks", "badges"} <= tables  # all of it reaches realtime


async def test_a_badge_is_awarded_once_under_concurrent_triggers(game: Api) -> None:
    await game.create(game.a, "notes", sample_body("notes", content=WORDS))
    await asyncio.gather(_drain(game), _drain(game), score_batch(game.context.store, wait=True))
    badges = (await game.get(game.a, "badges", limit=100)).json()["items"]
    assert [b["badgeType"] for b in badges].count("first_note") == 1
    first = next(b for b in badges if b["badgeType"] == "first_note")
    assert first["rarity"] == "common" and first["tier"] == 1 and first["earnedAt"]
    # Two separate awarding transactions for the same badge still leave one row.
    from whitecell.gamification.badges import BY_TYPE, insert_badge

    async def award() -> Any:
        async with game.context.store.write() as tx:
            return await insert_badge(tx, game.a.id, BY_TYPE["notes_100"], datetime.now(UTC))

    results = await asyncio.gather(award(), award())
    assert sum(r is not None for r in results) == 1


async def test_the_cleanup_never_trims_what_the_engine_has_not_scored(game: Api) -> None:
    await game.create(game.a, "notes", sample_body("notes", content=WORDS))
    await _drain(game)
    await game.create(game.a, "workouts", sample_body("workouts", duration=30))  # not scored yet
    settings = game.context.settings
    object.__setattr__(settings, "change_log_retention_seconds", 0)
    object.__setattr__(settings, "gamification_enabled", True)
    await cleanup(game.context)
    await _drain(game)
    assert {r["action"] for r in await _xp_rows(game, game.a)} == {
        "note_created",
        "workout_logged",
    }


async def test_the_cleanup_writes_broken_streaks_down(game: Api) -> None:
    old = (datetime.now(UTC).date() - timedelta(days=3)).isoformat()
    async with game.context.store.write() as tx:
        await _daily_streak(tx, game.a, [old], count=4)
        await tx.execute(
            'UPDATE users SET "currentStreak" = 4, "longestStreak" = 4 WHERE "_id" = :me',
            {"me": game.a.id},
        )
    await cleanup(game.context)  # (the app's own cleanup job may have got there first)
    async with game.context.store.read() as tx:
        stored = await tx.one('SELECT "currentCount", "longestCount" FROM streaks')
        profile = await tx.one(
            'SELECT "currentStreak", "longestStreak" FROM users WHERE "_id" = :me',
            {"me": game.a.id},
        )
    assert tuple(stored or ()) == (0, 4) and tuple(profile or ()) == (0, 4)
    assert (await cleanup(game.context))["broken_streaks"] == 0


async def test_a_quiz_earns_by_its_score(game: Api) -> None:
    cards = [("Powerhouse?", "Mitochondria"), ("Currency?", "ATP"), ("Acceptor?", "Oxygen")]
    for question, answer in cards:
        body = sample_body("flashcards", question=question, answer=answer, subject="Bio")
        await game.create(game.a, "flashcards", body)
    draft = await game.client.post(
        "/api/v1/quizzes/generate",
        json={"subject": "Bio", "count": 3, "types": ["short_answer"]},
        headers=game.a.headers,
    )
    questions = draft.json()["questions"]
    answers = [dict(cards)[q["text"]] for q in questions]
    answers[-1] = "no idea"  # two of three: 66.7%
    quiz = await game.client.post(
        f"/api/v1/quizzes/{draft.json()['_id']}/submit",
        json={"answers": answers},
        headers=game.a.headers,
    )
    assert quiz.status_code == 201
    await _drain(game)
    [award] = await _xp_rows(game, game.a, action="quiz_completed")
    assert award["baseXP"] == 5 + round(20 * 66.7 / 100) == 18
    assert award["sourceId"] == quiz.json()["_id"]


async def test_each_day_a_habit_stack_is_completed_pays_once(game: Api) -> None:
    from whitecell.discipline.tables import HABIT_STACKS

    stack = await game.create(game.a, "habit_stacks", sample_body("habit_stacks"))
    today = datetime.now(UTC).date()
    for days in ([today], [today - timedelta(days=1), today]):
        async with game.context.store.write() as tx:
            current = await crud.get(tx, HABIT_STACKS, Caller(game.a.user), stack["_id"])
            dates = [day.isoformat() for day in days]
            await crud.update_server_row(tx, HABIT_STACKS, current, {"completedDates": dates})
        await _drain(game)
    rows = await _xp_rows(game, game.a, sourceId=stack["_id"])
    assert sorted(r["baseXP"] for r in rows) == [15, 15]  # one day, then one more


async def test_a_row_a_rule_cannot_read_does_not_stall_the_log(
    game: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    from whitecell.gamification import rules

    note_rule = next(r for r in rules.RULES_BY_TABLE["notes"] if r.action == "note_created")
    broken = dataclasses.replace(note_rule, xp=lambda note: int(note["noSuchField"]))
    monkeypatch.setitem(rules.RULES_BY_TABLE, "notes", [broken])
    await game.create(game.a, "notes", sample_body("notes", content=WORDS))
    await game.create(game.a, "workouts", sample_body("workouts", duration=30))
    await _drain(game)
    assert [r["action"] for r in await _xp_rows(game, game.a)] == ["workout_logged"]
