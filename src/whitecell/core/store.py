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
import re
import sqlite3
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, Protocol

import orjson
import psycopg
from psycopg.pq import ExecStatus
from psycopg.types.json import set_json_loads
from sqlalchemy.engine import make_url

from whitecell.core.checkpoint import Checkpointer
from whitecell.core.clock import utcnow
from whitecell.core.db import SQLITE_PRAGMAS, sync_url
from whitecell.core.highwater import NO_LIMIT, OBSERVE_LAST, OBSERVE_OPEN, HighWaterMark, settle

# What either driver raises when a write breaks a constraint (a unique name taken, ...).
INTEGRITY_ERRORS: tuple[type[Exception], ...] = (sqlite3.IntegrityError, psycopg.IntegrityError)

Params = dict[str, Any]
Row = tuple[Any, ...]

POSTGRES_MAX_PARAMETERS = 65_535  # in one statement (the protocol counts them in 16 bits)
CHANGE_LOG_ROWS_PER_INSERT = 500  # 6 parameters a row: within both databases' limits
# The PostgreSQL NOTIFY channel that announces new change-log rows to every server process.
CHANGES_CHANNEL = "whitecell_changes"
TUPLES_OK = ExecStatus.TUPLES_OK


def _json(value: Any) -> str | None:
    return orjson.dumps(value).decode() if value is not None else None


logger = logging.getLogger("whitecell.store")


@dataclass
class ChangeEvent:
    """A committed create, update or delete, as subscribers and the change log see it."""

    table: str
    op: str  # "insert" | "update" | "delete"
    id: str
    userId: str | None
    document: dict[str, Any] | None
    seq: int = 0
    # The row before an update or delete, when known: for matching filters, never sent.
    previous: dict[str, Any] | None = None
    # PostgreSQL: the writing transaction's id, which tells whether a snapshot already holds
    # the change (realtime/session.py). None on SQLite, whose snapshots end at a sequence.
    xid: int | None = None

    def as_message(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "table": self.table,
            "op": self.op,
            "_id": self.id,
            "userId": self.userId,
            "document": self.document,
        }


@dataclass(frozen=True)
class PoolStats:
    """The store's connections at one moment (for metrics): open ones, those lent to a unit of
    work, units of work waiting for one, and the most the pool may open (None: no bound)."""

    size: int
    in_use: int
    waiting: int
    max_size: int | None


class Subscriber(Protocol):
    def __call__(self, events: Sequence[ChangeEvent]) -> None: ...


class Dialect:
    """What differs between the two databases in the SQL we write."""

    name: str

    def __init__(self, name: str) -> None:
        self.name = name
        self.is_sqlite = name == "sqlite"
        self._positional: dict[str, tuple[bytes, tuple[str, ...]]] = {}

    def positional(self, text: str) -> tuple[bytes, tuple[str, ...]]:
        """PostgreSQL: our SQL's `:name` parameters as the server's own `$1, $2, ...` and the
        names in that order. psycopg sends such a statement as it is (a raw cursor); given
        `%(name)s` it parses the text again on every call for statements over 4 KB or 50
        parameters (a workout's inserts, the change log: 11% of a create on PostgreSQL)."""
        found = self._positional.get(text)
        if found is None:
            order: dict[str, int] = {}

            def number(match: re.Match[str]) -> str:
                return f"${order.setdefault(match.group(1), len(order) + 1)}"

            query = _NAMED_PARAMETER.sub(number, text).encode()
            if len(self._positional) >= POSITIONAL_CACHE_SIZE:
                self._positional.clear()  # statements are built from templates: rarely refills
            found = self._positional[text] = (query, tuple(order))
        return found


# `:name`, not a cast (`::text`) nor part of a word.
_NAMED_PARAMETER = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")
POSITIONAL_CACHE_SIZE = 4096


