"""`whitecell gamification run`: scoring in a process of its own, beside API processes that
do not score (WHITECELL_GAMIFICATION_ENABLED=false)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys

from tests.samples import sample_body
from tests.support import Api

WORDS = "Ten words or more make this note worth some XP today, truly."


async def test_a_dedicated_process_scores_what_the_api_processes_write(game: Api) -> None:
    settings = game.context.settings
    env = {
        **os.environ,
        "WHITECELL_DATABASE_URL": settings.resolved_database_url,
        "WHITECELL_DATA_DIR": str(settings.data_dir),
        "WHITECELL_GAMIFICATION_POLL_SECONDS": "0.2",
        "WHITECELL_GAMIFICATION_ENABLED": "false",  # the command scores regardless
    }
    scorer = subprocess.Popen(  # noqa: ASYNC220 (started, not waited for, until the end)
        [sys.executable, "-m", "whitecell", "gamification", "run"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        await game.create(game.a, "notes", sample_body("notes", content=WORDS))
        for _ in range(100):
            me = (await game.client.get("/api/v1/users/me", headers=game.a.headers)).json()
            if me["totalXP"]:
                break
            await asyncio.sleep(0.1)
        assert me["totalXP"] == 10 and me["currentStreak"] == 1
    finally:
        scorer.send_signal(signal.SIGINT)
        try:
            output, _ = scorer.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            # Never left running: it would go on scoring the database the next tests share.
            scorer.kill()
            output, _ = scorer.communicate()
            raise AssertionError(f"not stopped 30 s after SIGINT: {output.decode()}") from None
    assert scorer.returncode == 0, output.decode()
    assert b"scoring the change log" in output
