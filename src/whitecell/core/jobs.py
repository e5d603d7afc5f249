"""Periodic in-process jobs (cleanup): each a task that runs, sleeps and survives its failures."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

logger = logging.getLogger("whitecell.jobs")


class PeriodicJob:
    def __init__(self, name: str, interval_seconds: float, run: Callable[[], Awaitable[object]]):
        self.name = name
        self.interval = interval_seconds
        self._run = run
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name=f"whitecell-job-{self.name}")

    async def stop(self) -> None:
        if self._task is None:
            return
        # The flag ends the loop even if a driver swallowed the cancellation mid-query.
        self._stopping.set()
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None

    async def _loop(self) -> None:
        while not self._stopping.is_set():
            try:
                result = await self._run()
                logger.info("job %s finished: %s", self.name, result)
            except Exception:
                logger.exception("job %s failed; it will run again", self.name)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self.interval)
