"""`make bench`: build the dataset, serve it, load each path and its floor, print the table.

Settings (environment):
- BENCH_DURATION: seconds measured per endpoint (8); BENCH_WARMUP: seconds of warm-up (2);
- BENCH_CONNECTIONS: concurrent connections (8); BENCH_USERS: users (1000: 500,000 flashcards);
- BENCH_DATABASES ("sqlite,postgresql"); BENCH_CASES
  ("due,note,search,workout,workout5x4,workout5x4derived,history,cubestats,chess,chessend,coach");
- BENCH_POSTGRES_URL (postgresql://127.0.0.1:5432/test): where to create and drop the database
  `whitecell_bench` (nothing else there is touched); BENCH_KEEP_POSTGRES=1 keeps it afterwards;
- BENCH_LOADGEN=python: the fallback load generator even when wrk is installed.
"""

from __future__ import annotations

import json
import math
import os
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from bench import dataset
from bench.cases import CASES, Case
from bench.chess import MOVE_CHECKS_PER_SECOND
from bench.dataset import DATA_DIR, Manifest
from bench.load import (
    Measurement,
    PythonLoad,
    Request,
    Wrk,
    auth_header,
    load_generator,
    write_requests,
    wrk_seconds,
)
from bench.rows import PER_USER
from bench.server import running_server

SERVER_CPU, LOAD_CPU = 0, 1
PG_DATABASE = "whitecell_bench"
READS = ("due flashcards", "note by id", "notes search", "exercise history (3y)")
QUIET = 0.15  # the busiest the CPUs may be, from other work, when a measurement starts
CHECKED = 25  # requests whose answers are checked before timing
# Servers a `once` case is measured on, each with requests of its own: the gamification engine
# scoring in the API process, then elsewhere (`Case.elsewhere`).
ONCE_SERVERS = 2


@dataclass(frozen=True)
class Options:
    duration: float
    warmup: float
    connections: int
    users: int
    databases: tuple[str, ...]
    postgres_url: str
    cases: tuple[str, ...]
    python_load: bool
    keep_postgres: bool

    def once_slices(self) -> tuple[int, int, int]:
        """How many requests of a `once` case the warm-up and each measured half may take at
        most: their seconds at a generous rate (`MOVE_CHECKS_PER_SECOND`)."""
        warmup, half = (
            MOVE_CHECKS_PER_SECOND * max(wrk_seconds(d), math.ceil(d))
            for d in (self.warmup, self.duration / 2)
        )
        return warmup, half, half

    def per_user(self) -> dict[str, int]:
        """The dataset's rows per user, with enough open chess attempts that no move check of
        the run (its checks, warm-up and measured halves) meets an attempt twice: so many of
        each of the two kinds (bench/chess.py)."""
        needed = ONCE_SERVERS * (CHECKED + sum(self.once_slices()))
        return {**PER_USER, "chess_puzzle_attempts": math.ceil(needed / self.users)}

    @classmethod
    def from_environment(cls) -> Options:
        env = os.environ.get
        return cls(
            duration=float(env("BENCH_DURATION", "8")),
            warmup=float(env("BENCH_WARMUP", "2")),
            connections=int(env("BENCH_CONNECTIONS", "8")),
            users=int(env("BENCH_USERS", "1000")),
            databases=tuple(env("BENCH_DATABASES", "sqlite,postgresql").split(",")),
            postgres_url=env("BENCH_POSTGRES_URL", "postgresql://127.0.0.1:5432/test"),
            cases=tuple(
                env(
                    "BENCH_CASES",
                    "due,note,search,workout,workout5x4,workout5x4derived,history,cubestats,chess,chessend,"
                    "coach,dashpage,reviewpage",
                ).split(",")
            ),
            python_load=env("BENCH_LOADGEN", "wrk") == "python",
            keep_postgres=env("BENCH_KEEP_POSTGRES", "") == "1",
        )


@dataclass(frozen=True)
class Row:
    case: str
    database: str
    api: Measurement
    floor: Measurement

    @property
    def ratio(self) -> float:
        return self.api.per_second / self.floor.per_second if self.floor.per_second else 0.0


# -- checks before timing -----------------------------------------------------------------------


