"""Periodic in-process jobs (cleanup): each a task that runs, sleeps and survives its failures,
and keeps the figures of its runs that `/metrics` shows (core/collectors.py)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable

logger = logging.getLogger("whitecell.jobs")


class PeriodicJob:
    def __init__(self, name: str, interval_seconds: float, run: Callable[[], Awaitable[object]]):
        self.name = name
        self.interval = interval_seconds
        self._run = run
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()
        self.runs = 0  # finished, whether they succeeded or failed
        self.failures = 0
        self.last_seconds = 0.0  # how long the last run took
        self.last_success: float | None = None  # Unix time the last successful run ended

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
            started = time.perf_counter()
            try:
                result = await self._run()
                self.last_success = time.time()
                logger.info("job %s finished: %s", self.name, result)
            except Exception:
                self.failures += 1
                logger.exception("job %s failed; it will run again", self.name)
            self.runs += 1
            self.last_seconds = time.perf_counter() - started
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self.interval)
