"""The coach as a running service of a server process: its model provider (None: the offline
coach) and the turns being answered. A turn runs as a task of its own, so a reply once asked
for is finished and stored even when the client that asked goes away (docs/ai.md)."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from whitecell.ai.provider import Provider, provider_from
from whitecell.core.config import Settings

# On shutdown, turns still being answered get this long to finish and be stored.
DRAIN_SECONDS = 10.0


class Coach:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.provider: Provider | None = None
        self._turns: set[asyncio.Task[Any]] = set()

    async def start(self) -> None:
        self.provider = provider_from(self.settings)

    async def stop(self) -> None:
        if self._turns:
            _done, pending = await asyncio.wait(self._turns, timeout=DRAIN_SECONDS)
            for task in pending:
                task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.gather(*pending, return_exceptions=True)
        if self.provider is not None:
            await self.provider.aclose()
            self.provider = None

    def keep(self, task: asyncio.Task[Any]) -> asyncio.Task[Any]:
        """Hold a turn's task until it ends (the event loop keeps only weak references)."""
        self._turns.add(task)
        task.add_done_callback(self._turns.discard)
        task.add_done_callback(_retrieved)
        return task


def _retrieved(task: asyncio.Task[Any]) -> None:
    """Mark a turn's failure seen: its client (gone, maybe) was told, or will never be."""
    if not task.cancelled():
        task.exception()
