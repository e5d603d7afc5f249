"""Rate limits whose counts every server process shares: fixed windows and growing delays.

Counts live in the database (one atomic upsert per hit) or, when `WHITECELL_REDIS_URL` is set, in
Redis. A fixed window can admit up to twice the limit across a window boundary; the limits in
`Settings` are chosen with that in mind. A `Backoff` counts consecutive failures on one key and
makes each attempt past a few free ones wait twice as long as the last (docs/security.md, "Brute
force and lockout"). A mark (`remember`) is a key that only says "seen" until it expires: the
networks an account has signed in from. A claim (`take`) counts several hits in one upsert: the
write limits take a share of a limit at a time (core/writelimits.py).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from whitecell.core.clock import utcnow
from whitecell.core.db import Base
from whitecell.core.errors import TooManyRequests
from whitecell.core.store import Store

# The moment a fresh run of failures may be tried from: any time before every clock reading.
LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)


class RateLimitCounter(Base):
    """One window's count for one key (`otp:email:<digest>`, `login:ip:<digest>`).

    For a `Backoff` key the same columns hold the consecutive failures (`hits`), the earliest
    moment the next attempt is admitted (`windowStart`) and when the failures are forgotten. A mark
    (`known:<digest>`) holds only when it lapses (`expiresAt`), so cleanup drops it like a count.

    A legacy ORM mirror (see `core/db.py`): the table's SQL schema on `Base.metadata`, for the
    migration comparison and test cleanup. The counts are read and written in SQL below, never
    through this class.
    """

    __tablename__ = "rate_limits"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    windowStart: Mapped[datetime]
    hits: Mapped[int]
    expiresAt: Mapped[datetime] = mapped_column(index=True)


def client_network(ip: str) -> str:
    """The network a limit counts a client by: its IPv4 address, or its IPv6 /64.

    One IPv6 subscriber is usually given a whole /64, so counting single IPv6 addresses would hand
    an attacker 2^64 fresh budgets.
    """
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


def counter_key(secret: bytes, kind: str, *parts: str) -> str:
    """`kind:` then an HMAC-SHA256 (hex) of the parts, keyed with the server secret.

    Fixed length whatever the parts (an address may have 254 characters, the key column 255), and
    the counters hold no address or IP that could be read back, even by hashing guesses.
    """
    message = "\x00".join(parts).encode()
    return f"{kind}:{hmac.new(secret, message, hashlib.sha256).hexdigest()}"


@dataclass(frozen=True)
class Rule:
    key: str
    limit: int
    window_seconds: int


@dataclass(frozen=True)
class Backoff:
    """Consecutive failures on one key: `free` of them pass at once, then the wait before the next
    attempt doubles from 1 s with each failure, up to `cap_seconds`. The count is forgotten
    `memory_seconds` after the last failure, or at once with `RateLimiter.forget`."""

    key: str
    free: int
    cap_seconds: int
    memory_seconds: int

    def delay(self, failures: int) -> int:
        """Seconds the next attempt must wait after `failures` consecutive failures."""
        if failures < self.free:
            return 0
        # The exponent is bounded first: a long run of failures must not build a huge integer.
        return min(self.cap_seconds, 2 ** min(failures - self.free, 32))


@dataclass(frozen=True)
class Grant:
    """What a rule's window gave a claim of several hits: how many fit under the limit (0 once
    it is reached), and the whole seconds left in the window (at least 1)."""

    granted: int
    seconds_left: int


class RateLimiter(Protocol):
    async def hit(self, rules: Sequence[Rule]) -> int:
        """Count one request against every rule at once; 0 if allowed, else seconds to wait."""
        ...

    async def take(self, claims: Sequence[tuple[Rule, int]]) -> list[Grant]:
        """Count `n` hits at once on each rule (in one trip to the shared store); what each
        window granted. Every hit is counted, granted or not, as `hit` counts refused ones."""
        ...

    async def admit(self, backoff: Backoff) -> int:
        """Admit one attempt on a backoff key, counted as a failure until `forget` (so concurrent
        attempts wait their turn); 0 if admitted, else seconds to wait (nothing is counted)."""
        ...

    async def forget(self, keys: Sequence[str]) -> None:
        """Drop the counts of these keys (a success ends a run of failures)."""
        ...

    async def remember(self, key: str, seconds: int) -> None:
        """Mark the key as seen for `seconds` from now, replacing an older mark's expiry."""
        ...

    async def remembers(self, key: str) -> bool:
        """Whether the key carries a mark that has not lapsed."""
        ...

    async def close(self) -> None: ...


