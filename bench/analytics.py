"""`make bench-analytics`: the analytics summary over a million events (issue 17), from the
rollups the server keeps, beside the same figures computed from the raw events, on SQLite and
PostgreSQL; one table (bench/README.md, "Issue 17: analytics").

The dataset: 10,000 users who signed up over 13 weeks, 1,000,000 events over the last 90 days
(20 event names across 6 modules, about a third anonymous), written to `analytics` directly;
the rollups are then filled by migration 0031's own SQL, as an upgrade fills them. Each figure is
the median and the 95th percentile of 15 runs of `GET /api/v1/analytics/summary`'s queries (5
of the raw ones, which take seconds), in process (no HTTP: the summary is one request an
administrator makes, not a hot path). The raw queries answer active users and the event counts,
not retention: they are a lower bound of what the summary would cost without rollups.

Settings (environment): BENCH_DATABASES ("sqlite,postgresql"), BENCH_POSTGRES_URL
(postgresql://127.0.0.1:5432/test: the database `whitecell_bench_analytics` is created there and
dropped), BENCH_EVENTS (1000000).
"""

from __future__ import annotations

import asyncio
import math
import os
import random
import sqlite3
import statistics
import time
from collections.abc import Awaitable, Callable
from contextlib import closing
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg

from bench.dataset import DATA_DIR, _database_url, drop_postgres
from whitecell.core import migrations
from whitecell.core.dialect import sqlite_timestamp
from whitecell.core.ids import new_id
from whitecell.core.store import Store
from whitecell.core.transactions import Tx
from whitecell.system import rollups

USERS = 10_000
DAYS = 90
RUNS = 15
RAW_RUNS = 5  # the raw queries take seconds each at a million events
EVENTS = [(f"{verb}_{thing}", module) for module, things in (
    ("study", ("note", "card", "quiz")), ("fitness", ("workout", "set", "meal")),
    ("mind", ("puzzle", "solve")), ("discipline", ("task", "habit")),
    ("creator", ("draft",)), ("", ("app",)),
) for thing in things for verb in ("opened", "done")][:20]  # fmt: skip
NAME = "whitecell_bench_analytics"


def rows(events: int, today: date) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """(users, events) as plain values; the same every run (seeded)."""
    rng = random.Random(17)
    start = datetime.combine(today - timedelta(days=DAYS), datetime.min.time(), UTC)
    users = [
        (new_id(), f"u{n}@bench.example", f"User {n}", f"u{n}",
         start - timedelta(days=rng.randrange(0, 91)) + timedelta(days=90))
        for n in range(USERS)
    ]  # fmt: skip
    found = []
    for _ in range(events):
        user = users[int(rng.paretovariate(1.2)) % USERS] if rng.random() > 0.33 else None
        name, module = rng.choice(EVENTS)
        moment = start + timedelta(seconds=rng.randrange(0, DAYS * 86_400))
        found.append((new_id(), user[0] if user else None, name, module or None, moment))
    return users, found


def load_sqlite(path: Path, users: list[tuple[Any, ...]], events: list[tuple[Any, ...]]) -> None:
    with closing(sqlite3.connect(path)) as db, db:
        db.executemany(
            'INSERT INTO users ("_id", email, name, username, "createdAt", "updatedAt") '
            "VALUES (?, ?, ?, ?, ?, ?)",
            [(*u[:4], sqlite_timestamp(u[4]), sqlite_timestamp(u[4])) for u in users],
        )
        db.executemany(
            'INSERT INTO analytics ("_id", "userId", event, module, metadata, "timestamp") '
            "VALUES (?, ?, ?, ?, '{}', ?)",
            [(*e[:4], sqlite_timestamp(e[4])) for e in events],
        )


def load_postgres(url: str, users: list[tuple[Any, ...]], events: list[tuple[Any, ...]]) -> None:
    with psycopg.connect(url) as db, db.cursor() as cursor:
        with cursor.copy(
            'COPY users ("_id", email, name, username, "createdAt", "updatedAt") FROM STDIN'
        ) as copy:
            for u in users:
                copy.write_row((*u, u[4]))
        with cursor.copy(
            'COPY analytics ("_id", "userId", event, module, metadata, "timestamp") FROM STDIN'
        ) as copy:
            for e in events:
                copy.write_row((*e[:4], "{}", e[4]))


def roll_up(url: str) -> None:
    """The rollups, as migration 0031 fills them from stored events: down to 0030 and back."""
    migrations.downgrade(url, "0030")
    migrations.upgrade(url)


