"""Fixed-window rate limits whose counts every server process shares.

Counts live in the database (one atomic upsert per hit) or, when `WHITECELL_REDIS_URL` is set, in
Redis. A fixed window can admit up to twice the limit across a window boundary; the limits in
`Settings` are chosen with that in mind (docs/security.md).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import String, case, delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.dml import ReturningInsert

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
    async def hit(self, rules: Sequence[Rule]) -> int:
        """Count one request against every rule at once; 0 if allowed, else seconds to wait."""
        ...

    async def close(self) -> None: ...


class DatabaseRateLimiter:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._insert = sqlite_insert if db.is_sqlite else pg_insert

    async def hit(self, rules: Sequence[Rule]) -> int:
        now = utcnow()
        waits = [0]
        async with self._db.writing() as session:  # one transaction for all the rules
            for rule in rules:
                hits, expires_at = (await session.execute(self._upsert(rule, now))).one()
                if hits > rule.limit:
                    waits.append(max(1, math.ceil((expires_at - now).total_seconds())))
        return max(waits)

    def _upsert(self, rule: Rule, now: datetime) -> ReturningInsert[int, datetime]:
        window = timedelta(seconds=rule.window_seconds)
        counter = RateLimitCounter
        stale = counter.windowStart <= now - window
        upsert = self._insert(counter).values(
            key=rule.key, windowStart=now, hits=1, expiresAt=now + window
        )
        return upsert.on_conflict_do_update(
            index_elements=[counter.key],
            set_={
                "hits": case((stale, 1), else_=counter.hits + 1),
                "windowStart": case((stale, now), else_=counter.windowStart),
                "expiresAt": case((stale, now + window), else_=counter.expiresAt),
            },
        ).returning(counter.hits, counter.expiresAt)

    async def close(self) -> None:
        return None


class RedisRateLimiter:
    def __init__(self, url: str) -> None:
        import redis.asyncio as redis

        self._redis = redis.from_url(url)

    async def hit(self, rules: Sequence[Rule]) -> int:
        async with self._redis.pipeline(transaction=True) as pipe:
            for rule in rules:
                key = f"whitecell:rl:{rule.key}"
                pipe.set(key, 0, ex=rule.window_seconds, nx=True)
                pipe.incr(key)
                pipe.ttl(key)
            replies = await pipe.execute()
        waits = [0]
        for index, rule in enumerate(rules):
            hits, ttl = replies[3 * index + 1], replies[3 * index + 2]
            if hits > rule.limit:
                waits.append(max(1, int(ttl)))
        return max(waits)

    async def close(self) -> None:
        await self._redis.aclose()


class DisabledRateLimiter:
    async def hit(self, rules: Sequence[Rule]) -> int:
        return 0

    async def close(self) -> None:
        return None


async def enforce(limiter: RateLimiter, *rules: Rule) -> None:
    """Count the request against every rule; 429 with `Retry-After` if any is exceeded."""
    wait = await limiter.hit(rules)
    if wait:
        raise TooManyRequests(wait)


async def delete_expired_counters(db: Database) -> int:
    async with db.writing() as session:
        result = await session.execute(
            delete(RateLimitCounter).where(RateLimitCounter.expiresAt <= utcnow())
        )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
