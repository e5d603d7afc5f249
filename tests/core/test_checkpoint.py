"""SQLite's WAL checkpoints run in a thread of their own (core/checkpoint.py): a commit never
copies the WAL back into the database file itself, and the file still receives every commit
within about a second."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
import threading
from pathlib import Path

from whitecell.core import migrations
from whitecell.core.checkpoint import Checkpointer
from whitecell.core.store import Store

ROWS, ROW_BYTES = 400, 20_000  # about 2,000 pages: past SQLite's own checkpoint at 1,000


async def _open(tmp_path: Path) -> tuple[Store, Path]:
    path = tmp_path / "wal.db"
    url = f"sqlite:///{path}"
    migrations.upgrade(url)
    store = Store(url)
    await store.open()
    async with store.write() as tx:
        await tx.execute("CREATE TABLE blobs (id INTEGER PRIMARY KEY, body BLOB)")
    return store, path


async def _write(store: Store, first: int, count: int) -> None:
    for n in range(first, first + count):
        async with store.write() as tx:
            await tx.execute(
                "INSERT INTO blobs VALUES (:id, randomblob(:size))", {"id": n, "size": ROW_BYTES}
            )


def _rows_in_the_file_alone(path: Path, copy: Path) -> int:
    """The rows a copy of the database file holds without its WAL."""
    shutil.copyfile(path, copy)
    connection = sqlite3.connect(copy)
    try:
        return int(connection.execute("SELECT count(*) FROM blobs").fetchone()[0])
    except sqlite3.OperationalError:  # the table itself is still only in the WAL
        return 0
    finally:
        connection.close()


async def test_commits_leave_checkpoints_to_the_thread(tmp_path: Path) -> None:
    store, path = await _open(tmp_path)
    store._checkpointer.stop()  # no thread: what do commits alone do?
    await _write(store, 0, ROWS)
    # SQLite left to itself would have copied these pages back after 1,000 of them.
    assert _rows_in_the_file_alone(path, tmp_path / "copy.db") == 0
    assert path.with_name("wal.db-wal").stat().st_size > 1000 * 4096

    store._checkpointer.start()
    await _write(store, ROWS, 1)  # the thread checkpoints after a commit
    for _ in range(100):
        if _rows_in_the_file_alone(path, tmp_path / "copy.db") == ROWS + 1:
            break
        await asyncio.sleep(0.05)
    assert _rows_in_the_file_alone(path, tmp_path / "copy.db") == ROWS + 1
    await store.close()


async def test_the_file_keeps_up_with_steady_writes_and_close_stops_the_thread(
    tmp_path: Path,
) -> None:
    store, path = await _open(tmp_path)
    for second in range(3):  # writes spread over three checkpoint intervals
        await _write(store, second * 100, 100)
        await asyncio.sleep(0.4)
    await asyncio.sleep(1.2)  # the last pause ends: the last commits are copied
    assert _rows_in_the_file_alone(path, tmp_path / "copy.db") == 300
    assert store._checkpointer.checkpoints >= 2
    await store.close()
    assert not [t for t in threading.enumerate() if t.name == "whitecell-sqlite-checkpoint"]


async def test_a_checkpoint_that_cannot_connect_is_tried_again(tmp_path: Path) -> None:
    path = tmp_path / "retry.db"
    attempts: list[int] = []

    def connect() -> sqlite3.Connection:
        attempts.append(1)
        if len(attempts) == 1:
            raise sqlite3.OperationalError("unable to open database file")
        return sqlite3.connect(path, check_same_thread=False)

    checkpointer = Checkpointer(connect, interval=0.01)
    checkpointer.start()
    try:
        for _ in range(200):
            checkpointer.wrote()
            if checkpointer.checkpoints:
                break
            await asyncio.sleep(0.01)
        assert len(attempts) == 2 and checkpointer.checkpoints >= 1
    finally:
        checkpointer.stop()
