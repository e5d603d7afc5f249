"""SQLite's WAL checkpoints, off the request path.

A commit in WAL mode appends the pages it changed to the `-wal` file; a checkpoint copies them
back into the database file and syncs both to disk. Left to SQLite, the commit that takes the
WAL past 1,000 pages runs that checkpoint itself, inside the request that happened to commit:
timed commit by commit while workouts were created back to back (on the bench's dataset), 2% of
commits took 10-17 ms and held two thirds of all the time spent committing, while the event loop
waited.

Here the writer connection never checkpoints (`wal_autocheckpoint = 0`), and a thread with its
own connection does: PASSIVE (it never blocks the writer or a reader, and copies only frames no
reader still needs), at most once every `INTERVAL_SECONDS`, and only after commits. sqlite3
releases the GIL while it copies and syncs, so requests go on meanwhile. A page written by many
commits in that second (the change log's last page, an index's) is copied once.

The WAL holds about a second of writes: at 400 workouts a second, some 6,000 pages (24 MB).
If a checkpoint cannot finish (a long read pins old frames), the WAL grows until one can;
`journal_size_limit` then truncates it. Closing the last connection checkpoints what is left.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable

logger = logging.getLogger("whitecell.checkpoint")

INTERVAL_SECONDS = 1.0


class Checkpointer:
    """Checkpoints one SQLite database's WAL from a thread of its own."""

    def __init__(
        self,
        connect: Callable[[], sqlite3.Connection],
        interval: float = INTERVAL_SECONDS,
    ) -> None:
        self._connect = connect
        self._interval = interval
        self._wrote = threading.Event()
        self._paused = threading.Event()  # set only to cut the pause short at stop
        self._stopping = False
        self._thread: threading.Thread | None = None
        self.checkpoints = 0  # completed, for tests and metrics

    def start(self) -> None:
        if self._thread is None:
            self._stopping = False
            self._paused.clear()
            self._thread = threading.Thread(
                target=self._run, name="whitecell-sqlite-checkpoint", daemon=True
            )
            self._thread.start()

    def wrote(self) -> None:
        """After a commit: cheap (a flag, set once until the thread takes it)."""
        if not self._wrote.is_set():
            self._wrote.set()

    def stop(self) -> None:
        """Stop the thread after its current checkpoint (closing the last connection to the
        database checkpoints what is left)."""
        thread, self._thread = self._thread, None
        if thread is not None:
            self._stopping = True
            self._wrote.set()
            self._paused.set()
            thread.join()

    def _run(self) -> None:
        connection: sqlite3.Connection | None = None
        try:
            while True:
                self._wrote.wait()
                if self._stopping:
                    return
                self._wrote.clear()
                connection = connection or self._open()
                if connection is not None:
                    self._checkpoint(connection)
                # Commits meanwhile set the flag again: checkpointed after the pause.
                self._paused.wait(self._interval)
        finally:
            if connection is not None:
                connection.close()

    def _open(self) -> sqlite3.Connection | None:
        try:
            return self._connect()
        except sqlite3.Error:
            # As a failed checkpoint: tried again after the next commits, never given up.
            logger.exception("sqlite_checkpoint_failed")
            return None

    def _checkpoint(self, connection: sqlite3.Connection) -> None:
        try:
            connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        except sqlite3.Error:
            # A checkpoint that fails (disk full...) is tried again after the next commits;
            # the data is safe in the WAL meanwhile.
            logger.exception("sqlite_checkpoint_failed")
            return
        self.checkpoints += 1
