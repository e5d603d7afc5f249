"""Fixed-window rate limits whose counts every server process shares.

Counts live in the database (one atomic upsert per hit) or, when `WHITECELL_REDIS_URL` is set, in
Redis. A fixed window can admit up to twice the limit across a window boundary; the limits in
`Settings` are chosen with that in mind (docs/security.md).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import String, case, delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, mapped_column

from whitecell.core.clock import utcnow
from whitecell.core.db import Base, Database
from whitecell.core.errors import TooManyRequests


class RateLimitCounter(Base):
    """One window's count for one key (`otp:email:...`, `login:ip:...`)."""

    __tablename__ = "rate_limits"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    windowStart: Mapped[datetime]
    hits: Mapped[int]
    expiresAt: Mapped[datetime] = mapped_column(index=True)


@dataclass(frozen=True)
class Rule:
    key: str
    limit: int
    window_seconds: int


class RateLimiter(Protocol):
    async def hit(self, rule: Rule) -> int:
        """Count one request; return 0 if allowed, else the seconds until it would be."""
        ...

    async def close(self) -> None: ...


class DatabaseRateLimiter:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._insert = sqlite_insert if db.is_sqlite else pg_insert

    async def hit(self, rule: Rule) -> int:
        now = utcnow()
        window = timedelta(seconds=rule.window_seconds)
        counter = RateLimitCounter
        stale = counter.windowStart <= now - window
        upsert = self._insert(counter).values(
            key=rule.key, windowStart=now, hits=1, expiresAt=now + window
        )
        statement = upsert.on_conflict_do_update(
            index_elements=[counter.key],
            set_={
                "hits": case((stale, 1), else_=counter.hits + 1),
                "windowStart": case((stale, now), else_=counter.windowStart),
                "expiresAt": case((stale, now + window), else_=counter.expiresAt),
            },
        ).returning(counter.hits, counter.expiresAt)
        async with self._db.writing() as session:
            hits, expires_at = (await session.execute(statement)).one()
        if hits <= rule.limit:
            return 0
        return max(1, math.ceil((expires_at - now).total_seconds()))

    async def close(self) -> None:
        return None


class RedisRateLimiter:
    def __init__(self, url: str) -> None:
        import redis.asyncio as redis

        self._redis = redis.from_url(url)

    async def hit(self, rule: Rule) -> int:
        key = f"whitecell:rl:{rule.key}"
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.set(key, 0, ex=rule.window_seconds, nx=True)
            pipe.incr(key)
            pipe.ttl(key)
            _, hits, ttl = await pipe.execute()
        if hits <= rule.limit:
            return 0
        return max(1, int(ttl))

    async def close(self) -> None:
        await self._redis.aclose()


class DisabledRateLimiter:
    async def hit(self, rule: Rule) -> int:
        return 0

    async def close(self) -> None:
        return None


async def enforce(limiter: RateLimiter, *rules: Rule) -> None:
    """Count the request against every rule; 429 with `Retry-After` if any is exceeded."""
    waits = [await limiter.hit(rule) for rule in rules]
    if max(waits, default=0):
        raise TooManyRequests(max(waits))


async def delete_expired_counters(db: Database) -> int:
    async with db.writing() as session:
        result = await session.execute(
            delete(RateLimitCounter).where(RateLimitCounter.expiresAt <= utcnow())
        )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
