"""`make bench-processes`: write throughput on PostgreSQL with 1, 2 and 4 API processes.

One scratch PostgreSQL database; `USERS` people signed up through the API, each with
`TASKS_PER_USER` tasks for today. Then, for each request, scoring mode and number of processes,
`whitecell serve --workers N` is started and wrk sends the request for `BENCH_DURATION` seconds
over `BENCH_CONNECTIONS` connections:

- "create workout": `POST /api/v1/workouts` (four exercises, as `make bench`'s create workout);
- "complete a task": `PATCH /api/v1/daily_tasks/{id}` setting `completed`: every task completed,
  then every one reopened, in a loop (each a real write: completing pays XP, reopening takes it
  back).

The lists take one request of each user in turn: requests sent at the same moment are different
people's, as on a real server (one person's writes queue behind each other on their rows).

Scoring "in the processes": the gamification engine in every API process (the default);
"separate": `WHITECELL_GAMIFICATION_ENABLED=false` on them and one `whitecell gamification run`.

This machine has 2 cores, shared by the API processes, PostgreSQL and wrk: nothing is pinned
here (one process could not use more than one core anyway). While wrk runs, PostgreSQL's
`pg_stat_activity` is sampled 20 times a second for what the database's backends wait on (the
last table says where writers queue), and "CPUs busy" is the share of both CPUs in use (API
processes, PostgreSQL and wrk together): at 100% more processes cannot help.

    python -m bench.processes
    BENCH_PROCESSES=1,4 BENCH_DURATION=5 python -m bench.processes

Settings (environment): BENCH_POSTGRES_URL (postgresql://127.0.0.1:5432/test), BENCH_PROCESSES
("1,2,4"), BENCH_DURATION (8), BENCH_WARMUP (2), BENCH_CONNECTIONS (16), BENCH_USERS (40),
BENCH_TASKS_PER_USER (25), BENCH_REQUESTS ("workout,task"), BENCH_SCORING ("in,separate").
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg

from bench.fuzz import scratch_postgres, sign_up
from bench.load import Measurement, Request, Wrk, write_requests
from bench.rows import exercise
from bench.run import wait_for_quiet_cpus
from bench.server import ROOT, free_port, server_environment, serving_process
from whitecell.core.clock import utcnow

WHITECELL = [sys.executable, "-m", "whitecell"]


@dataclass(frozen=True)
class Options:
    postgres_url: str
    processes: tuple[int, ...]
    duration: float
    warmup: float
    connections: int
    users: int
    tasks_per_user: int
    requests: tuple[str, ...]
    scoring: tuple[str, ...]

    @classmethod
    def from_environment(cls) -> Options:
        env = os.environ.get
        return cls(
            postgres_url=env("BENCH_POSTGRES_URL", "postgresql://127.0.0.1:5432/test"),
            processes=tuple(int(n) for n in env("BENCH_PROCESSES", "1,2,4").split(",")),
            duration=float(env("BENCH_DURATION", "8")),
            warmup=float(env("BENCH_WARMUP", "2")),
            connections=int(env("BENCH_CONNECTIONS", "16")),
            users=int(env("BENCH_USERS", "40")),
            tasks_per_user=int(env("BENCH_TASKS_PER_USER", "25")),
            requests=tuple(env("BENCH_REQUESTS", "workout,task").split(",")),
            scoring=tuple(env("BENCH_SCORING", "in,separate").split(",")),
        )


NAMES = {"workout": "create workout", "task": "complete a task"}
SCORING = {"in": "in the processes", "separate": "separate process"}


def _environment(database_url: str, data_dir: Path, scoring: str) -> dict[str, str]:
    return server_environment(
        database_url,
        data_dir,
        {
            # Off: each server started takes fresh leases of the write limits' counts, and the
            # unused leases of the servers stopped before stay counted for the window, so a
            # bench that restarts servers within a minute would meet the limits (their cost per
            # write is measured apart: docs/security.md, "Write limits").
            "WHITECELL_RATE_LIMIT_ENABLED": "false",
            "WHITECELL_GAMIFICATION_ENABLED": "true" if scoring == "in" else "false",
        },
    )


@contextmanager
def _serving(url: str, data_dir: Path, workers: int, scoring: str) -> Iterator[str]:
    """`whitecell serve --workers N` (and the scoring process when it is separate)."""
    environment = _environment(url, data_dir, scoring)
    port = free_port()
    command = [*WHITECELL, "serve", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--workers", str(workers)]
    scorer = None
    if scoring == "separate":
        log = (data_dir / "scorer.log").open("wb")
        scorer = subprocess.Popen(
            [*WHITECELL, "gamification", "run"], env=environment, cwd=ROOT, stdout=log, stderr=log
        )
    try:
        with serving_process(command, port, data_dir, environment) as base:
            yield base
    finally:
        if scorer is not None:
            scorer.terminate()
            scorer.wait(timeout=15)


def _prepare(base: str, data_dir: Path, options: Options) -> tuple[list[Request], list[Request]]:
    """Sign the users up and give them today's tasks; the two request lists."""
    rng = random.Random(18)
    today = utcnow().date().isoformat()
    # Per user: their requests. The lists take one of each user in turn, so that requests sent
    # at the same moment (wrk's connections take neighbours) are different people's, as on a
    # real server: one person's writes queue behind each other (a task's row, their records).
    workouts: list[list[Request]] = []
    completions: list[list[Request]] = []
    reopenings: list[list[Request]] = []
    with httpx.Client(base_url=base, timeout=30) as http:
        for n in range(options.users):
            token = sign_up(base, data_dir / "outbox", f"proc{n}@example.com")
            headers = {"Authorization": f"Bearer {token}"}
            completions.append([])
            reopenings.append([])
            for t in range(options.tasks_per_user):
                body = {"date": today, "title": f"task {t}", "category": "work", "priority": 3}
                task = http.post("/api/v1/daily_tasks", json=body, headers=headers)
                task.raise_for_status()
                path = f"/api/v1/daily_tasks/{task.json()['_id']}"
                for done, into in ((True, completions), (False, reopenings)):
                    into[-1].append(Request("PATCH", path, token, json.dumps({"completed": done})))
            workouts.append([])
            for _ in range(5):
                body_w = {
                    "date": today, "type": "strength", "name": "Leg day", "duration": 50,
                    "intensity": "high", "calories": 450,
                    "exercises": [exercise(rng) for _ in range(4)],
                }  # fmt: skip
                workouts[-1].append(Request("POST", "/api/v1/workouts", token, json.dumps(body_w)))
    # Every task completed, then every one reopened: each request a real change.
    return _in_turn(workouts), _in_turn(completions) + _in_turn(reopenings)