def _fetch(base: str, request: Request) -> tuple[int, Any]:
    http = urllib.request.Request(  # noqa: S310 (loopback only)
        base + request.path,
        method=request.method,
        data=request.body.encode() if request.body else None,
        headers=dict([auth_header(request.credential), ("Content-Type", "application/json")]),
    )
    try:
        with urllib.request.urlopen(http, timeout=30) as response:  # noqa: S310
            if request.cookie:  # a web page: HTML
                return response.status, response.read().decode()
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        if request.cookie:
            return error.code, error.read().decode()
        return error.code, json.loads(error.read() or b"null")


def checked_pairs(
    case: Case, api: list[Request], floor: list[Request]
) -> tuple[list[tuple[Request, Request]], list[Request]]:
    """The requests to check before timing, API and floor side by side, and the API requests
    left to time: for a `once` case, the checked ones are the first and are not timed."""
    if case.once:
        step = max(1, len(floor) // CHECKED)
        return list(zip(api[:CHECKED], floor[::step], strict=False)), api[CHECKED:]
    return list(zip(api, floor, strict=True))[:: max(1, len(api) // CHECKED)][:CHECKED], api


SETTLE_TRIES, SETTLE_SECONDS = 5, 1.0


def check_same_answers(base: str, case: Case, pairs: list[tuple[Request, Request]]) -> str:
    """Fail unless the API and the floor answer alike; describe the answers' size. Against
    another API request (a baseline, not a floor) both must just succeed, and the API's answer
    say what the case expects."""
    items = []
    for a, f in pairs:
        (status_a, body_a), (status_f, body_f) = _fetch(base, a), _fetch(base, f)
        # Writes the load generator gave up on may still be committing (the case before was a
        # write): a read is asked again until both agree or the server has been idle a while.
        # Only answers meant to be alike can settle: a baseline's (a page against its API
        # request) never will.
        alike = case.baseline == "floor" or case.alike
        for _ in range(SETTLE_TRIES if a.method == "GET" and alike else 0):
            if (status_a, body_a) == (status_f, body_f):
                break
            time.sleep(SETTLE_SECONDS)
            (status_a, body_a), (status_f, body_f) = _fetch(base, a), _fetch(base, f)
        if case.baseline != "floor" and not case.alike:
            if status_a >= 300 or status_f >= 300:
                raise SystemExit(f"{case.name}: {a.path} -> {status_a}, {f.path} -> {status_f}")
            if case.expect and (wrong := case.expect(body_a)):
                raise SystemExit(f"{case.name}: {a.method} {a.path} {a.body or ''}: {wrong}")
            continue
        if a.method == "POST":  # new ids and times differ; the rest must not
            for body in (body_a, body_f):
                for volatile in ("_id", "createdAt"):
                    body.pop(volatile, None)
        if status_a != status_f or body_a != body_f:
            raise SystemExit(
                f"{case.name}: the floor answers differently from the API\n"
                f"  API   {a.method} {a.path} -> {status_a} {str(body_a)[:300]}\n"
                f"  floor {f.method} {f.path} -> {status_f} {str(body_f)[:300]}"
            )
        if status_a >= 300:
            raise SystemExit(f"{case.name}: {a.method} {a.path} -> {status_a} {body_a}")
        if isinstance(body_a, dict) and "items" in body_a:
            items.append(len(body_a["items"]))
    if case.baseline != "floor" and not case.alike:
        return f"measured against the {case.baseline}, whose answers differ"
    if items:
        return f"{sum(items) / len(items):.1f} items per answer"
    return "one document per answer"


# -- the run ----------------------------------------------------------------------------------


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def measure_pair(
    load: Wrk | PythonLoad,
    base: str,
    api_files: Sequence[Path],
    floor_file: Path,
    options: Options,
    *,
    once: bool = False,
) -> tuple[Measurement, Measurement]:
    """Warm both up, then measure in the order API, floor, floor, API (drift cancels out).
    `api_files`: the API's requests for the warm-up and the two halves (one file thrice, or
    with `once`, three parts of a list each walked once: a run that takes more requests than
    its part holds stops the benchmark)."""
    warm_api, first_api, second_api = api_files

    def api_run(requests_file: Path, seconds: float) -> Measurement:
        measured = load.run(base, requests_file, seconds, once=once)
        size = len(requests_file.read_text().splitlines())
        if once and measured.sent > size:
            raise SystemExit(
                f"{requests_file.name}: the load took {measured.sent:,} requests from a list of "
                f"{size:,}, so some were sent twice: raise MOVE_CHECKS_PER_SECOND (bench/chess.py)"
            )
        return measured

    api_run(warm_api, options.warmup)
    load.run(base, floor_file, options.warmup)
    half = options.duration / 2
    api = [api_run(first_api, half)]
    floor = [load.run(base, floor_file, half), load.run(base, floor_file, half)]
    api.append(api_run(second_api, half))
    return combine(api), combine(floor)


def combine(parts: list[Measurement]) -> Measurement:
    """Counts add up; the percentiles are the mean of the parts' (parts are equally long)."""
    return Measurement(
        requests=sum(p.requests for p in parts),
        seconds=sum(p.seconds for p in parts),
        errors=sum(p.errors for p in parts),
        p50_ms=sum(p.p50_ms for p in parts) / len(parts),
        p99_ms=sum(p.p99_ms for p in parts) / len(parts),
        sent=sum(p.sent for p in parts),
    )


def cpu_busy(seconds: float = 1.0) -> float | None:
    """The share of CPU time other processes used over `seconds` (None off Linux)."""

    def sample() -> tuple[int, int]:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
        return sum(fields), fields[3] + fields[4]  # total, idle + iowait

    try:
        total_0, idle_0 = sample()
        time.sleep(seconds)
        total_1, idle_1 = sample()
    except OSError:
        return None
    return 1 - (idle_1 - idle_0) / max(1, total_1 - total_0)


def wait_for_quiet_cpus(label: str, patience: float = 60) -> float | None:
    """Wait up to `patience` seconds for other work (a test run...) to leave the CPUs."""
    deadline = time.monotonic() + patience
    busy = cpu_busy()
    if busy is not None and busy > QUIET:
        log(f"{label}: the CPUs are {busy:.0%} busy with other work; waiting up to {patience:g} s")
    while busy is not None and busy > QUIET and time.monotonic() < deadline:
        busy = cpu_busy(2.0)
    return busy


def measure_database(
    label: str,
    url: str,
    manifest: Manifest,
    options: Options,
    load: Wrk | PythonLoad,
    notes: list[str],
) -> list[Row]:
    busy = wait_for_quiet_cpus(label)
    if busy is not None and busy > QUIET:
        notes.append(f"Warning: other processes kept the CPUs {busy:.0%} busy at the {label} run.")
        log(notes[-1])
    work = DATA_DIR / f"server-{label.lower()}"
    work.mkdir(parents=True, exist_ok=True)
    rows = []
    chosen = [c for c in CASES if c.key in options.cases]
    with running_server(url, work, cpu=SERVER_CPU) as base:
        for case in chosen:
            rows.append(measure_case(label, case, base, work, manifest, options, load))
    if scored := [c for c in chosen if c.elsewhere]:
        # The same writes with the gamification engine out of the API process (as with
        # `whitecell gamification run` elsewhere): what scoring in-process costs, side by side.
        elsewhere = {"WHITECELL_GAMIFICATION_ENABLED": "false"}
        with running_server(url, work, cpu=SERVER_CPU, environment=elsewhere) as base:
            for case in scored:
                case = replace(case, name=f"{case.name}, scoring elsewhere")
                rows.append(measure_case(label, case, base, work, manifest, options, load, 1))
    return rows


def measure_case(
    label: str,
    case: Case,
    base: str,
    work: Path,
    manifest: Manifest,
    options: Options,
    load: Wrk | PythonLoad,
    server: int = 0,
) -> Row:
    """`server`: which server of the case this is (0, then 1 for "scoring elsewhere"); a `once`
    case takes that server's own part of its requests."""
    api, floor = case.requests(manifest)
    sizes = options.once_slices()
    if case.once:
        span = CHECKED + sum(sizes)
        api = api[server * span : (server + 1) * span]
        if len(api) < span:
            raise SystemExit(
                f"{case.name}: {len(api):,} requests to send once, {span:,} needed: the dataset "
                "was built for a shorter run"
            )
    pairs, api = checked_pairs(case, api, floor)
    slug = case.name.replace(" ", "-").replace(",", "")
    if case.once:  # the warm-up and each half walk a part of their own
        starts = [sum(sizes[:i]) for i in range(3)]
        api_files = [
            write_requests(work / f"{slug}.api.{part}.tsv", api[start : start + size])
            for part, start, size in zip(("warmup", "1", "2"), starts, sizes, strict=True)
        ]
    else:
        api_files = [write_requests(work / f"{slug}.api.tsv", api)] * 3
    floor_file = write_requests(work / f"{slug}.floor.tsv", floor)
    described = check_same_answers(base, case, pairs)
    log(f"{label}: {case.name}: API and floor answer alike ({described}); measuring")
    api_result, floor_result = measure_pair(
        load, base, api_files, floor_file, options, once=case.once
    )
    log(
        f"{label}: {case.name}: API {api_result.per_second:,.0f}/s, "
        f"floor {floor_result.per_second:,.0f}/s"
    )
    return Row(case.name, label, api_result, floor_result)


def table(rows: list[Row]) -> str:
    lines = [
        "| endpoint | DB | API req/s | p50 | p99 | floor req/s | p50 | p99 | ratio |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for r in rows:
        errors = r.api.errors + r.floor.errors
        lines.append(
            f"| {r.case} | {r.database} | {r.api.per_second:,.0f} | {r.api.p50_ms:.2f} ms | "
            f"{r.api.p99_ms:.2f} ms | {r.floor.per_second:,.0f} | {r.floor.p50_ms:.2f} ms | "
            f"{r.floor.p99_ms:.2f} ms | {r.ratio:.2f}{f' ({errors} errors!)' if errors else ''} |"
        )
    return "\n".join(lines)


def verdict(rows: list[Row]) -> str:
    below = [r for r in rows if r.case in READS and r.ratio < 0.5]
    goals = {c.name: c for c in CASES if c.baseline != "floor" and c.goal is not None}
    against = [
        f"{r.case} on {r.database}: {r.ratio:.2f} of the {goals[r.case].baseline} (goal >= "
        f"{goals[r.case].goal:.2f})"
        for r in rows
        if r.case in goals
    ]
    extra = f" {'; '.join(against)}." if against else ""
    if below:
        missed = ", ".join(f"{r.case} on {r.database} ({r.ratio:.2f})" for r in below)
        return f"Goal (every read path >= 0.5 of its floor) missed by: {missed}.{extra}"
    return "Goal met: every read path is at >= 0.5 of its floor, authentication included." + extra


def main() -> None:
    options = Options.from_environment()
    started = time.perf_counter()
    load = load_generator(options.connections, LOAD_CPU, options.python_load)
    if isinstance(load, PythonLoad):
        log(
            "wrk not found (or BENCH_LOADGEN=python): using the Python load generator, whose "
            "req/s are a lower bound. Install wrk for real figures: apt-get install -y wrk"
        )
    rows: list[Row] = []
    notes: list[str] = []
    if "sqlite" in options.databases:
        url, manifest = dataset.sqlite_dataset(options.users, log, options.per_user())
        notes.append(f"SQLite dataset: {_counts(manifest)}")
        rows += measure_database("SQLite", url, manifest, options, load, notes)
    if "postgresql" in options.databases:
        problem = dataset.postgres_reachable(options.postgres_url)
        if problem:
            log(f"PostgreSQL skipped: cannot connect to {options.postgres_url}: {problem}")
            notes.append("PostgreSQL: skipped (unreachable)")
        else:
            try:
                url, manifest = dataset.postgres_dataset(
                    options.postgres_url, PG_DATABASE, options.users, log, options.per_user()
                )
                notes.append(f"PostgreSQL dataset: {_counts(manifest)}")
                rows += measure_database("PostgreSQL", url, manifest, options, load, notes)
            finally:
                if not options.keep_postgres:
                    dataset.drop_postgres(options.postgres_url, PG_DATABASE)
    elapsed = time.perf_counter() - started
    report = "\n".join(
        [
            table(rows),
            "",
            verdict(rows),
            "",
            *notes,
            f"Load: {load.name}, {options.connections} connections, {options.duration:g} s per "
            f"endpoint after {options.warmup:g} s of warm-up; server: 1 uvicorn worker.",
            f"Total time: {elapsed:.0f} s.",
        ]
    )
    print(report)
    (DATA_DIR / "results.md").write_text(report + "\n")


def _counts(manifest: Manifest) -> str:
    return ", ".join(f"{n:,} {t}" for t, n in sorted(manifest.counts.items(), key=lambda x: -x[1]))


if __name__ == "__main__":
    main()