class Tx:
    """One unit of work on one connection."""

    def __init__(self, store: Store, connection: Any, *, writable: bool) -> None:
        self.store = store
        self.dialect = store.dialect
        self._connection = connection
        self.writable = writable
        self.events: list[ChangeEvent] = []
        self.seq = 0  # the last change-log sequence written by this transaction, after commit

    async def all(self, sql: str, params: Params | None = None) -> list[Row]:
        raise NotImplementedError

    async def one(self, sql: str, params: Params | None = None) -> Row | None:
        rows = await self.all(sql, params)
        return rows[0] if rows else None

    async def scalar(self, sql: str, params: Params | None = None) -> Any:
        row = await self.one(sql, params)
        return row[0] if row else None

    async def execute(self, sql: str, params: Params | None = None) -> int:
        """Run a statement; the number of rows it changed."""
        raise NotImplementedError

    async def insert_many(self, head: str, rows: Sequence[Sequence[Any]]) -> None:
        """Insert rows of positional values (all as wide as the first) without reading them
        back; `head` is the statement before VALUES: `INSERT INTO "t" ("a", "b")`."""
        raise NotImplementedError

    def record(self, event: ChangeEvent) -> None:
        if not self.writable:
            raise RuntimeError("change events can only be recorded in a write transaction")
        self.events.append(event)

    async def _write_change_log(self) -> None:
        if not self.events:
            return
        at = self.store.bind_timestamp(utcnow())
        # Many events (a workout's derived sets) go in a few multi-row INSERTs. Sequences are
        # handed out in VALUES order within a statement (others may take numbers in between on
        # PostgreSQL: only the order counts), so the returned numbers, sorted, are the events'.
        chunks = range(0, len(self.events), CHANGE_LOG_ROWS_PER_INSERT)
        for start in chunks:
            chunk = self.events[start : start + CHANGE_LOG_ROWS_PER_INSERT]
            params: dict[str, Any] = {"at": at}
            for i, event in enumerate(chunk):
                params.update(
                    {
                        f"t{i}": event.table,
                        f"o{i}": event.op,
                        f"i{i}": event.id,
                        f"u{i}": event.userId,
                        f"d{i}": _json(event.document),
                        f"p{i}": _json(event.previous),
                    }
                )
            if self.dialect.is_sqlite:
                rows = await self.all(_sqlite_log_insert(len(chunk)), params)
                numbers = sorted(row[0] for row in rows)
            else:
                last = start == chunks[-1]
                if last:
                    tables = ",".join(sorted({event.table for event in self.events}))
                    params |= {"channel": CHANGES_CHANNEL, "tables": f" {tables}"}
                row = await self.one(_postgres_log_insert(len(chunk), notify=last), params)
                assert row is not None  # an aggregate answers one row
                numbers, xid = sorted(row[0]), int(row[1])
                for event in chunk:
                    event.xid = xid
            for event, seq in zip(chunk, numbers, strict=True):
                event.seq = seq
        self.seq = self.events[-1].seq


_LOG_COLUMNS = '"table", op, "docId", "userId", document, previous, "committedAt", xid'


@cache
def _sqlite_log_insert(rows: int) -> str:
    values = ", ".join(
        f"(:t{i}, :o{i}, :i{i}, :u{i}, :d{i}, :p{i}, :at, NULL)" for i in range(rows)
    )
    return f"INSERT INTO change_log ({_LOG_COLUMNS}) VALUES {values} RETURNING seq"


@cache
def _postgres_log_insert(rows: int, *, notify: bool) -> str:
    """One round trip for a transaction's log: its id, its rows, and (`notify`) the NOTIFY.

    The id is taken first, in a CTE each row reads before it takes its number: what the
    high-water mark relies on (core/highwater.py). Taken here, after every row lock the
    transaction holds, the numbers follow the order of conflicting writes (docs/realtime.md).
    The NOTIFY is delivered at COMMIT only (never for a rollback) and wakes every process's
    feed; its payload is the last seq and the tables written ("812 feature_flags,notes"): a
    process with nobody connected skips reading the log, yet its caches learn what changed."""
    values = ", ".join(
        f"(:t{i}::text, :o{i}::text, :i{i}::text, :u{i}::text, :d{i}::text, :p{i}::text)"
        for i in range(rows)
    )
    notice = "pg_notify(:channel, max(seq)::text || :tables)" if notify else "NULL"
    return (
        "WITH me AS MATERIALIZED (SELECT pg_current_xact_id()::text::bigint AS xid), "
        f"written AS (INSERT INTO change_log ({_LOG_COLUMNS}) "
        "SELECT v.t, v.o, v.i, v.u, v.d::jsonb, v.p::jsonb, :at, me.xid "
        f"FROM me CROSS JOIN (VALUES {values}) AS v(t, o, i, u, d, p) RETURNING seq, xid) "
        f"SELECT array_agg(seq), min(xid), {notice} FROM written"
    )


