"""What people see of their progress: the dashboard in one request, the badge catalog with
progress, a leaderboard of public fields only, and the rules as data."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from click.testing import CliRunner

from tests.samples import sample_body
from tests.support import Api
from whitecell.cli.main import cli
from whitecell.gamification import levels
from whitecell.gamification.worker import Engine

WORDS = "Ten words or more make this note worth some XP today, truly."


async def _get(game: Api, path: str, who: Any = None, **params: Any) -> dict[str, Any]:
    response = await game.get(who or game.a, path, **params)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def test_the_dashboard_holds_one_screen_of_the_app(game: Api) -> None:
    today = datetime.now(UTC).date().isoformat()
    await game.create(game.a, "notes", sample_body("notes", content=WORDS))
    await game.create(game.a, "flashcards", sample_body("flashcards"))
    done = sample_body("daily_tasks", date=today, completed=True, priority=5, title="Run")
    await game.create(game.a, "daily_tasks", done)
    await game.create(
        game.a, "daily_tasks", sample_body("daily_tasks", date=today, completed=False)
    )
    food = sample_body("meals")["foods"][0]
    meal = sample_body("meals", date=today, foods=[{**food, "calories": 600.0, "protein": 40.0}])
    await game.create(game.a, "meals", meal)
    await game.create(
        game.a,
        "nutrition_goals",
        sample_body("nutrition_goals", date=today, dailyCalories=2200, proteinGrams=150.0),
    )
    goal = await game.create(
        game.a, "study_goals", sample_body("study_goals", status="active", currentValue=0.0)
    )
    # Bob's day, none of which may show on Ada's screen.
    await game.create(game.b, "notes", sample_body("notes", content=WORDS))
    await game.create(game.b, "daily_tasks", done)
    await game.create(game.b, "meals", meal)
    await game.create(game.b, "flashcards", sample_body("flashcards"))
    await game.create(game.b, "study_goals", sample_body("study_goals", currentValue=0.0))
    await game.context.service(Engine).drain()

    board = await _get(game, "dashboard")
    total = 10 + 14 + 5  # the note, the done task (priority 5), the meal
    assert board["level"] == levels.progress(total).as_json()
    assert board["xp"] == {"today": total, "thisWeek": total}
    assert board["streak"] == {"current": 1, "longest": 1, "multiplier": 1.0}
    assert [b["badgeType"] for b in board["recentBadges"]] and all(
        b["userId"] == game.a.id for b in board["recentBadges"]
    )
    assert board["flashcards"]["dueNow"] == 1
    assert (board["tasks"]["done"], board["tasks"]["total"]) == (1, 2)
    assert board["tasks"]["items"][0]["completed"] is False  # what is left comes first
    assert board["nutrition"]["eaten"]["calories"] == 600.0
    assert board["nutrition"]["goal"]["calories"] == 2200
    assert [g["_id"] for g in board["goals"]] == [goal["_id"]]


async def test_the_badge_catalog_shows_every_badge_with_progress(game: Api) -> None:
    await game.create(game.a, "notes", sample_body("notes", content=WORDS))
    await game.context.service(Engine).drain()
    catalog = await _get(game, "badges/catalog")
    assert catalog["total"] >= 30 and catalog["earned"] >= 1
    badges = {b["badgeType"]: b for b in catalog["items"]}
    assert badges["first_note"]["earned"] and badges["first_note"]["earnedAt"]
    assert badges["notes_100"]["progress"] == {"current": 1.0, "target": 100, "percent": 1.0}
    assert not badges["notes_100"]["earned"]
    assert badges["cube_sub20_ao5"]["progress"]["current"] is None
    others = await _get(game, "badges/catalog", game.b)
    assert others["earned"] == 0


async def test_the_leaderboard_ranks_by_xp_over_public_fields_only(game: Api) -> None:
    for _ in range(2):
        await game.create(game.a, "notes", sample_body("notes", content=WORDS))
    await game.create(game.b, "workouts", sample_body("workouts", duration=60))
    await game.context.service(Engine).drain()
    for period in ("week", "month", "all"):
        board = await _get(game, "leaderboard", period=period)
        ranked = [(e["rank"], e["user"]["_id"], e["xp"]) for e in board["items"]]
        assert ranked == [(1, game.b.id, 50), (2, game.a.id, 20)]
        assert board["me"] == {"rank": 2, "xp": 20}
        for entry in board["items"]:
            assert "email" not in entry["user"] and "timezone" not in entry["user"]
    banned = await game.client.patch(
        f"/api/v1/users/{game.b.id}",
        json={"isBanned": True, "reason": "spam"},
        headers=game.admin.headers,
    )
    assert banned.status_code == 200
    board = await _get(game, "leaderboard")
    assert [e["user"]["_id"] for e in board["items"]] == [game.a.id]
    assert board["me"]["rank"] == 1
    wrong = await game.get(game.a, "leaderboard", period="year")
    assert wrong.status_code == 422


async def test_the_rules_are_published_as_data(game: Api) -> None:
    rules = await _get(game, "gamification/rules")
    actions = {a["action"]: a for a in rules["actions"]}
    assert actions["note_created"]["dailyCap"] == 100
    assert rules["levels"][99] == {"level": 100, "totalXP": 290_820}
    assert rules["multiplier"] == {"perFullWeekOfStreak": 0.05, "max": 1.5}


async def test_the_check_command_finds_and_repairs_a_corrupted_total(
    game: Api, monkeypatch: Any
) -> None:
    await game.create(game.a, "workouts", sample_body("workouts", duration=60))
    await game.context.service(Engine).drain()
    async with game.context.store.write() as tx:
        await tx.execute(
            'UPDATE users SET "totalXP" = 99999, "currentLevel" = 40 WHERE "_id" = :me',
            {"me": game.a.id},
        )
    monkeypatch.setenv("WHITECELL_DATABASE_URL", game.context.settings.resolved_database_url)
    monkeypatch.setenv("WHITECELL_DATA_DIR", str(game.context.settings.data_dir))
    runner = CliRunner()

    async def run(*args: str) -> Any:  # the command runs its own event loop: not on this one
        return await asyncio.to_thread(runner.invoke, cli, ["gamification", "check", *args])

    found = await run("--dry-run")
    assert found.exit_code == 1, found.output
    assert "ada@example.com: totalXP is 99999, the XP log says 50" in found.output
    assert "currentLevel is 40, the XP log says 1" in found.output
    repaired = await run()
    assert repaired.exit_code == 0 and "2 wrong value(s) repaired" in repaired.output
    me = (await game.client.get("/api/v1/users/me", headers=game.a.headers)).json()
    assert (me["totalXP"], me["currentLevel"]) == (50, 1)
    clean = await run("--dry-run")
    assert clean.exit_code == 0 and "0 wrong value(s)" in clean.output
