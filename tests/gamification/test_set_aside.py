"""One change-log row the engine cannot score never stops scoring for anybody else: it is set
aside (logged once, with its seq), listed by `whitecell gamification check`, and scored again
by `whitecell gamification retry` once its cause is fixed (core/consumers.py)."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import sqlite3
from typing import Any

import psycopg
import pytest
from click.testing import CliRunner, Result

from tests.mind.cube_bodies import timed_body
from tests.samples import sample_body
from tests.support import Api, Person
from whitecell.cli.main import cli
from whitecell.gamification import rules
from whitecell.gamification.engine import CONSUMER, retry_set_aside, set_aside
from whitecell.gamification.worker import Engine

WORDS = "The mitochondria is the powerhouse of the cell and makes most of its ATP."
# What issue 10 item 1 stored for the date 0999-06-01T00:00:00Z on SQLite (strftime, unpadded).
ITEM_1_DATE = "999-06-01 T0:00:00.0000Z"


async def _drain(api: Api) -> None:
    await api.context.service(Engine).drain()


async def _total_xp(api: Api, who: Person) -> int:
    me = await api.client.get("/api/v1/users/me", headers=who.headers)
    return int(me.json()["totalXP"])


async def _actions(api: Api, who: Person) -> list[str]:
    response = await api.get(who, "xp_logs", limit=100)
    return sorted(row["action"] for row in response.json()["items"])


async def _offset(api: Api) -> int:
    async with api.context.store.read() as tx:
        seq = await tx.scalar("SELECT seq FROM consumer_offsets WHERE name = :n", {"n": CONSUMER})
    return int(seq or 0)


async def _seq_of(api: Api, doc_id: str) -> int:
    async with api.context.store.read() as tx:
        return int(
            await tx.scalar('SELECT max(seq) FROM change_log WHERE "docId" = :id', {"id": doc_id})
        )


def _break_notes(monkeypatch: pytest.MonkeyPatch, bad_id: str, error: Exception) -> None:
    """The note rule raises `error` for one note: outside any guard a rule has of its own."""
    note_rule = next(r for r in rules.RULES_BY_TABLE["notes"] if r.action == "note_created")

    def xp(note: dict[str, Any]) -> int:
        if note["_id"] == bad_id:
            raise type(error)(*error.args)
        return note_rule.xp(note)

    monkeypatch.setitem(rules.RULES_BY_TABLE, "notes", [dataclasses.replace(note_rule, xp=xp)])


async def _cli(api: Api, monkeypatch: pytest.MonkeyPatch, *args: str) -> Result:
    monkeypatch.setenv("WHITECELL_DATABASE_URL", api.context.settings.resolved_database_url)
    monkeypatch.setenv("WHITECELL_DATA_DIR", str(api.context.settings.data_dir))
    # The command runs its own event loop: not on this one.
    return await asyncio.to_thread(CliRunner().invoke, cli, ["gamification", *args])


async def test_a_row_the_engine_cannot_score_is_set_aside_and_everyone_else_keeps_earning(
    game: Api, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    bad = await game.create(game.a, "notes", sample_body("notes", content=WORDS))
    _break_notes(monkeypatch, bad["_id"], RuntimeError("cannot read this note"))
    # In the same batch as the bad row, and after it.
    await game.create(game.b, "workouts", sample_body("workouts", duration=30))
    await game.create(game.a, "workouts", sample_body("workouts", duration=30))
    with caplog.at_level(logging.ERROR, logger="whitecell.changelog"):
        await _drain(game)
        # Later writes, later rounds: still earning, and the bad row is not met again.
        await game.create(game.b, "notes", sample_body("notes", content=WORDS))
        await _drain(game)
        await _drain(game)
    assert await _actions(game, game.b) == ["note_created", "workout_logged"]
    assert await _total_xp(game, game.b) == 10 + 35
    assert await _actions(game, game.a) == ["workout_logged"]
    [letter] = await set_aside(game.context.store)
    seq = await _seq_of(game, bad["_id"])
    assert (letter.seq, letter.table, letter.doc_id, letter.user_id) == (
        seq,
        "notes",
        bad["_id"],
        game.a.id,
    )
    assert letter.attempts == 1 and "RuntimeError: cannot read this note" in letter.error
    logged = [r for r in caplog.records if f"change-log row {seq} " in r.getMessage()]
    assert len(logged) == 1  # once, not on every round
    assert await _offset(game) >= await _seq_of(game, bad["_id"])


async def test_the_check_command_lists_a_row_set_aside_and_retry_scores_it_once_fixed(
    game: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = await game.create(game.a, "notes", sample_body("notes", content=WORDS))
    await game.create(game.b, "workouts", sample_body("workouts", duration=30))
    with monkeypatch.context() as broken:
        _break_notes(broken, bad["_id"], KeyError("noSuchField"))
        await _drain(game)
        seq = await _seq_of(game, bad["_id"])
        checked = await _cli(game, monkeypatch, "check", "--dry-run")
        assert checked.exit_code == 1, checked.output
        assert f"set aside: seq {seq}: insert of notes {bad['_id']}" in checked.output
        assert "KeyError" in checked.output and "1 change-log row(s) set aside" in checked.output
        still = await _cli(game, monkeypatch, "retry", "--seq", str(seq))
        assert still.exit_code == 1 and f"still fails: seq {seq}" in still.output
        [letter] = await set_aside(game.context.store)
        assert letter.attempts == 2
    # The cause is fixed (here: the rule is itself again).
    retried = await _cli(game, monkeypatch, "retry", "--all")
    assert retried.exit_code == 0, retried.output
    assert f"scored seq {seq}" in retried.output and "1 scored, 0 still set aside" in retried.output
    assert await set_aside(game.context.store) == []
    assert await _actions(game, game.a) == ["note_created"]
    assert await _total_xp(game, game.a) == 10
    clean = await _cli(game, monkeypatch, "check", "--dry-run")
    assert clean.exit_code == 0, clean.output
    assert "set aside" not in clean.output


async def test_a_cube_time_dated_as_issue_10_item_1_stored_it_stops_no_one(game: Api) -> None:
    if not game.context.store.dialect.is_sqlite:
        pytest.skip("only SQLite's text timestamps could hold that value")
    good = await game.create(game.a, "cube_times", await timed_body(game, game.a, time=30_000))
    await _drain(game)
    bad = await game.create(game.a, "cube_times", await timed_body(game, game.a, time=1000))
    async with game.context.store.write() as tx:
        stored = await tx.scalar(
            'SELECT "date" FROM cube_times WHERE "_id" = :id', {"id": good["_id"]}
        )
        await tx.execute(
            'UPDATE cube_times SET "date" = :date WHERE "_id" = :id',
            {"date": ITEM_1_DATE, "id": bad["_id"]},
        )
    await game.create(game.b, "workouts", sample_body("workouts", duration=30))
    await _drain(game)
    await game.create(game.b, "workouts", sample_body("workouts", duration=60))
    await _drain(game)
    assert await _actions(game, game.b) == ["workout_logged"] * 2  # both, after the bad row
    [letter] = await set_aside(game.context.store)
    assert letter.doc_id == bad["_id"] and letter.table == "cube_times"
    # The operator repairs the row, then scores it again.
    async with game.context.store.write() as tx:
        await tx.execute(
            'UPDATE cube_times SET "date" = :date WHERE "_id" = :id',
            {"date": stored, "id": bad["_id"]},
        )
    [result] = await retry_set_aside(game.context.store, seq=letter.seq)
    assert result.error is None
    assert await set_aside(game.context.store) == []
    assert (await _actions(game, game.a)).count("cube_solve") == 2


@pytest.mark.parametrize(
    "error",
    [sqlite3.OperationalError("database is locked"), psycopg.OperationalError("connection lost")],
    ids=["sqlite-locked", "postgres-connection-lost"],
)
async def test_a_database_error_sets_nothing_aside_and_the_batch_is_scored_again(
    game: Api, monkeypatch: pytest.MonkeyPatch, error: Exception
) -> None:
    note = await game.create(game.a, "notes", sample_body("notes", content=WORDS))
    offset = await _offset(game)
    with monkeypatch.context() as down:
        _break_notes(down, note["_id"], error)
        with pytest.raises(type(error)):
            await _drain(game)
    assert await set_aside(game.context.store) == []
    assert await _offset(game) == offset
    await _drain(game)  # the database is back
    assert await _actions(game, game.a) == ["note_created"]


@pytest.mark.parametrize(
    "error",
    [
        sqlite3.OperationalError("too many SQL variables"),
        psycopg.errors.ProgramLimitExceeded("index row size exceeds maximum"),
    ],
    ids=["sqlite-too-many-variables", "postgres-program-limit"],
)
async def test_a_statement_limit_one_row_hits_is_the_rows_and_sets_it_aside(
    game: Api, monkeypatch: pytest.MonkeyPatch, error: Exception
) -> None:
    bad = await game.create(game.a, "notes", sample_body("notes", content=WORDS))
    await game.create(game.b, "notes", sample_body("notes", content=WORDS))
    _break_notes(monkeypatch, bad["_id"], error)
    await _drain(game)
    assert await _actions(game, game.b) == ["note_created"]
    assert [letter.doc_id for letter in await set_aside(game.context.store)] == [bad["_id"]]
