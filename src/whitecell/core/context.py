"""What a running server holds: settings, the data store, mailer, rate limiter (and the write
limits' leases on it), periodic jobs, and the services the layers above add (the live feed, the
XP engine: `whitecell/server.py` wires them; core does not know them by name)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

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
from whitecell.core.writelimits import WriteLimits

T = TypeVar("T")
Step = Callable[[], Awaitable[None]]


@dataclass
class AppContext:
    settings: Settings
    store: Store
    mailer: Mailer
    limiter: RateLimiter
    expected_revisions: set[str]
    storage: Storage
    reaper: FileReaper
    write_limits: WriteLimits
    jobs: list[PeriodicJob] = field(default_factory=list)
    _services: dict[type, Any] = field(default_factory=dict, repr=False)
    _lifecycle: list[tuple[Step, Step]] = field(default_factory=list, repr=False)
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
            storage=storage,
            reaper=FileReaper(storage),
            write_limits=WriteLimits(limiter, settings),
        )

    def add(self, service: T, start: Step, stop: Step) -> T:
        """Hold `service` (one of its kind), started after the store and stopped before it."""
        self._services[type(service)] = service
        self._lifecycle.append((start, stop))
        return service

    def service(self, kind: type[T]) -> T:
        """The running service of `kind` that the wiring added (KeyError when there is none)."""
        return cast(T, self._services[kind])

    async def start(self) -> None:
        await self.store.open()
        self._stop_reaping = self.store.subscribe(self.reaper)
        self.mailer.start()
        for start, _stop in self._lifecycle:
            await start()
        for job in self.jobs:
            job.start()

    async def stop(self) -> None:
        for job in self.jobs:
            await job.stop()
        for _start, stop in reversed(self._lifecycle):
            await stop()
        self._stop_reaping()
        await self.reaper.drain()
        await self.mailer.stop()
        await self.limiter.close()
        await self.store.close()


async def get_context(request: Request) -> AppContext:
    # async: FastAPI would run a plain function in a worker thread, a hop on every request.
    context: AppContext = request.app.state.context
    return context
