"""`whitecell demo`: an account a newcomer signs in to as printed, with data in every module."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner, Result
from sqlalchemy import Engine, text

from tests.helpers import bearer
from tests.support import ClientFactory
from whitecell.cli.main import cli
from whitecell.core.clock import local_today, utcnow
from whitecell.core.consumers import LogRow
from whitecell.demo import DEFAULT_EMAIL, DEFAULT_PASSWORD, service
from whitecell.demo.service import demo_tables
from whitecell.demo.writer import Timeline, Writer
from whitecell.discipline.rules import stack_streaks
from whitecell.gamification import engine
from whitecell.mind.corpus import shipped_quotes

Run = Callable[..., Result]


@pytest.fixture
def run(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Run:
    monkeypatch.setenv("WHITECELL_DATABASE_URL", database_url)
    monkeypatch.setenv("WHITECELL_DATA_DIR", str(tmp_path))
    # Both runs of a test see the same "now", so a meal due this very minute cannot make the
    # second run differ from the first.
    frozen = utcnow()
    monkeypatch.setattr("whitecell.demo.writer.utcnow", lambda: frozen)

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(cli, list(args), catch_exceptions=False)

    return invoke


async def in_thread(run: Run, *args: str) -> Result:
    """The CLI runs its own event loop: give it a thread."""
    return await asyncio.to_thread(run, *args)


async def totals(client: httpx.AsyncClient, token: str) -> dict[str, int]:
    """Rows per demo table, as the demo user reads them through the API."""
    counts = {}
    for table in demo_tables():
        response = await client.get(f"/api/v1/{table}?count=true&limit=1", headers=bearer(token))
        assert response.status_code == 200, (table, response.text)
        counts[table] = response.json()["total"]
    return counts


async def items(client: httpx.AsyncClient, token: str, path: str) -> list[dict[str, Any]]:
    response = await client.get(f"/api/v1/{path}", headers=bearer(token))
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["items"]
    return found


async def test_demo_signs_in_as_printed_and_fills_every_module(
    run: Run, make_client: ClientFactory, sync_engine: Engine
) -> None:
    first = await in_thread(run, "demo")
    assert first.exit_code == 0, first.output
    token = re.search(r"export TOKEN=(\S+)", first.output)
    assert token is not None
    assert f'"password": "{DEFAULT_PASSWORD}"' in first.output
    client = await make_client()

    # The printed password works, and so does the printed token.
    login = await client.post(
        "/api/v1/auth/password", json={"email": DEFAULT_EMAIL, "password": DEFAULT_PASSWORD}
    )
    assert login.status_code == 200, login.text
    me = (await client.get("/api/v1/users/me", headers=bearer(token[1]))).json()
    assert me["email"] == DEFAULT_EMAIL and me["hasPassword"] and me["timezone"] == "Europe/London"
    assert me["totalXP"] > 0 and me["currentLevel"] > 1 and me["longestStreak"] > 0

    counts = await totals(client, login.json()["token"])
    assert all(counts.values()), {t: n for t, n in counts.items() if not n}

    # A living system, not placeholders: a few module-specific looks.
    notes = await items(client, token[1], "notes?limit=100")
    assert any(n["linkedNotes"] for n in notes) and all(n["wordCount"] > 30 for n in notes)
    assert {n["createdAt"][:10] for n in notes} != {notes[0]["createdAt"][:10]}  # weeks, not now
    cards = await items(client, token[1], "flashcards?limit=100")
    assert sum(c["sourceNoteId"] is not None for c in cards) > len(cards) // 2
    workouts = await items(client, token[1], "workouts?type=strength")
    assert workouts and all(w["exercises"] for w in workouts)
    tasks = await items(client, token[1], "daily_tasks?completed=true&limit=5")
    assert tasks and all(t["completedAt"] for t in tasks)
    quizzes = await items(client, token[1], "quizzes")
    assert {q["score"] for q in quizzes} - {100.0}  # the server graded real answers
    records = await items(client, token[1], "personal_records?exercise=Deadlift")
    assert any(r["previousPR"] is not None for r in records)
    saved = await items(client, token[1], "stoic_quotes?theme=control&limit=100")
    assert len(saved) >= 10 and any(q["savedBy"] == [me["_id"]] for q in saved)

    # Running it again replaces the account: the old token dies, one account, the same data.
    second = await in_thread(run, "demo")
    assert second.exit_code == 0, second.output
    assert (await client.get("/api/v1/users/me", headers=bearer(token[1]))).status_code == 401
    again = re.search(r"export TOKEN=(\S+)", second.output)
    assert again is not None
    assert await totals(client, again[1]) == counts
    assert "0 added to the corpus" in second.output
    with sync_engine.connect() as connection:
        users = connection.execute(
            text("SELECT count(*) FROM users WHERE email = :email"), {"email": DEFAULT_EMAIL}
        ).scalar_one()
        quotes = connection.execute(text("SELECT count(*) FROM stoic_quotes")).scalar_one()
    assert users == 1 and quotes == len(shipped_quotes())  # the shipped corpus, once


def test_demo_never_replaces_a_real_account(run: Run) -> None:
    assert run("users", "create-admin", "someone@example.com").exit_code == 0
    refused = run("demo", "--email", "someone@example.com")
    assert refused.exit_code == 1
    assert "did not create" in refused.output


def test_demo_refuses_an_address_the_sign_in_endpoints_would_refuse(run: Run) -> None:
    refused = run("demo", "--email", "demo@whitecell.local")
    assert refused.exit_code == 2
    assert "--email" in refused.output


def scored(sync_engine: Engine) -> dict[str, Any]:
    """The demo account's XP, streaks and badges as the database holds them."""
    with sync_engine.connect() as connection:
        me = {"email": DEFAULT_EMAIL}
        owner = 'WHERE "userId" = (SELECT "_id" FROM users WHERE email = :email)'
        found: dict[str, Any] = {
            table: connection.execute(text(f"SELECT count(*) FROM {table} {owner}"), me).scalar()
            for table in ("xp_logs", "streaks", "badges")
        }
        found["totalXP"] = connection.execute(
            text('SELECT "totalXP" FROM users WHERE email = :email'), me
        ).scalar()
    return found


