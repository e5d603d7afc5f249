"""The running server, wired once for `app.py` and the CLI: the context core provides, plus the
services of the layers above it (the live feed, the XP engine, the AI coach) and the periodic jobs.

Core cannot build these itself: it would import the floors above it (style.md, "Floors").
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import anyio
from prometheus_client.registry import Collector

from whitecell.ai.service import Coach
from whitecell.auth.remembered import RememberedSignIns
from whitecell.cleanup import cleanup
from whitecell.core.backup import scheduled_backup
from whitecell.core.collectors import ChangeLogCollector, JobCollector, PoolCollector
from whitecell.core.config import Settings
from whitecell.core.context import AppContext
from whitecell.core.jobs import PeriodicJob
from whitecell.gamification.worker import Engine
from whitecell.realtime.feed import Feed
from whitecell.realtime.metrics import FeedCollector
from whitecell.system.flags import FlagBook

T = TypeVar("T")


def create_context(settings: Settings) -> AppContext:
    """Everything a server process runs, not yet started (`await context.start()`)."""
    context = AppContext.create(settings)
    sign_ins = RememberedSignIns(context.store, settings.session_cache_seconds)
    context.add(sign_ins, sign_ins.start, sign_ins.stop)
    feed = Feed(context.store, settings)
    context.add(feed, feed.start, feed.stop)
    engine = Engine(context.store, settings)

    async def start_engine() -> None:
        engine.start()

    context.add(engine, start_engine, engine.stop)
    coach = Coach(settings)
    context.add(coach, coach.start, coach.stop)
    flags = FlagBook(context.store)
    feed.listeners.append(flags.forget)  # a flag changed in another process: read them again
    context.add(flags, flags.start, flags.stop)
    context.jobs.append(
        PeriodicJob("cleanup", settings.cleanup_interval_seconds, lambda: cleanup(context))
    )
    if settings.backup_dir:
        # Checked hourly (or more often for a shorter interval); a backup is taken only when the
        # newest is `backup_interval_hours` old, so restarts do not pile up backups.
        every = min(3600.0, settings.backup_interval_hours * 3600)
        context.jobs.append(
            PeriodicJob(
                "backup", every, lambda: anyio.to_thread.run_sync(scheduled_backup, settings)
            )
        )
    return context


def collectors(context: AppContext) -> list[Collector]:
    """What `/metrics` reads from a running server (docs/operations.md, "Metrics"); the XP
    engine's lag is its offset in the database, the live feed's its position in memory."""
    feed = context.service(Feed)
    return [
        PoolCollector(context.store),
        JobCollector(context.jobs),
        ChangeLogCollector(context.store, {"realtime": lambda: feed.delivered}),
        FeedCollector(feed),
    ]


def run_with_context(settings: Settings, work: Callable[[AppContext], Awaitable[T]]) -> T:
    """Run `work(context)` against the configured database, outside any server (CLI commands):
    the store is open, the services are not started."""

    async def run() -> T:
        context = create_context(settings)
        await context.store.open()
        try:
            return await work(context)
        finally:
            await context.store.close()

    return asyncio.run(run())
