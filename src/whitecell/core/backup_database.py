"""The database half of a backup and a restore, for SQLite and PostgreSQL.

A backup copies one consistent state while writes go on, and reads its facts (row counts, the
change log's highest sequence, the consumers' offsets, the schema revision) from that very state:
- SQLite: the online backup API copies every page under one read transaction (in WAL mode
  writers keep writing meanwhile); the facts are read from the copy.
- PostgreSQL: a REPEATABLE READ transaction exports its snapshot, the facts are read in it, and
  `pg_dump --snapshot` dumps exactly that snapshot (custom format, for pg_restore).

Blocking code on the bare drivers (sqlite3, psycopg): the CLI runs it directly, the server's
daily job in a thread.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy.engine import make_url

from whitecell.core.db import sync_url

SQLITE_FILE = "database.sqlite3"
POSTGRES_FILE = "database.pgdump"
# A database with rows in these is in use. Not "any row": migrations seed catalogues (the Stoic
# quotes, chess puzzles), and every write through the API leaves a change-log row.
IN_USE_TABLES = ("users", "change_log")


class DatabaseError(Exception):
    """The database could not be copied, checked or loaded; the message says why."""


@dataclass
class Facts:
    """What a backup records about the database state it copied."""

    revision: list[str]
    row_counts: dict[str, int]
    highest_seq: int
    consumer_offsets: dict[str, int]


def kind_of(url: str) -> str:
    return "sqlite" if sync_url(url).get_backend_name() == "sqlite" else "postgresql"


def sqlite_path(url: str) -> Path:
    database = sync_url(url).database
    if not database or database == ":memory:":
        raise DatabaseError("an in-memory SQLite database cannot be backed up or restored")
    return Path(database)


def libpq(url: str) -> tuple[str, dict[str, str]]:
    """A libpq URL without the password, and the environment that carries it (so it never
    shows on a command line)."""
    parsed = make_url(url).set(drivername="postgresql")
    env = dict(os.environ)
    if parsed.password is not None:
        env["PGPASSWORD"] = str(parsed.password)
    return parsed.set(password=None).render_as_string(hide_password=False), env


def _tool(name: str) -> str:
    found = shutil.which(name) or shutil.which(name, path="/usr/lib/postgresql/15/bin")
    if found is None:
        raise DatabaseError(f"{name} is not installed: install the PostgreSQL client tools")
    return found


def _run(command: list[str], env: dict[str, str]) -> None:
    # Our own argument list (a tool found on PATH, our paths and URL): no shell, no user text.
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise DatabaseError(f"{Path(command[0]).name} failed: {done.stderr.strip()}")


# -- reading facts: any DB-API connection of either driver ----------------------------------------


def _tables(connection: Any, kind: str) -> list[str]:
    if kind == "sqlite":
        rows = connection.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'")
        found = [(name, sql or "") for name, sql in rows.fetchall()]
        # FTS5 indexes are derived (rebuilt on restore); their shadow tables are SQLite's own.
        virtual = [name for name, sql in found if sql.upper().startswith("CREATE VIRTUAL")]
        return sorted(
            name
            for name, _sql in found
            if not name.startswith("sqlite_")
            and name not in virtual
            and not any(name.startswith(f"{v}_") for v in virtual)
        )
    rows = connection.execute(
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
    )
    return sorted(row[0] for row in rows.fetchall())


def _scalar(connection: Any, sql: str) -> Any:
    row = connection.execute(sql).fetchone()
    return row[0] if row else None


def _sequence_value(connection: Any, kind: str) -> int:
    """The change log's sequence counter: past the log's last row when rows were rolled back."""
    if kind == "sqlite":
        return int(
            _scalar(connection, "SELECT seq FROM sqlite_sequence WHERE name = 'change_log'") or 0
        )
    name = _scalar(connection, "SELECT pg_get_serial_sequence('change_log', 'seq')")
    if name is None:
        return 0
    value, called = connection.execute(f"SELECT last_value, is_called FROM {name}").fetchone()
    return int(value) if called else int(value) - 1


def highest_seq(connection: Any, kind: str) -> int:
    """The highest change-log sequence this database has handed out or trimmed to."""
    tables = set(_tables(connection, kind))
    if "change_log" not in tables:
        return 0
    last = int(_scalar(connection, "SELECT coalesce(max(seq), 0) FROM change_log") or 0)
    horizon = int(_scalar(connection, "SELECT coalesce(max(seq), 0) FROM change_log_horizon") or 0)
    return max(last, horizon, _sequence_value(connection, kind))


def row_counts(connection: Any, kind: str) -> dict[str, int]:
    return {
        table: int(_scalar(connection, f'SELECT count(*) FROM "{table}"'))
        for table in _tables(connection, kind)
    }


def read_facts(connection: Any, kind: str) -> Facts:
    counts = row_counts(connection, kind)
    revision = (
        sorted(r[0] for r in connection.execute("SELECT version_num FROM alembic_version"))
        if "alembic_version" in counts
        else []
    )
    offsets = (
        {n: int(s) for n, s in connection.execute("SELECT name, seq FROM consumer_offsets")}
        if "consumer_offsets" in counts
        else {}
    )
    return Facts(revision, counts, highest_seq(connection, kind), offsets)


def in_use(counts: dict[str, int]) -> list[str]:
    """The tables that show the database holds people's data: a restore's target has none (a
    database just migrated, with its seeded catalogues, is empty)."""
    return [table for table in IN_USE_TABLES if counts.get(table)]


# -- taking the copy ----------------------------------------------------------------------------


def copy_database(url: str, directory: Path) -> tuple[Path, Facts]:
    """Copy the database at `url` into `directory`; the copy and the facts of its state."""
    if kind_of(url) == "sqlite":
        return _copy_sqlite(sqlite_path(url), directory / SQLITE_FILE)
    return _dump_postgres(url, directory / POSTGRES_FILE)


def _copy_sqlite(source_path: Path, target: Path) -> tuple[Path, Facts]:
    if not source_path.is_file():
        raise DatabaseError(f"no database at {source_path}")
    with closing(sqlite3.connect(source_path)) as source, closing(sqlite3.connect(target)) as copy:
        source.execute("PRAGMA busy_timeout = 10000")
        # All pages in one step: one read transaction, so one consistent state (WAL lets the
        # server's writer go on meanwhile).
        source.backup(copy)
        copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal beside it
    return target, sqlite_copy_facts(target)


def sqlite_copy_facts(path: Path) -> Facts:
    """The facts of a SQLite backup file, opened read-only; DatabaseError unless it passes
    `PRAGMA integrity_check`."""
    with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as copy:
        try:
            verdict = _scalar(copy, "PRAGMA integrity_check")
        except sqlite3.DatabaseError as error:
            raise DatabaseError(f"{path} is not a sound SQLite database: {error}") from None
        if verdict != "ok":
            raise DatabaseError(f"{path} fails PRAGMA integrity_check: {verdict}")
        return read_facts(copy, "sqlite")


def _dump_postgres(url: str, target: Path) -> tuple[Path, Facts]:
    conninfo, env = libpq(url)
    with psycopg.connect(conninfo) as connection:
        connection.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        connection.read_only = True
        snapshot = _scalar(connection, "SELECT pg_export_snapshot()")
        facts = read_facts(connection, "postgresql")
        # The exporting transaction stays open until pg_dump has taken the snapshot over.
        command = [_tool("pg_dump"), "--format=custom", f"--snapshot={snapshot}"]
        _run([*command, f"--file={target}", f"--dbname={conninfo}"], env)
        connection.rollback()
    _run([_tool("pg_restore"), "--list", str(target)], env)  # the archive reads back whole
    return target, facts


# -- restoring ----------------------------------------------------------------------------------


def target_facts(url: str) -> Facts:
    """The facts of the database a restore would replace (all zero if it does not exist)."""
    kind = kind_of(url)
    if kind == "sqlite":
        path = sqlite_path(url)
        if not path.exists():
            return Facts([], {}, 0, {})
        with closing(sqlite3.connect(path)) as connection:
            return read_facts(connection, kind)
    conninfo, _env = libpq(url)
    with psycopg.connect(conninfo, autocommit=True) as connection:
        return read_facts(connection, kind)


def load_database(url: str, backup_file: Path) -> None:
    """Replace the database at `url` with the backup's copy (the caller checked it may)."""
    if kind_of(url) == "sqlite":
        path = sqlite_path(url)
        path.parent.mkdir(parents=True, exist_ok=True)
        for stale in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            stale.unlink(missing_ok=True)
        partial = path.with_name(f".{path.name}.partial")
        shutil.copyfile(backup_file, partial)
        os.replace(partial, path)
        return
    conninfo, env = libpq(url)
    with psycopg.connect(conninfo, autocommit=True) as connection:
        connection.execute("DROP SCHEMA IF EXISTS public CASCADE")
        connection.execute("CREATE SCHEMA public")
    command = [_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error"]
    _run([*command, f"--dbname={conninfo}", str(backup_file)], env)


def open_target(url: str) -> Any:
    """A DB-API connection to the restored database, in a transaction."""
    if kind_of(url) == "sqlite":
        connection = sqlite3.connect(sqlite_path(url), isolation_level=None)
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("BEGIN IMMEDIATE")
        return connection
    conninfo, _env = libpq(url)
    return psycopg.connect(conninfo)


def move_change_log_past(connection: Any, kind: str, seq: int) -> None:
    """Make `seq` the change log's trim horizon and its last handed-out sequence: the next
    change is `seq + 1`, and a client resuming from anything below takes a fresh snapshot."""
    # Literal integers: the two drivers' parameter styles differ, and `seq` is ours.
    seq = int(seq)
    if kind == "sqlite":
        connection.execute("DELETE FROM sqlite_sequence WHERE name = 'change_log'")
        connection.execute(f"INSERT INTO sqlite_sequence (name, seq) VALUES ('change_log', {seq})")
    else:
        connection.execute(f"SELECT setval(pg_get_serial_sequence('change_log', 'seq'), {seq})")
    connection.execute("DELETE FROM change_log_horizon")
    connection.execute(f"INSERT INTO change_log_horizon (id, seq) VALUES (1, {seq})")


def rebuild_search(connection: Any, kind: str) -> list[str]:
    """Rebuild every search index from its table; the indexes rebuilt. PostgreSQL's search
    vectors are generated columns pg_restore recomputes, and it builds their GIN indexes anew:
    there, the planner's statistics are refreshed instead."""
    if kind != "sqlite":
        connection.execute("ANALYZE")
        return []
    rows = connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL%fts5%'"
    ).fetchall()
    for (name,) in rows:
        connection.execute(f'INSERT INTO "{name}"("{name}") VALUES (\'rebuild\')')
    return [name for (name,) in rows]
