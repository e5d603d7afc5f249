"""`whitecell demo`: the recovery check-ins' streaks come from the engine, a relapse entered a
day late included."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine, text

from tests.cli.test_demo import Run, in_thread, run
from whitecell.demo import DEFAULT_EMAIL
from whitecell.discipline.rules import recovery_streaks

__all__ = ["run"]


async def test_the_demo_check_ins_carry_the_engines_streaks(run: Run, sync_engine: Engine) -> None:
    made = await in_thread(run, "demo")
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
