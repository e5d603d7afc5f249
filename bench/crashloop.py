"""`make crashloop`: kill -9 a real `whitecell serve` on SQLite while clients write, again and
again, then prove that nothing acknowledged was lost (bench/README.md).

Each cycle starts `whitecell serve` (uvicorn, one worker, the gamification engine on) on the same
fresh SQLite data directory, lets concurrent writers create notes and workouts over HTTP for a
random while, and sends the server SIGKILL mid-write. While it is down, `PRAGMA integrity_check`
runs on the file as the crash left it. After the last cycle the server is started once more,
the engine allowed to catch up, and the file checked:

- every acknowledged write (a 2xx answer with its `_id`) is in its table, with its insert in the
  change log (the log is written in the same transaction: core/changelog.py);
- writes in doubt (sent, the connection cut before the answer) are counted, committed or not:
  either is correct, neither is lost;
- the change log is gapless: SQLite has one writer and AUTOINCREMENT, and a rolled-back or
  crashed transaction takes its sequence numbers with it, so the numbers after the trim
  horizon run 1, 2, 3... without a hole, and no number is handed out twice across restarts;
- the engine's offset reached the end of the log, nothing was set aside
  (`change_log_dead_letters`), and `whitecell gamification check --dry-run` finds every total
  right.

    python -m bench.crashloop --cycles 25 [--writers 8] [--min-load 0.5] [--max-load 3] [--seed N]

Exit status 1 if any check fails; the data directory is kept then (and with --keep).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bench.server import free_port

USERS = 4
EMAIL = "crash{}@example.com"
WORDS = "Crash safety means an acknowledged write survives any kill of the server process."


@dataclass
class Ledger:
    """What the writers were told: shared by the writer threads under one lock."""

    acknowledged: list[tuple[str, str]] = field(default_factory=list)  # (table, _id)
    in_doubt: list[tuple[str, str]] = field(default_factory=list)  # (table, marker)
    refused: int = 0  # the server was down: nothing was sent
    statuses: Counter[int] = field(default_factory=Counter)  # non-2xx answers
    lock: threading.Lock = field(default_factory=threading.Lock)


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


class Server:
    """`whitecell serve` on one data directory and port, started and killed at will."""

    def __init__(self, data_dir: Path, port: int) -> None:
        self.data_dir, self.port = data_dir, port
        self.base = f"http://127.0.0.1:{port}"
        self.env = {
            **os.environ,
            "WHITECELL_DATA_DIR": str(data_dir),
            "WHITECELL_DATABASE_URL": f"sqlite:///{(data_dir / 'whitecell.db').as_posix()}",
            "WHITECELL_PORT": str(port),
            "WHITECELL_SMTP_HOST": "",
            "WHITECELL_LOG_LEVEL": "WARNING",
            "WHITECELL_GAMIFICATION_POLL_SECONDS": "0.5",
        }
        self.process: subprocess.Popen[bytes] | None = None

    def whitecell(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "whitecell", *args],
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )

    def start(self) -> None:
        with (self.data_dir / "server.log").open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "whitecell", "serve"], env=self.env, stdout=log, stderr=log
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited with {self.process.returncode}: server.log")
            try:
                if httpx.get(f"{self.base}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        raise RuntimeError("the server did not become ready within 60 s")

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        assert self.process is not None
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.kill()


def sign_in(server: Server, email: str) -> str:
    """A session token, through the one-time code written to the development outbox."""
    outbox = server.data_dir / "outbox"
    seen = set(outbox.glob("*.eml")) if outbox.exists() else set()
    asked = httpx.post(f"{server.base}/api/v1/auth/otp", json={"email": email}, timeout=10)
    asked.raise_for_status()
    for _ in range(400):
        for message in set(outbox.glob("*.eml")) - seen if outbox.exists() else ():
            content = message.read_text()
            match = re.search(r"code is (\d{6})", content)
            if f"To: {email}" in content and match:
                verified = httpx.post(
                    f"{server.base}/api/v1/auth/otp/verify",
                    json={"email": email, "code": match.group(1)},
                    timeout=10,
                )
                verified.raise_for_status()
                return str(verified.json()["token"])
        time.sleep(0.025)
    raise RuntimeError(f"no code for {email} in the outbox")


def body(table: str, marker: str, rng: random.Random) -> dict[str, object]:
    """A valid document, named by `marker` so a write in doubt can be looked for."""
    if table == "notes":
        return {"title": marker, "content": WORDS, "subject": "Crash", "tags": ["crash"]}
    return {
        "name": marker,
        "type": "cardio",
        "duration": rng.randint(10, 90),
        "intensity": "moderate",
        "exercises": [],
    }


def writer(
    number: int,
    server: Server,
    token: str,
    up: threading.Event,
    done: threading.Event,
    ledger: Ledger,
) -> None:
    """Create documents until `done`, recording each answer (or the lack of one)."""
    rng = random.Random(number)  # the bodies; the kill moments come from the run's seed
    headers = {"Authorization": f"Bearer {token}"}
    sent = 0
    with httpx.Client(base_url=server.base, headers=headers, timeout=30) as client:
        while not done.is_set():
            if not up.wait(0.05):
                continue
            table = rng.choice(("notes", "workouts"))
            sent += 1
            marker = f"crash-{number}-{sent}"
            try:
                answer = client.post(f"/api/v1/{table}", json=body(table, marker, rng))
            except httpx.ConnectError:  # nothing reached the server
                with ledger.lock:
                    ledger.refused += 1
                time.sleep(0.01)
                continue
            except httpx.TransportError:  # sent; the answer never came
                with ledger.lock:
                    ledger.in_doubt.append((table, marker))
                time.sleep(0.01)
                continue
            with ledger.lock:
                if 200 <= answer.status_code < 300:
                    ledger.acknowledged.append((table, str(answer.json()["_id"])))
                else:
                    ledger.statuses[answer.status_code] += 1


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


def run(
    cycles: int,
    *,
    writers: int = 8,
    min_load: float = 0.5,
    max_load: float = 3.0,
    seed: int | None = None,
    data_dir: Path | None = None,
) -> tuple[Figures, Path]:
    """The crash loop; its figures, and the data directory it used."""
    seed = random.randrange(1_000_000) if seed is None else seed
    rng = random.Random(seed)
    data_dir = data_dir or Path(tempfile.mkdtemp(prefix="whitecell-crashloop-"))
    data_dir.mkdir(parents=True, exist_ok=True)
    database = data_dir / "whitecell.db"
    server = Server(data_dir, free_port())
    migrated = server.whitecell("db", "upgrade")
    if migrated.returncode != 0:
        raise RuntimeError(f"whitecell db upgrade failed: {migrated.stderr}")
    figures, ledger = Figures(cycles=cycles, seed=seed, writers=writers), Ledger()
    up, done = threading.Event(), threading.Event()
    started = time.monotonic()
    server.start()
    tokens = [sign_in(server, EMAIL.format(i)) for i in range(USERS)]
    threads = [
        threading.Thread(
            target=writer,
            args=(number, server, tokens[number % USERS], up, done, ledger),
            daemon=True,
        )
        for number in range(writers)
    ]
    for thread in threads:
        thread.start()
    previous_max = max_seq(database)
    try:
        for cycle in range(cycles):
            if cycle:
                server.start()
            up.set()
            time.sleep(rng.uniform(min_load, max_load))
            server.kill()  # mid-write: the writers never stop on their own
            up.clear()
            checked = integrity(database)
            if checked == "ok":
                figures.integrity_ok += 1
            else:
                figures.integrity_failures.append(f"cycle {cycle + 1}: {checked}")
            now_max = max_seq(database)
            figures.log_rewound += now_max < previous_max
            previous_max = now_max
            print(
                f"cycle {cycle + 1}/{cycles}: killed after {len(ledger.acknowledged):,} "
                f"acknowledged writes, integrity {checked}",
                flush=True,
            )
    finally:
        done.set()
        up.set()
        for thread in threads:
            thread.join(timeout=30)
    server.start()
    figures.engine_behind = settle_engine(database)
    server.stop()
    figures.seconds = time.monotonic() - started
    checked = integrity(database)
    if checked == "ok":
        figures.integrity_ok += 1
    else:
        figures.integrity_failures.append(f"at the end: {checked}")
    figures.acknowledged = len(ledger.acknowledged)
    figures.in_doubt, figures.refused = len(ledger.in_doubt), ledger.refused
    if ledger.statuses:
        figures.other_answers = ", ".join(f"{n} x {s}" for s, n in sorted(ledger.statuses.items()))
    verify(database, ledger, figures)
    totals = server.whitecell("gamification", "check", "--dry-run")
    found = re.search(r"(\d+) wrong value", totals.stdout)
    figures.totals_wrong = int(found.group(1)) if found else None
    return figures, data_dir


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=25)
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--min-load", type=float, default=0.5, help="seconds before a kill, least")
    parser.add_argument("--max-load", type=float, default=3.0, help="seconds before a kill, most")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--keep", action="store_true", help="keep the data directory")
    arguments = parser.parse_args()
    figures, data_dir = run(
        arguments.cycles,
        writers=arguments.writers,
        min_load=arguments.min_load,
        max_load=arguments.max_load,
        seed=arguments.seed,
    )
    print()
    print(figures.table())
    if arguments.keep or not figures.ok:
        print(f"data directory kept: {data_dir}")
    else:
        shutil.rmtree(data_dir, ignore_errors=True)
    sys.exit(0 if figures.ok else 1)


if __name__ == "__main__":
    main()
