"""The data path every table uses: SQL on the bare drivers, in short transactions.

Why not the ORM: on the hot read paths (the review queue, a note by id) an async ORM session with a
Pydantic response costs about ten times the query itself. Here a unit of work is one connection, SQL
strings built once per table (`whitecell.core.documents`) and plain tuples back.

- SQLite (embedded): `sqlite3` called directly from the event loop. An indexed read takes tens of
  microseconds, less than a hop to a thread; in WAL mode readers never wait for locks. All writes go
  through one connection, one transaction at a time (an asyncio lock), started with `BEGIN
  IMMEDIATE`, so no write can fail half-way on a busy database.
- PostgreSQL: psycopg 3 async connections from a pool. Reads run in autocommit; writes in a
  transaction.

Every write transaction may record change events; they are inserted into `change_log` just before
COMMIT and published to in-process subscribers only after the commit succeeded. SQLite's one
writer numbers them in commit order. PostgreSQL's writers number them from a sequence without
waiting for each other, and readers of the log stop at its high-water mark (`high_water`,
core/highwater.py), below which no row can still appear.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
from psycopg.types.json import set_json_loads
from sqlalchemy.engine import make_url

from whitecell.core.changes import ChangeEvent, Subscriber
from whitecell.core.checkpoint import Checkpointer
from whitecell.core.db import SQLITE_PRAGMAS, sync_url
from whitecell.core.dialect import Dialect, sqlite_timestamp, timestamp_from_sqlite
from whitecell.core.highwater import NO_LIMIT, OBSERVE_LAST, OBSERVE_OPEN, HighWaterMark, settle
from whitecell.core.transactions import PostgresTx, SqliteTx, Tx

logger = logging.getLogger("whitecell.store")


@dataclass(frozen=True)
class PoolStats:
    """The store's connections at one moment (for metrics): open ones, those lent to a unit of
    work, units of work waiting for one, and the most the pool may open (None: no bound)."""

    size: int
    in_use: int
    waiting: int
    max_size: int | None


@dataclass
class Store:
    """Connections and transactions for one database URL."""

    url: str
    pool_size: int = 10
    dialect: Dialect = field(init=False)
    _subscribers: list[Subscriber] = field(default_factory=list, init=False)
    _high_water: HighWaterMark = field(default_factory=HighWaterMark, init=False)
    # Observations are applied in the order they were read (core/highwater.py): one at a time.
    _observing: asyncio.Lock = field(default_factory=asyncio.Lock, init=False)

    def __post_init__(self) -> None:
        parsed = sync_url(self.url)
        self.dialect = Dialect(parsed.get_backend_name())
        if self.dialect.is_sqlite:
            database = parsed.database or ":memory:"
            if database != ":memory:":
                Path(database).parent.mkdir(parents=True, exist_ok=True)
            self._sqlite_path = database
            self._readers: list[sqlite3.Connection] = []
            self._opened_readers = 0  # idle ones wait in `_readers`, the rest are lent out
            self._writer: sqlite3.Connection | None = None
            self._checkpointer = Checkpointer(self._connect_sqlite)
            self._write_lock = asyncio.Lock()
            self._waiting_writers = 0
        else:
            self._conninfo = (
                make_url(self.url)
                .set(drivername="postgresql")
                .render_as_string(hide_password=False)
            )
            self._pool: Any = None

    # -- lifecycle -------------------------------------------------------------------------------

    async def open(self) -> None:
        if self.dialect.is_sqlite:
            return
        from psycopg_pool import AsyncConnectionPool

        async def configure(connection: Any) -> None:
            await connection.set_autocommit(True)
            # JSON columns read with orjson, as SQLite's are (the standard library's json was
            # 3% of a workout create on PostgreSQL).
            set_json_loads(orjson.loads, connection)
            await connection.execute("SET TIME ZONE 'UTC'")

        self._pool = AsyncConnectionPool(
            self._conninfo,
            min_size=1,
            max_size=self.pool_size,
            configure=configure,
            open=False,
            name="whitecell",
        )
        await self._pool.open(wait=True, timeout=30)

    async def close(self) -> None:
        if self.dialect.is_sqlite:
            for connection in self._readers:
                connection.close()
            self._readers.clear()
            self._opened_readers = 0
            self._checkpointer.stop()
            if self._writer is not None:
                self._writer.close()
                self._writer = None
        elif self._pool is not None:
            # Bounded: a connection stuck on a vanished server must not hang shutdown.
            await self._pool.close(timeout=5)
            self._pool = None

    def _connect_sqlite(self) -> sqlite3.Connection:
        connection = sqlite3.connect(
            self._sqlite_path, isolation_level=None, check_same_thread=False, cached_statements=512
        )
        for pragma in SQLITE_PRAGMAS:
            connection.execute(pragma)
        return connection

    def commits_elsewhere(self) -> int:
        """SQLite only: a number that changes when another process commits to the database
        (PRAGMA data_version on the writer, which every write of this process goes through; a
        truncating checkpoint may change it too)."""
        assert self.dialect.is_sqlite, "other processes' commits are NOTIFY'd on PostgreSQL"
        return int(self._sqlite_writer().execute("PRAGMA data_version").fetchone()[0])

    def _sqlite_writer(self) -> sqlite3.Connection:
        if self._writer is None:
            self._writer = self._connect_sqlite()
            # Its commits never checkpoint: a thread does (core/checkpoint.py).
            self._writer.execute("PRAGMA wal_autocheckpoint = 0")
            self._checkpointer.start()
        return self._writer

    # -- units of work ---------------------------------------------------------------------------

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Tx]:
        """Reads; nothing written here is kept."""
        if self.dialect.is_sqlite:
            if self._readers:
                connection = self._readers.pop()
            else:
                connection = self._connect_sqlite()
                self._opened_readers += 1
            try:
                yield SqliteTx(self, connection, writable=False)
            finally:
                if connection.in_transaction:
                    connection.execute("ROLLBACK")
                self._readers.append(connection)
            return
        async with self._pool.connection() as connection:
            yield PostgresTx(self, connection, writable=False)

    @asynccontextmanager
    async def snapshot(self) -> AsyncIterator[Tx]:
        """Reads that all see one consistent state of the database (a snapshot and the change-log
        sequence it includes, for a live subscription)."""
        if self.dialect.is_sqlite:
            async with self.read() as tx:
                tx._connection.execute("BEGIN")  # WAL: a read transaction is a snapshot
                yield tx
            return
        async with self._pool.connection() as connection, connection.transaction():
            await connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            yield PostgresTx(self, connection, writable=False)

    @property
    def conninfo(self) -> str:
        """PostgreSQL connection string (for a dedicated LISTEN connection)."""
        return str(self._conninfo)

    @asynccontextmanager
    async def write(self) -> AsyncIterator[Tx]:
        """A transaction: committed (with its change log) if the block ends normally."""
        tx: Tx
        if self.dialect.is_sqlite:
            self._waiting_writers += 1
            try:
                await self._write_lock.acquire()
            finally:
                self._waiting_writers -= 1
            try:
                connection = self._sqlite_writer()
                tx = SqliteTx(self, connection, writable=True)
                connection.execute("BEGIN IMMEDIATE")
                try:
                    yield tx
                    await tx._write_change_log()
                    connection.execute("COMMIT")
                    self._checkpointer.wrote()
                except BaseException:
                    if connection.in_transaction:
                        connection.execute("ROLLBACK")
                    raise
            finally:
                self._write_lock.release()
        else:
            async with self._pool.connection() as connection, connection.transaction():
                tx = PostgresTx(self, connection, writable=True)
                yield tx
                await tx._write_change_log()
        self._publish(tx.events)

    async def high_water(self, patience: float = 0.0) -> int:
        """The change-log sequence up to which readers may read: no row can still commit at or
        below it. SQLite: `NO_LIMIT` (one writer, numbers in commit order). PostgreSQL: waits
        up to `patience` seconds for the numbers handed out before the call to be final."""
        if self.dialect.is_sqlite:
            return NO_LIMIT
        return await settle(self._observe_high_water, self._high_water, patience)

    @property
    def high_water_behind(self) -> bool:
        """True while numbers seen handed out may still commit (read the log again soon)."""
        return self._high_water.behind

    async def _observe_high_water(self) -> int:
        async with self._observing, self._pool.connection() as connection:
            # One round trip; the server runs the statements in this order all the same.
            async with connection.pipeline():
                last_value = await connection.execute(OBSERVE_LAST)
                open_now = await connection.execute(OBSERVE_OPEN)
            last = (await last_value.fetchone())[0]
            in_progress = (await open_now.fetchone())[0]
        seen = int(last or 0)
        self._high_water.observe(seen, frozenset(in_progress))
        return seen

    def pool_stats(self) -> PoolStats:
        """The connections at this moment. SQLite: the readers opened and the one writer, whose
        queue is the units of work waiting; PostgreSQL: the pool's own figures."""
        if self.dialect.is_sqlite:
            writer = int(self._writer is not None)
            busy = int(self._write_lock.locked())
            return PoolStats(
                size=self._opened_readers + writer,
                in_use=self._opened_readers - len(self._readers) + busy,
                waiting=self._waiting_writers,
                max_size=None,
            )
        if self._pool is None:
            return PoolStats(0, 0, 0, self.pool_size)
        stats = self._pool.get_stats()
        size = stats.get("pool_size", 0)
        return PoolStats(
            size=size,
            in_use=size - stats.get("pool_available", 0),
            waiting=stats.get("requests_waiting", 0),
            max_size=self.pool_size,
        )

    # -- change events ---------------------------------------------------------------------------

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        """Call `subscriber` with each committed transaction's events; returns an unsubscribe."""
        self._subscribers.append(subscriber)
        return lambda: self._subscribers.remove(subscriber)

    def _publish(self, events: Sequence[ChangeEvent]) -> None:
        if not events:
            return
        for subscriber in list(self._subscribers):
            try:
                subscriber(events)
            except Exception:
                # The change is committed: one failing subscriber must not fail the request
                # (it can resume from the change log) nor starve the others.
                logger.exception("change subscriber %r failed", subscriber)

    # -- values ------------------------------------------------------------------------------------

    def read_timestamp(self, value: Any) -> datetime:
        """A timestamp column's value as an aware UTC datetime."""
        if isinstance(value, str):
            return timestamp_from_sqlite(value)
        return value.astimezone(UTC)

    def bind_timestamp(self, value: Any) -> Any:
        """A timezone-aware datetime as this database stores it (SQLite: naive UTC text)."""
        if self.dialect.is_sqlite:
            return sqlite_timestamp(value)
        return value