class DatabaseRateLimiter:
    def __init__(self, store: Store) -> None:
        self._store = store

    async def hit(self, rules: Sequence[Rule]) -> int:
        grants = await self.take([(rule, 1) for rule in rules])
        return max([0, *(grant.seconds_left for grant in grants if not grant.granted)])

    async def take(self, claims: Sequence[tuple[Rule, int]]) -> list[Grant]:
        now = utcnow()
        store = self._store
        grants = []
        async with store.write() as tx:  # one transaction for all the rules
            if not tx.dialect.is_sqlite:
                # A count lost in a crash costs nothing; waiting for the WAL flush costs most of
                # the upsert's time.
                await tx.execute("SET LOCAL synchronous_commit TO OFF")
            for rule, count in claims:
                window = timedelta(seconds=rule.window_seconds)
                row = await tx.one(
                    'INSERT INTO rate_limits ("key", "windowStart", hits, "expiresAt") '
                    'VALUES (:key, :now, :n, :expires) ON CONFLICT ("key") DO UPDATE SET '
                    'hits = CASE WHEN rate_limits."windowStart" <= :stale THEN :n '
                    "ELSE rate_limits.hits + :n END, "
                    '"windowStart" = CASE WHEN rate_limits."windowStart" <= :stale THEN :now '
                    'ELSE rate_limits."windowStart" END, '
                    '"expiresAt" = CASE WHEN rate_limits."windowStart" <= :stale THEN :expires '
                    'ELSE rate_limits."expiresAt" END '
                    'RETURNING hits, "expiresAt"',
                    {
                        "key": rule.key,
                        "n": count,
                        "now": store.bind_timestamp(now),
                        "stale": store.bind_timestamp(now - window),
                        "expires": store.bind_timestamp(now + window),
                    },
                )
                assert row is not None
                remaining = (store.read_timestamp(row[1]) - now).total_seconds()
                grants.append(_grant(rule, count, int(row[0]), remaining))
        return grants

    async def admit(self, backoff: Backoff) -> int:
        now = utcnow()
        store = self._store
        async with store.write() as tx:
            # The upsert locks the row until commit (PostgreSQL; SQLite writes one at a time), so
            # two attempts never both read the same count; a forgotten run starts again at 0.
            # A fresh run may start at once: its moment is long past, not this clock reading,
            # which a concurrent attempt that read the clock earlier would find in its future.
            row = await tx.one(
                'INSERT INTO rate_limits ("key", "windowStart", hits, "expiresAt") '
                'VALUES (:key, :past, 0, :now) ON CONFLICT ("key") DO UPDATE SET '
                'hits = CASE WHEN rate_limits."expiresAt" <= :now THEN 0 '
                "ELSE rate_limits.hits END, "
                '"windowStart" = CASE WHEN rate_limits."expiresAt" <= :now THEN :past '
                'ELSE rate_limits."windowStart" END '
                'RETURNING hits, "windowStart"',
                {
                    "key": backoff.key,
                    "now": store.bind_timestamp(now),
                    "past": store.bind_timestamp(LONG_AGO),
                },
            )
            assert row is not None
            failures, not_before = row[0], store.read_timestamp(row[1])
            if not_before > now:
                return max(1, math.ceil((not_before - now).total_seconds()))
            failures += 1
            # Without a delay the moment stays put, for the same reason.
            delay = backoff.delay(failures)
            next_at = now + timedelta(seconds=delay) if delay else not_before
            await tx.execute(
                'UPDATE rate_limits SET hits = :hits, "windowStart" = :next, "expiresAt" = :forget '
                'WHERE "key" = :key',
                {
                    "key": backoff.key,
                    "hits": failures,
                    "next": store.bind_timestamp(next_at),
                    "forget": store.bind_timestamp(now + timedelta(seconds=backoff.memory_seconds)),
                },
            )
        return 0

    async def forget(self, keys: Sequence[str]) -> None:
        async with self._store.write() as tx:
            for key in keys:
                await tx.execute('DELETE FROM rate_limits WHERE "key" = :key', {"key": key})

    async def remember(self, key: str, seconds: int) -> None:
        now = utcnow()
        store = self._store
        async with store.write() as tx:
            await tx.execute(
                'INSERT INTO rate_limits ("key", "windowStart", hits, "expiresAt") '
                'VALUES (:key, :now, 0, :expires) ON CONFLICT ("key") DO UPDATE SET '
                '"windowStart" = :now, hits = 0, "expiresAt" = :expires',
                {
                    "key": key,
                    "now": store.bind_timestamp(now),
                    "expires": store.bind_timestamp(now + timedelta(seconds=seconds)),
                },
            )

    async def remembers(self, key: str) -> bool:
        store = self._store
        async with store.read() as tx:
            row = await tx.one(
                'SELECT 1 FROM rate_limits WHERE "key" = :key AND "expiresAt" > :now',
                {"key": key, "now": store.bind_timestamp(utcnow())},
            )
        return row is not None

    async def close(self) -> None:
        return None


