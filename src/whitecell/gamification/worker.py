"""The engine at work in a server process: scoring in the background as changes commit (its
share of the cleanup job is in `jobs.py`)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from typing import Any

from whitecell.core.changes import ChangeEvent
from whitecell.core.config import Settings
from whitecell.core.store import Store
from whitecell.gamification.engine import BATCH, SCORED_TABLES, score_batch

logger = logging.getLogger("whitecell.gamification")


class Engine:
    """Runs `score_batch` in the background of a server process: woken by local commits to
    scored tables, and every `gamification_poll_seconds` for other processes' commits."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store, self.settings = store, settings
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._unsubscribe: Any = None

    def _on_commit(self, events: Sequence[ChangeEvent]) -> None:
        if any(event.table in SCORED_TABLES for event in events):
            self._wake.set()

    def start(self, *, force: bool = False) -> None:
        if not (self.settings.gamification_enabled or force):
            return
        self._unsubscribe = self.store.subscribe(self._on_commit)
        self._task = asyncio.get_running_loop().create_task(self._run(), name="gamification")

    async def stop(self) -> None:
        self._stopping = True
        self._wake.set()
        if self._unsubscribe is not None:
            self._unsubscribe()
        if self._task is not None:
            try:
                await asyncio.wait_for(self._task, timeout=10)
            except (TimeoutError, asyncio.CancelledError):
                self._task.cancel()

    async def wait(self) -> None:
        """Until stopped (the `whitecell gamification run` process)."""
        if self._task is not None:
            await self._task

    async def drain(self) -> None:
        """Score everything committed so far (waits for another scorer to let go)."""
        while await score_batch(self.store, wait=True):
            pass

    async def _run(self) -> None:
        while not self._stopping:
            # Commits from here on wake the next round; those before are this round's to score.
            self._wake.clear()
            try:
                # A batch short of full reached the end of the log, so no round goes on to find
                # it empty (5 statements on PostgreSQL, one per create under load).
                while not self._stopping and await score_batch(self.store) >= BATCH:
                    pass
            except Exception:
                logger.exception("scoring failed; the batch will be scored again")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    self._wake.wait(), timeout=self.settings.gamification_poll_seconds
                )
