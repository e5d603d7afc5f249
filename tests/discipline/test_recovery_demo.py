"""`whitecell demo`: the recovery check-ins' streaks come from the engine, a relapse entered a
day late included."""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, text

from whitecell.cli.main import cli
from whitecell.demo import DEFAULT_EMAIL
from whitecell.discipline.rules import recovery_streaks


async def test_the_demo_check_ins_carry_the_engines_streaks(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sync_engine: Engine
) -> None:
    monkeypatch.setenv("WHITECELL_DATABASE_URL", database_url)
    monkeypatch.setenv("WHITECELL_DATA_DIR", str(tmp_path))
    # The CLI runs its own event loop: give it a thread.
    made = await asyncio.to_thread(CliRunner().invoke, cli, ["demo"], catch_exceptions=False)
    assert made.exit_code == 0, made.output
    with sync_engine.connect() as connection:
        rows = connection.execute(
            text(
                'SELECT "date", relapsed, "currentStreak", "longestStreak" FROM pmo_tracker '
                'WHERE "userId" = (SELECT "_id" FROM users WHERE email = :email) ORDER BY "date"'
            ),
            {"email": DEFAULT_EMAIL},
        ).all()
    days = [(date.fromisoformat(str(r[0])[:10]), bool(r[1])) for r in rows]
    assert sum(relapsed for _, relapsed in days) == 1
    assert [(int(r[2]), int(r[3])) for r in rows] == recovery_streaks(days)
    after = days.index(next(d for d in days if d[1])) + 1
    assert int(rows[after][2]) == (days[after][0] - days[after - 1][0]).days  # counted afresh
