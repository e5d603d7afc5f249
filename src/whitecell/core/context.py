"""What a running server holds: settings, the data store, mailer, rate limiter, periodic jobs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from fastapi import Request

from whitecell.core.config import Settings
from whitecell.core.files import FileReaper
from whitecell.core.jobs import PeriodicJob
from whitecell.core.mail import Mailer
from whitecell.core.migrations import head_revisions
from whitecell.core.ratelimit import (
    DatabaseRateLimiter,
    DisabledRateLimiter,
    RateLimiter,
    RedisRateLimiter,
)
from whitecell.core.storage import Storage, open_storage
from whitecell.core.store import Store
from whitecell.gamification.worker import Engine
from whitecell.realtime.feed import Feed


@dataclass
class AppContext:
    settings: Settings
    store: Store
    mailer: Mailer
    limiter: RateLimiter
    expected_revisions: set[str]
    feed: Feed
    storage: Storage
    reaper: FileReaper
    gamification: Engine
    jobs: list[PeriodicJob] = field(default_factory=list)
    _stop_reaping: Callable[[], None] = field(default=lambda: None, repr=False)

    @classmethod
    def create(cls, settings: Settings) -> AppContext:
        store = Store(settings.resolved_database_url, pool_size=settings.database_pool_size)
        limiter: RateLimiter
        if not settings.rate_limit_enabled:
            limiter = DisabledRateLimiter()
        elif settings.redis_url:
            limiter = RedisRateLimiter(settings.redis_url)
        else:
            limiter = DatabaseRateLimiter(store)
        storage = open_storage(settings)
        return cls(
            settings=settings,
            store=store,
            mailer=Mailer(settings),
            limiter=limiter,
            expected_revisions=head_revisions(settings.resolved_database_url),
            feed=Feed(store, settings),
            storage=storage,
            reaper=FileReaper(storage),
            gamification=Engine(store, settings),
        )

    async def start(self) -> None:
        await self.store.open()
        self._stop_reaping = self.store.subscribe(self.reaper)
        self.mailer.start()
        await self.feed.start()
        self.gamification.start()
        for job in self.jobs:
            job.start()

    async def stop(self) -> None:
        for job in self.jobs:
            await job.stop()
        await self.gamification.stop()
        await self.feed.stop()
        self._stop_reaping()
        await self.reaper.drain()
        await self.mailer.stop()
        await self.limiter.close()
        await self.store.close()


async def get_context(request: Request) -> AppContext:
    # async: FastAPI would run a plain function in a worker thread, a hop on every request.
    context: AppContext = request.app.state.context
    return context
