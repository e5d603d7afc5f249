"""Build the benchmark dataset in a migrated database, fast, and describe it in a manifest.

Values go through `whitecell.core.documents.codec(...).bind`, so rows are stored exactly as the API
stores them. SQLite: one transaction of `executemany`; PostgreSQL: `COPY`. Full-text search stays in
sync by itself (FTS5 triggers, a generated tsvector column). The manifest keeps what the load needs:
each user's bearer token, a few of their note ids and their open chess attempts with the right
move of each, and the words to search for.

The built SQLite file is kept in `bench/.data` and reused while the schema revision, the scale and
this generator are unchanged; each run works on a fresh copy of it.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import shutil
import sqlite3
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

import whitecell.models  # noqa: F401  (declares every table)
from bench.chess import steps
from bench.corpus import Corpus
from bench.cubing import CUBE_USERS
from bench.history import HISTORY_USERS
from bench.rows import PER_USER, Doc, user_rows
from whitecell.core import migrations
from whitecell.core.clock import isoformat_z, utcnow
from whitecell.core.documents import codec

DATA_DIR = Path(__file__).resolve().parent / ".data"
# Bump when the generated contents change, so a cached SQLite file is rebuilt.
GENERATOR_VERSION = 6
FLUSH_ROWS = 20_000
NOTES_IN_MANIFEST = 5


@dataclass
class BenchUser:
    id: str
    token: str
    notes: list[str]
    index: int = 0
    history: bool = False  # three years of training (bench/history.py)
    cubes: bool = False  # 10,000 cube solves (bench/cubing.py)
    # [an open chess attempt, its right next move, its progress, "goes" or "ends"], one per move
    # check of each chess case (bench/chess.py)
    chess: list[list[str]] = field(default_factory=list)
    # [a conversation of 5,000 messages, an empty one] (bench/conversations.py), or none
    chats: list[str] = field(default_factory=list)


@dataclass
class Manifest:
    users: list[BenchUser]
    words: list[str]
    counts: dict[str, int]
    built_at: str
    build_seconds: float

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self)))

    @classmethod
    def load(cls, path: Path) -> Manifest:
        raw = json.loads(path.read_text())
        raw["users"] = [BenchUser(**user) for user in raw["users"]]
        return cls(**raw)


@dataclass
class Encoded:
    """One table's rows as the database stores them: column names, then one tuple per row."""

    names: list[str]
    rows: list[tuple[Any, ...]]


def encode(table: str, dialect: str, documents: list[Doc]) -> Encoded:
    c = codec(table, dialect)
    names = list(documents[0])
    return Encoded(names, [tuple(c.bind(n, doc[n]) for n in names) for doc in documents])


class Loader:
    """Appends rows to tables; `finish` commits."""

    dialect = ""

    def insert(self, table: str, data: Encoded) -> None:
        raise NotImplementedError

    def finish(self) -> None:
        raise NotImplementedError


class SqliteLoader(Loader):
    dialect = "sqlite"

    def __init__(self, path: str) -> None:
        self.connection = sqlite3.connect(path, isolation_level=None)
        for pragma in ("synchronous = OFF", "cache_size = -512000", "temp_store = MEMORY"):
            self.connection.execute(f"PRAGMA {pragma}")
        self.connection.execute("BEGIN")

    def insert(self, table: str, data: Encoded) -> None:
        columns = ", ".join(f'"{n}"' for n in data.names)
        marks = ", ".join("?" for _ in data.names)
        self.connection.executemany(
            f'INSERT INTO "{table}" ({columns}) VALUES ({marks})', data.rows
        )

    def finish(self) -> None:
        self.connection.execute("COMMIT")
        # Like a database that has been in use: WAL (the server's mode), checkpointed. No ANALYZE:
        # the server never runs it, so the planner sees what it sees in production.
        self.connection.execute("PRAGMA journal_mode = WAL")
        self.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.connection.close()


class PostgresLoader(Loader):
    """COPY into tables whose secondary indexes are dropped first and rebuilt at the end from
    their own definitions (a quarter off the build time, compared with keeping them up to date)."""

    dialect = "postgresql"

    def __init__(self, url: str) -> None:
        self.connection = psycopg.connect(url)
        self.indexes = self.connection.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = 'public' "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)"
        ).fetchall()
        for name, _ in self.indexes:
            self.connection.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(name)))

    def insert(self, table: str, data: Encoded) -> None:
        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, data.names))
        )
        with self.connection.cursor() as cursor, cursor.copy(statement) as copy:
            for row in data.rows:
                copy.write_row(row)

    def finish(self) -> None:
        for _, definition in self.indexes:
            self.connection.execute(definition)
        self.connection.commit()
        # Autovacuum would analyze the new tables within a minute: do it now, not mid-measurement.
        self.connection.autocommit = True
        self.connection.execute("VACUUM ANALYZE")
        self.connection.close()


@dataclass
class _EncodedUser:
    user: BenchUser
    tables: dict[str, Encoded]


# Generation is most of the work: worker processes generate and encode users, this one inserts.
_worker: dict[str, Any] = {}


def _start_worker(now: datetime, dialect: str, per_user: dict[str, int]) -> None:
    _worker.update(corpus=Corpus(), now=now, dialect=dialect, per_user=per_user)


