"""The checks of the crash loop (bench/crashloop.py) on the SQLite file a crash left: integrity,
the change log's end and density, the engine's offset, every acknowledged write in its table and
its log; and the figures they add up to, with their table for bench/README.md."""

from __future__ import annotations

import sqlite3
import time
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from bench.crashloop_load import Ledger


@dataclass
class Figures:
    cycles: int = 0
    seed: int = 0
    writers: int = 0
    seconds: float = 0.0
    acknowledged: int = 0
    lost: int = 0
    unlogged: int = 0  # acknowledged, but no insert in the change log
    in_doubt: int = 0
    in_doubt_committed: int = 0
    refused: int = 0
    other_answers: str = "none"
    integrity_ok: int = 0  # cycles whose crashed file passed integrity_check
    integrity_failures: list[str] = field(default_factory=list)
    log_rows: int = 0
    log_gaps: int = 0
    log_rewound: int = 0  # crashes after which the log ended before where it ended earlier
    engine_behind: int = 0
    dead_letters: int = 0
    totals_wrong: int | None = None

    @property
    def ok(self) -> bool:
        return (
            self.lost == 0
            and self.unlogged == 0
            and not self.integrity_failures
            and self.integrity_ok == self.cycles + 1
            and self.log_gaps == 0
            and self.log_rewound == 0
            and self.engine_behind == 0
            and self.dead_letters == 0
            and self.totals_wrong == 0
        )

    def table(self) -> str:
        rows = [
            ("kill -9 cycles (seed)", f"{self.cycles} ({self.seed})"),
            ("concurrent writers", f"{self.writers}"),
            ("time under load and restarts", f"{self.seconds:.0f} s"),
            ("acknowledged writes (2xx)", f"{self.acknowledged:,}"),
            ("acknowledged writes lost", f"{self.lost}"),
            ("acknowledged writes missing from the change log", f"{self.unlogged}"),
            ("writes in doubt (cut before the answer)", f"{self.in_doubt}"),
            ("  of which committed", f"{self.in_doubt_committed}"),
            ("writes refused while the server was down", f"{self.refused:,}"),
            ("other answers", self.other_answers),
            ("integrity_check ok (after each kill, and at the end)", f"{self.integrity_ok}"),
            ("change-log rows", f"{self.log_rows:,}"),
            ("change-log gaps", f"{self.log_gaps}"),
            ("crashes after which the change log ended earlier", f"{self.log_rewound}"),
            ("engine offset behind the log at the end", f"{self.engine_behind}"),
            ("rows set aside by the engine", f"{self.dead_letters}"),
            ("wrong totals (gamification check)", f"{self.totals_wrong}"),
        ]
        width = max(len(name) for name, _ in rows)
        lines = [f"| {'figure'.ljust(width)} | value |", f"|{'-' * (width + 2)}|-------|"]
        lines += [f"| {name.ljust(width)} | {value} |" for name, value in rows]
        failures = "; ".join(self.integrity_failures)
        verdict = "PASS" if self.ok else f"FAIL{': ' + failures if failures else ''}"
        return "\n".join([*lines, "", verdict])


def connect(database: Path) -> closing[sqlite3.Connection]:
    return closing(sqlite3.connect(database))


def integrity(database: Path) -> str:
    """`PRAGMA integrity_check` on the file as it is (a crashed file: SQLite recovers the WAL)."""
    with connect(database) as connection:
        return str(connection.execute("PRAGMA integrity_check").fetchone()[0])


def max_seq(database: Path) -> int:
    with connect(database) as connection:
        return int(connection.execute("SELECT coalesce(max(seq), 0) FROM change_log").fetchone()[0])


def settle_engine(database: Path, timeout: float = 60) -> int:
    """Wait until the engine's offset reaches the log's end; how far behind it stayed."""
    deadline = time.monotonic() + timeout
    behind = -1
    while time.monotonic() < deadline:
        with connect(database) as connection:
            offset = connection.execute(
                "SELECT coalesce(max(seq), 0) FROM consumer_offsets WHERE name = 'gamification'"
            ).fetchone()[0]
            last = connection.execute("SELECT coalesce(max(seq), 0) FROM change_log").fetchone()[0]
        behind = int(last) - int(offset)
        if behind == 0:
            return 0
        time.sleep(0.2)
    return behind


def verify(database: Path, ledger: Ledger, figures: Figures) -> None:
    """The end-of-run checks on the file (the server stopped)."""
    with connect(database) as connection:
        for table in ("notes", "workouts"):
            wanted = {doc_id for kind, doc_id in ledger.acknowledged if kind == table}
            found = {row[0] for row in connection.execute(f'SELECT "_id" FROM {table}')}
            logged = {
                row[0]
                for row in connection.execute(
                    'SELECT "docId" FROM change_log WHERE "table" = ? AND op = ?', (table, "insert")
                )
            }
            figures.lost += len(wanted - found)
            figures.unlogged += len(wanted - logged)
            markers = {marker for kind, marker in ledger.in_doubt if kind == table}
            column = "title" if table == "notes" else "name"
            stored = {row[0] for row in connection.execute(f"SELECT {column} FROM {table}")}
            figures.in_doubt_committed += len(markers & stored)
        count, low, high = connection.execute(
            "SELECT count(*), coalesce(min(seq), 0), coalesce(max(seq), 0) FROM change_log"
        ).fetchone()
        horizon = connection.execute(
            "SELECT coalesce(max(seq), 0) FROM change_log_horizon"
        ).fetchone()[0]
        figures.log_rows = int(count)
        if count:  # the numbers from just after the trim horizon to the end, each once
            figures.log_gaps = (int(high) - int(low) + 1 - int(count)) + (
                int(low) - int(horizon) - 1
            )
        figures.dead_letters = int(
            connection.execute("SELECT count(*) FROM change_log_dead_letters").fetchone()[0]
        )
