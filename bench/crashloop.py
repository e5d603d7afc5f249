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

This file runs the loop; the load (server, sign-in, writers) is `bench/crashloop_load.py`, the
checks and their figures `bench/crashloop_checks.py`.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.crashloop_checks import Figures, integrity, max_seq, settle_engine, verify
from bench.crashloop_load import EMAIL, USERS, Ledger, Server, sign_in, writer
from bench.server import free_port


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