async def from_rollups(tx: Tx, first: date, last: date) -> Any:
    return (
        await rollups.active_users(tx, first, last),
        await rollups.event_counts(tx, first, last, "module"),
        await rollups.event_counts(tx, first, last, "event"),
        await rollups.retention(tx, first, last, 12),
    )


async def from_raw(tx: Tx, first: date, last: date) -> Any:
    """The same figures from the raw events (what the summary would cost without rollups)."""
    sqlite = tx.dialect.is_sqlite
    day = 'substr("timestamp", 1, 10)' if sqlite else "to_char(\"timestamp\", 'YYYY-MM-DD')"
    week = (f"date({day}, 'weekday 0', '-6 days')" if sqlite
            else "to_char(date_trunc('week', \"timestamp\"), 'YYYY-MM-DD')")  # fmt: skip
    month = f"substr({day}, 1, 7)"
    low = sqlite_timestamp(datetime.combine(first, datetime.min.time(), UTC)) if sqlite else first
    high = last + timedelta(days=1)
    bounds = {
        "a": low,
        "b": sqlite_timestamp(datetime.combine(high, datetime.min.time(), UTC)) if sqlite else high,
    }
    where = 'WHERE "timestamp" >= :a AND "timestamp" < :b'
    answers = []
    for key in (day, week, month):
        answers.append(await tx.all(
            f'SELECT {key} AS p, count(DISTINCT "userId") FROM analytics {where} '
            'AND "userId" IS NOT NULL GROUP BY p ORDER BY p', bounds))  # fmt: skip
    for columns in ("module", "event, module"):
        answers.append(await tx.all(
            f"SELECT {columns}, count(*) AS n FROM analytics {where} GROUP BY {columns} "
            "ORDER BY n DESC LIMIT 100", bounds))  # fmt: skip
    return answers


async def timed(
    store: Store, work: Callable[[Tx, date, date], Awaitable[Any]], days: int, runs: int
) -> list[float]:
    last = datetime.now(UTC).date()
    first = last - timedelta(days=days - 1)
    took = []
    for _ in range(runs):
        started = time.perf_counter()
        async with store.read() as tx:
            await work(tx, first, last)
        took.append((time.perf_counter() - started) * 1000)
    return took


def figures(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[max(0, math.ceil(len(ordered) * 0.95) - 1)]


async def measure(url: str, label: str) -> list[str]:
    store = Store(url)
    await store.open()
    lines = []
    try:
        for days in (30, 90):
            rolled = figures(await timed(store, from_rollups, days, RUNS))
            raw = figures(await timed(store, from_raw, days, RAW_RUNS))
            lines.append(
                f"| {label} | {days} days | {rolled[0]:.1f} ms | {rolled[1]:.1f} ms "
                f"| {raw[0]:.1f} ms | {raw[1]:.1f} ms | {raw[0] / rolled[0]:.1f}x |"
            )
    finally:
        await store.close()
    return lines


def main() -> None:
    events = int(os.environ.get("BENCH_EVENTS", "1000000"))
    databases = os.environ.get("BENCH_DATABASES", "sqlite,postgresql").split(",")
    admin = os.environ.get("BENCH_POSTGRES_URL", "postgresql://127.0.0.1:5432/test")
    users, found = rows(events, datetime.now(UTC).date())
    table = [
        f"Analytics summary over {events:,} events, {USERS:,} users, {DAYS} days "
        f"(median and p95 of {RUNS} runs, {RAW_RUNS} of the raw queries):",
        "",
        "| database | range | rollups p50 | rollups p95 | raw events p50 | raw events p95 "
        "| raw / rollups |",
        "|---|---|--:|--:|--:|--:|--:|",
    ]
    for database in databases:
        started = time.perf_counter()
        if database == "sqlite":
            DATA_DIR.mkdir(exist_ok=True)
            path = DATA_DIR / "analytics.db"
            path.unlink(missing_ok=True)
            url = f"sqlite:///{path}"
            migrations.upgrade(url)
            load_sqlite(path, users, found)
        else:
            drop_postgres(admin, NAME)
            with psycopg.connect(admin, autocommit=True) as db:
                db.execute(f'CREATE DATABASE "{NAME}"')
            url = _database_url(admin, NAME)
            migrations.upgrade(url)
            load_postgres(url, users, found)
        roll_up(url)
        if database != "sqlite":
            with psycopg.connect(url, autocommit=True) as db:
                db.execute("VACUUM ANALYZE")
        print(
            f"{database}: loaded and rolled up in {time.perf_counter() - started:.0f} s", flush=True
        )
        table.extend(asyncio.run(measure(url, database)))
        if database != "sqlite":
            drop_postgres(admin, NAME)
    print("\n".join(table))


if __name__ == "__main__":
    main()