class _SqliteTx(Tx):
    async def all(self, sql: str, params: Params | None = None) -> list[Row]:
        return self._connection.execute(sql, params or {}).fetchall()

    async def execute(self, sql: str, params: Params | None = None) -> int:
        return int(self._connection.execute(sql, params or {}).rowcount)

    async def insert_many(self, head: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:  # one prepared statement run per row, in sqlite3's own loop
            marks = ", ".join("?" * len(rows[0]))
            self._connection.executemany(f"{head} VALUES ({marks})", rows)


class _PostgresTx(Tx):
    async def _run(self, sql: str, params: Params | None) -> Any:
        query, names = self.dialect.positional(sql)
        values = [params[n] for n in names] if names and params is not None else None
        cursor = psycopg.AsyncRawCursor(self._connection)
        return await cursor.execute(query, values)

    async def all(self, sql: str, params: Params | None = None) -> list[Row]:
        cursor = await self._run(sql, params)
        if cursor.pgresult is None or cursor.pgresult.status != TUPLES_OK:
            return []
        return await cursor.fetchall()

    async def execute(self, sql: str, params: Params | None = None) -> int:
        cursor = await self._run(sql, params)
        return int(cursor.rowcount)

    async def insert_many(self, head: str, rows: Sequence[Sequence[Any]]) -> None:
        # One multi-row VALUES a round trip: far less work in psycopg than `executemany`'s
        # pipeline of one statement a row (a workout's sets: 9% of its create).
        if not rows:
            return
        width = len(rows[0])
        per_statement = max(1, POSTGRES_MAX_PARAMETERS // width)
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            values = [value for row in chunk for value in row]
            cursor = psycopg.AsyncRawCursor(self._connection)
            await cursor.execute(_values_statement(head, len(chunk), width), values)


@lru_cache(maxsize=256)
def _values_statement(head: str, rows: int, width: int) -> bytes:
    """`head VALUES ($1, $2), ($3, $4)` for `rows` rows of `width` values."""
    lines = (
        "(" + ", ".join(f"${row * width + i + 1}" for i in range(width)) + ")"
        for row in range(rows)
    )
    return f"{head} VALUES {', '.join(lines)}".encode()


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
                yield _SqliteTx(self, connection, writable=False)
            finally:
                if connection.in_transaction:
                    connection.execute("ROLLBACK")
                self._readers.append(connection)
            return
        async with self._pool.connection() as connection:
            yield _PostgresTx(self, connection, writable=False)

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
            yield _PostgresTx(self, connection, writable=False)

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
                tx = _SqliteTx(self, connection, writable=True)
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
                tx = _PostgresTx(self, connection, writable=True)
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


# SQLite has no timestamp type: an instant is naive UTC text 'YYYY-MM-DD HH:MM:SS.ffffff', the
# format SQLAlchemy writes too. Fixed width with a zero-padded year, so text order is time order.
# (strftime("%Y") does not pad years before 1000 on Linux: never use it here.)


def sqlite_timestamp(moment: datetime) -> str:
    """An aware datetime as the SQLite text of a timestamp column."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def timestamp_from_sqlite(text: str) -> datetime:
    """The SQLite text of a timestamp column as an aware UTC datetime. Also reads rows written
    before the year was zero-padded ('999-06-01 ...'), so such a row can still be read and fixed."""
    year, _, rest = text.partition("-")
    if len(year) < 4:
        text = f"{year.zfill(4)}-{rest}"
    return datetime.fromisoformat(text).replace(tzinfo=UTC)
