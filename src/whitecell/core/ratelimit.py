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

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from whitecell.core.clock import utcnow
from whitecell.core.db import Base
from whitecell.core.errors import TooManyRequests
from whitecell.core.store import Store


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
    def __init__(self, store: Store) -> None:
        self._store = store

    async def hit(self, rules: Sequence[Rule]) -> int:
        now = utcnow()
        waits = [0]
        async with self._store.write() as tx:  # one transaction for all the rules
            for rule in rules:
                window = timedelta(seconds=rule.window_seconds)
                row = await tx.one(
                    'INSERT INTO rate_limits ("key", "windowStart", hits, "expiresAt") '
                    'VALUES (:key, :now, 1, :expires) ON CONFLICT ("key") DO UPDATE SET '
                    'hits = CASE WHEN rate_limits."windowStart" <= :stale THEN 1 '
                    "ELSE rate_limits.hits + 1 END, "
                    '"windowStart" = CASE WHEN rate_limits."windowStart" <= :stale THEN :now '
                    'ELSE rate_limits."windowStart" END, '
                    '"expiresAt" = CASE WHEN rate_limits."windowStart" <= :stale THEN :expires '
                    'ELSE rate_limits."expiresAt" END '
                    'RETURNING hits, "expiresAt"',
                    {
                        "key": rule.key,
                        "now": self._store.bind_timestamp(now),
                        "stale": self._store.bind_timestamp(now - window),
                        "expires": self._store.bind_timestamp(now + window),
                    },
                )
                assert row is not None
                hits, expires_at = row
                if hits > rule.limit:
                    remaining = (self._store.read_timestamp(expires_at) - now).total_seconds()
                    waits.append(max(1, math.ceil(remaining)))
        return max(waits)

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


async def delete_expired_counters(store: Store) -> int:
    async with store.write() as tx:
        return await tx.execute(
            'DELETE FROM rate_limits WHERE "expiresAt" <= :now',
            {"now": store.bind_timestamp(utcnow())},
        )
