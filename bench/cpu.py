"""The server's CPU time per request, for the API and its floor: `python -m bench.cpu`.

Requests per second on this 2-core machine swing by 20-40% from run to run (the floor alone
has moved between 960 and 1,500 req/s on one afternoon), more than most changes move them. What
a request costs the server is steadier: the CPU time the server process used while the load ran
(`/proc/<pid>/stat`, every thread: the WAL checkpoint thread included), divided by the requests
answered. The server runs on one core and wrk on the other, as in `bench.run`; each case's API
and floor are measured in turn, `BENCH_CPU_ROUNDS` times (3), and the table shows each round.

Settings (environment): BENCH_DATABASES ("sqlite"), BENCH_CASES ("workout,note"),
BENCH_USERS (100), BENCH_DURATION (8: seconds measured each time), BENCH_POSTGRES_URL.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from bench import dataset
from bench.cases import CASES
from bench.dataset import DATA_DIR, Manifest
from bench.load import Request, Wrk, write_requests
from bench.run import LOAD_CPU, PG_DATABASE, SERVER_CPU, log
from bench.server import running_server

WARMUP_SECONDS = 2.0


@dataclass(frozen=True)
class Cost:
    per_second: float
    cpu_ms: float  # server CPU milliseconds per answered request


def server_pid(base: str) -> int:
    """The process serving `base` (bench/server.py runs `python -m bench.server PORT`)."""
    port = base.rsplit(":", 1)[1]
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"bench.server" in argv and port.encode() in argv:
            return int(entry.name)
    raise RuntimeError(f"no bench.server process for {base}")


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of the process, all its threads."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cost(load: Wrk, base: str, pid: int, requests_file: Path, seconds: float) -> Cost:
    load.run(base, requests_file, WARMUP_SECONDS)
    before = cpu_seconds(pid)
    measured = load.run(base, requests_file, seconds)
    used = cpu_seconds(pid) - before
    return Cost(measured.per_second, 1000 * used / max(1, measured.requests))


def main() -> None:
    env = os.environ.get
    users, seconds = int(env("BENCH_USERS", "100")), float(env("BENCH_DURATION", "8"))
    rounds = int(env("BENCH_CPU_ROUNDS", "3"))
    keys = env("BENCH_CASES", "workout,note").split(",")
    lines = [
        "| case | DB | round | API req/s | API CPU ms/request | floor req/s "
        "| floor CPU ms/request | CPU ratio (floor / API) |",
        "|---|---|--:|--:|--:|--:|--:|--:|",
    ]
    for database in env("BENCH_DATABASES", "sqlite").split(","):
        if database == "sqlite":
            url, manifest = dataset.sqlite_dataset(users, log)
        else:
            admin = env("BENCH_POSTGRES_URL", "postgresql://127.0.0.1:5432/test")
            url, manifest = dataset.postgres_dataset(admin, PG_DATABASE, users, log)
        try:
            lines += _measure(database, url, manifest, keys, rounds, seconds)
        finally:
            if database != "sqlite":
                dataset.drop_postgres(admin, PG_DATABASE)
    print("\n".join(lines))


def _measure(
    database: str, url: str, manifest: Manifest, keys: list[str], rounds: int, seconds: float
) -> list[str]:
    """The table's rows of one database: each case's API and floor in turn, `rounds` times."""
    load = Wrk(connections=8, cpu=LOAD_CPU)
    work = DATA_DIR / f"server-{database}"
    work.mkdir(parents=True, exist_ok=True)
    lines = []
    with running_server(url, work, cpu=SERVER_CPU) as base:
        pid = server_pid(base)
        # Against a floor (not another API request), and sent again and again (not `once`).
        for case in (c for c in CASES if c.key in keys and c.baseline == "floor" and not c.once):
            api, floor = case.requests(manifest)
            files = [_requests(work, f"cpu-{case.key}-api", api)]
            files.append(_requests(work, f"cpu-{case.key}-floor", floor))
            for round_ in range(1, rounds + 1):
                a, f = (cost(load, base, pid, file, seconds) for file in files)
                log(f"{database}: {case.name}, round {round_}: {a.cpu_ms:.3f}, {f.cpu_ms:.3f} ms")
                lines.append(
                    f"| {case.name} | {database} | {round_} | {a.per_second:,.0f} "
                    f"| {a.cpu_ms:.3f} | {f.per_second:,.0f} | {f.cpu_ms:.3f} "
                    f"| {f.cpu_ms / a.cpu_ms:.2f} |"
                )
    return lines


def _requests(work: Path, name: str, requests: list[Request]) -> Path:
    return write_requests(work / f"{name}.txt", requests)


if __name__ == "__main__":
    main()