class RedisRateLimiter:
    def __init__(self, url: str) -> None:
        import redis.asyncio as redis

        self._redis = redis.from_url(url)

    async def hit(self, rules: Sequence[Rule]) -> int:
        grants = await self.take([(rule, 1) for rule in rules])
        return max([0, *(grant.seconds_left for grant in grants if not grant.granted)])

    async def take(self, claims: Sequence[tuple[Rule, int]]) -> list[Grant]:
        async with self._redis.pipeline(transaction=True) as pipe:
            for rule, count in claims:
                key = f"whitecell:rl:{rule.key}"
                pipe.set(key, 0, ex=rule.window_seconds, nx=True)
                pipe.incrby(key, count)
                pipe.ttl(key)
            replies = await pipe.execute()
        return [
            _grant(rule, count, int(replies[3 * index + 1]), float(replies[3 * index + 2]))
            for index, (rule, count) in enumerate(claims)
        ]

    async def admit(self, backoff: Backoff) -> int:
        from redis.exceptions import WatchError  # redis loads only when configured, as above

        key = f"whitecell:rl:{backoff.key}"
        async with self._redis.pipeline(transaction=True) as pipe:
            while True:  # optimistic: retried if another attempt changed the key meanwhile
                try:
                    await pipe.watch(key)
                    hits, not_before = await pipe.hmget(key, "hits", "notBefore")
                    now = utcnow().timestamp()
                    if not_before is not None and float(not_before) > now:
                        await pipe.reset()
                        return max(1, math.ceil(float(not_before) - now))
                    failures = int(hits or 0) + 1
                    delay = backoff.delay(failures)
                    next_at = now + delay if delay else float(not_before or 0)
                    pipe.multi()
                    pipe.hset(key, mapping={"hits": failures, "notBefore": next_at})
                    pipe.expire(key, backoff.memory_seconds)
                    await pipe.execute()
                    return 0
                except WatchError:
                    continue

    async def forget(self, keys: Sequence[str]) -> None:
        if keys:
            await self._redis.delete(*(f"whitecell:rl:{key}" for key in keys))

    async def remember(self, key: str, seconds: int) -> None:
        await self._redis.set(f"whitecell:rl:{key}", 1, ex=seconds)

    async def remembers(self, key: str) -> bool:
        return bool(await self._redis.exists(f"whitecell:rl:{key}"))

    async def close(self) -> None:
        await self._redis.aclose()


class DisabledRateLimiter:
    async def hit(self, rules: Sequence[Rule]) -> int:
        return 0

    async def take(self, claims: Sequence[tuple[Rule, int]]) -> list[Grant]:
        return [Grant(count, rule.window_seconds) for rule, count in claims]

    async def admit(self, backoff: Backoff) -> int:
        return 0

    async def forget(self, keys: Sequence[str]) -> None:
        return None

    async def remember(self, key: str, seconds: int) -> None:
        return None

    async def remembers(self, key: str) -> bool:
        return False

    async def close(self) -> None:
        return None


def _grant(rule: Rule, count: int, hits: int, seconds_left: float) -> Grant:
    """What a window holding `hits` (the claim's `count` included) grants the claim."""
    granted = min(count, max(0, rule.limit - (hits - count)))
    return Grant(granted, max(1, math.ceil(seconds_left)))


async def enforce(limiter: RateLimiter, *rules: Rule) -> None:
    """Count the request against every rule; 429 with `Retry-After` if any is exceeded."""
    wait = await limiter.hit(rules)
    if wait:
        raise TooManyRequests(wait)


async def enforce_backoff(limiter: RateLimiter, backoff: Backoff) -> None:
    """Admit one attempt on a backoff key; 429 with `Retry-After` while it must still wait."""
    wait = await limiter.admit(backoff)
    if wait:
        raise TooManyRequests(wait)


async def delete_expired_counters(store: Store) -> int:
    async with store.write() as tx:
        return await tx.execute(
            'DELETE FROM rate_limits WHERE "expiresAt" <= :now',
            {"now": store.bind_timestamp(utcnow())},
        )