def _encoded_user(index: int) -> _EncodedUser:
    generated = user_rows(index, _worker["corpus"], _worker["now"], _worker["per_user"])
    notes = [n["_id"] for n in generated.tables["notes"][:NOTES_IN_MANIFEST]]
    return _EncodedUser(
        BenchUser(
            generated.user["_id"],
            generated.token,
            notes,
            index,
            index < HISTORY_USERS,
            index < CUBE_USERS,
            generated.chess,
            generated.chats,
        ),
        {t: encode(t, _worker["dialect"], rows) for t, rows in generated.tables.items() if rows},
    )


def build(
    loader: Loader, users: int, per_user: dict[str, int], log: Callable[[str], None]
) -> Manifest:
    started = time.perf_counter()
    now = utcnow()
    buffers: dict[str, Encoded] = {}
    counts: dict[str, int] = {}
    bench_users = []

    def flush(table: str) -> None:
        if table != "users":
            flush("users")  # every other row refers to its user
        buffer = buffers[table]
        if buffer.rows:
            loader.insert(table, buffer)
            counts[table] = counts.get(table, 0) + len(buffer.rows)
            buffer.rows = []

    steps()  # every puzzle step, worked out once before the workers fork (bench/chess.py)
    workers = max(1, min(4, os.cpu_count() or 1))
    context = multiprocessing.get_context("fork")
    with context.Pool(workers, _start_worker, (now, loader.dialect, per_user)) as pool:
        for done, encoded in enumerate(pool.imap(_encoded_user, range(users), chunksize=4), 1):
            bench_users.append(encoded.user)
            for table, data in encoded.tables.items():
                buffer = buffers.setdefault(table, Encoded(data.names, []))
                buffer.rows.extend(data.rows)
                if len(buffer.rows) >= FLUSH_ROWS:
                    flush(table)
            if done % max(1, users // 5) == 0:
                log(f"  {done}/{users} users ({time.perf_counter() - started:.0f} s)")
    for table in buffers:
        flush(table)
    log("  committing and indexing")
    loader.finish()
    return Manifest(
        users=bench_users,
        words=Corpus().search_words(),
        counts=counts,
        built_at=isoformat_z(now),
        build_seconds=round(time.perf_counter() - started, 1),
    )


def _cache_key(url: str, users: int, per_user: dict[str, int]) -> str:
    heads = sorted(migrations.head_revisions(url))
    text = json.dumps([heads, users, per_user, GENERATOR_VERSION], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def sqlite_dataset(
    users: int, log: Callable[[str], None], per_user: dict[str, int] = PER_USER
) -> tuple[str, Manifest]:
    """A fresh copy of the cached SQLite dataset (built first if needed): (URL, manifest)."""
    DATA_DIR.mkdir(exist_ok=True)
    run_file = DATA_DIR / "run.db"
    key = _cache_key(f"sqlite:///{run_file}", users, per_user)
    cached, manifest_path = DATA_DIR / f"dataset-{key}.db", DATA_DIR / f"dataset-{key}.json"
    if cached.exists() and manifest_path.exists():
        log(f"SQLite: reusing the dataset built earlier ({cached.name})")
        manifest = Manifest.load(manifest_path)
    else:
        for stale in DATA_DIR.glob("dataset-*"):
            stale.unlink()
        building = DATA_DIR / "building.db"
        building.unlink(missing_ok=True)
        log(f"SQLite: building {users} users' data in {cached.name}")
        migrations.upgrade(f"sqlite:///{building}")
        manifest = build(SqliteLoader(str(building)), users, per_user, log)
        building.rename(cached)
        manifest.save(manifest_path)
        log(f"SQLite: built in {manifest.build_seconds} s")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{run_file}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(cached, run_file)
    url = f"sqlite:///{run_file}"
    refresh_sessions(url)
    return url, manifest


def _database_url(admin_url: str, name: str) -> str:
    base, _, _ = admin_url.rpartition("/")
    return f"{base}/{name}"


def postgres_reachable(admin_url: str) -> str | None:
    """None if PostgreSQL answers at `admin_url`, else why not."""
    try:
        with psycopg.connect(admin_url, connect_timeout=3):
            return None
    except psycopg.Error as exc:
        return str(exc).strip().splitlines()[0]


def drop_postgres(admin_url: str, name: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def postgres_dataset(
    admin_url: str,
    name: str,
    users: int,
    log: Callable[[str], None],
    per_user: dict[str, int] = PER_USER,
) -> tuple[str, Manifest]:
    """A new database `name` (dropped first if it exists) holding the dataset: (URL, manifest)."""
    drop_postgres(admin_url, name)
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = _database_url(admin_url, name)
    log(f"PostgreSQL: building {users} users' data in database {name}")
    migrations.upgrade(url)
    manifest = build(PostgresLoader(url), users, per_user, log)
    log(f"PostgreSQL: built in {manifest.build_seconds} s")
    return url, manifest


def refresh_sessions(url: str) -> None:
    """Make the live sessions fresh, as if each user had just used the app (a kept dataset ages)."""
    now = utcnow()
    if url.startswith("sqlite"):
        c = codec("sessions", "sqlite")
        with closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as connection, connection:
            connection.execute(
                'UPDATE sessions SET "lastSeenAt" = ?, "expiresAt" = ? WHERE "isValid"',
                (
                    c.bind("lastSeenAt", isoformat_z(now)),
                    c.bind("expiresAt", isoformat_z(now + timedelta(days=29))),
                ),
            )
        return
    with psycopg.connect(url) as pg:
        pg.execute(
            'UPDATE sessions SET "lastSeenAt" = %s, "expiresAt" = %s WHERE "isValid"',
            (now, now + timedelta(days=29)),
        )