def _in_turn(per_user: list[list[Request]]) -> list[Request]:
    """One request of each user in turn."""
    return [r for round_ in zip(*per_user, strict=False) for r in round_]


class WaitSampler:
    """Samples what PostgreSQL's client backends of one database wait on, in a thread."""

    def __init__(self, url: str) -> None:
        self.url, self.counts, self.samples = url, Counter[str](), 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> WaitSampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        with psycopg.connect(self.url, autocommit=True) as connection:
            while not self._stop.wait(0.05):
                rows = connection.execute(
                    "SELECT coalesce(wait_event_type || ':' || wait_event, 'on CPU'), count(*) "
                    "FROM pg_stat_activity WHERE datname = current_database() "
                    "AND backend_type = 'client backend' AND state = 'active' "
                    "AND pid <> pg_backend_pid() GROUP BY 1"
                ).fetchall()
                self.samples += 1
                for what, count in rows:
                    self.counts[str(what)] += int(count)


def _cpu_times() -> tuple[int, int]:
    """All CPUs' time since boot: total and idle (with I/O wait), in ticks."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    return sum(fields), fields[3] + fields[4]


@dataclass(frozen=True)
class Row:
    request: str
    scoring: str
    processes: int
    measured: Measurement
    waits: Counter[str]
    samples: int
    busy: float  # the share of both CPUs in use while wrk ran (everything: API, database, wrk)


def _measure(
    url: str,
    data_dir: Path,
    name: str,
    requests: list[Request],
    scoring: str,
    workers: int,
    o: Options,
) -> Row:
    wrk = Wrk(o.connections)
    listing = write_requests(data_dir / "requests.txt", requests)
    with _serving(url, data_dir, workers, scoring) as base:
        if o.warmup:
            wrk.run(base, listing, o.warmup)
        wait_for_quiet_cpus(f"{name}, {workers} processes", patience=20)
        total, idle = _cpu_times()
        with WaitSampler(url) as sampler:
            measured = wrk.run(base, listing, o.duration)
        total_after, idle_after = _cpu_times()
    busy = 1 - (idle_after - idle) / max(1, total_after - total)
    return Row(name, scoring, workers, measured, sampler.counts, sampler.samples, busy)


def table(rows: list[Row]) -> str:
    lines = [
        "| request | scoring | processes | req/s | p50 | p99 | vs 1 process | CPUs busy | errors |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    ones = {(r.request, r.scoring): r.measured.per_second for r in rows if r.processes == 1}
    for r in rows:
        one = ones.get((r.request, r.scoring))
        ratio = f"{r.measured.per_second / one:.2f}" if one else "-"
        lines.append(
            f"| {NAMES[r.request]} | {SCORING[r.scoring]} | {r.processes} | "
            f"{r.measured.per_second:,.0f} | {r.measured.p50_ms:.2f} ms | "
            f"{r.measured.p99_ms:.2f} ms | {ratio} | {r.busy:.0%} | {r.measured.errors} |"
        )
    return "\n".join(lines)


def waits(rows: list[Row]) -> str:
    """Per row, the average number of active backends waiting on each thing (top 4)."""
    lines = ["| request | scoring | processes | active backends, on average: what they wait on |"]
    lines.append("|---|---|--:|---|")
    for r in rows:
        top = ", ".join(
            f"{what} {count / max(1, r.samples):.2f}" for what, count in r.waits.most_common(4)
        )
        lines.append(f"| {NAMES[r.request]} | {SCORING[r.scoring]} | {r.processes} | {top} |")
    return "\n".join(lines)


def main() -> None:
    options = Options.from_environment()
    rows: list[Row] = []
    started = time.monotonic()
    with (
        tempfile.TemporaryDirectory(prefix="wc-processes-") as directory,
        scratch_postgres(options.postgres_url) as url,
    ):
        data_dir = Path(directory)
        subprocess.run([*WHITECELL, "db", "upgrade"], env=_environment(url, data_dir, "in"),
                       check=True, cwd=ROOT, capture_output=True)  # fmt: skip
        with _serving(url, data_dir, 1, "in") as base:
            workouts, tasks = _prepare(base, data_dir, options)
        lists = {"workout": workouts, "task": tasks}
        for request in options.requests:
            for scoring in options.scoring:
                for workers in options.processes:
                    row = _measure(
                        url, data_dir, request, lists[request], scoring, workers, options
                    )
                    rows.append(row)
                    print(table(rows[-1:]).splitlines()[-1], flush=True)
    print()
    print(table(rows))
    print()
    print(waits(rows))
    print(f"\n{len(rows)} rows in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