def test_a_server_scoring_beside_the_demo_pays_its_past_once(
    run: Run, sync_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("demo").exit_code == 0
    alone = scored(sync_engine)
    live: list[int] = []

    async def engine_scores_the_committed_modules(w: Writer, t: Timeline, rng: Any) -> None:
        """A running server's engine, getting to the module rows before the demo's XP step."""
        rows = await w.tx.all(
            'SELECT seq, "table", op, "docId", "userId", previous, "committedAt" FROM change_log '
            'WHERE "userId" = :me ORDER BY seq',
            {"me": w.caller.id},
        )
        await engine.score_rows(w.tx, [LogRow(int(row[0]), *row[1:]) for row in rows])
        live.append(
            await w.tx.scalar(
                'SELECT count(*) FROM xp_logs WHERE "userId" = :me', {"me": w.caller.id}
            )
        )

    monkeypatch.setattr(
        "whitecell.demo.service.MODULES",
        (*service.MODULES, ("engine", engine_scores_the_committed_modules)),
    )
    assert run("demo").exit_code == 0
    assert live and live[0] > 0  # the engine did pay the rows it saw...
    assert scored(sync_engine) == alone  # ...and the account still holds its past once


async def test_demo_habit_stacks_are_ticked_day_by_day_and_their_streaks_are_the_rule_s(
    run: Run, make_client: ClientFactory
) -> None:
    done = await in_thread(run, "demo")
    token = re.search(r"export TOKEN=(\S+)", done.output)
    assert token is not None
    client = await make_client()
    me = (await client.get("/api/v1/users/me", headers=bearer(token[1]))).json()
    today = local_today(me["timezone"])
    stacks = await items(client, token[1], "habit_stacks")
    assert len(stacks) == 3 and any(s["habitsDone"] for s in stacks)  # some days partly done
    for stack in stacks:
        days = [date.fromisoformat(d) for d in stack["completedDates"]]
        assert len(days) >= 5 and stack["completedDates"] == sorted(stack["completedDates"])
        assert (stack["currentStreak"], stack["longestStreak"]) == stack_streaks(days, today)
    paid = await items(client, token[1], "xp_logs?action=habit_stack_completed&limit=100")
    assert sum(x["baseXP"] for x in paid) == 15 * sum(len(s["completedDates"]) for s in stacks)
    badges = await items(client, token[1], "badges?limit=100")
    assert "first_habit_stack" in {b["badgeType"] for b in badges}
