"""`make bench-realtime`: live updates at 1,000 subscribers, on SQLite (one API process) and on
PostgreSQL (two API processes: writes through the first, subscribers spread over both).

Each run signs up `USERS` people, opens `CONNECTIONS_PER_USER` WebSocket connections for each,
spread over the processes, and subscribes each connection to `SUBSCRIPTIONS` views: the user's
notes, their notes of one subject, their tasks, workouts and flashcards. Then a writer creates
notes for a few of the users (`WRITERS`) at a steady rate, one at a time, through the first
process. A note reaches the subscriptions to that user's notes (and to the subject's view when
it matches); every other subscription must not see it, so most of the work of the feed is
deciding who does not get a change.

Measured per delivery: from the note's `createdAt` (the server's clock, set inside the write
transaction, just before it commits; the same machine's clock as the client's) to the moment the
change arrives at the subscriber: "write to delivery", an upper bound of commit to delivery.
Every expected delivery is checked: none missing, none twice, none to a subscription that must
not see it; any is a failure (exit status 1).

The servers run on CPU 0 and this process (the subscribers and the writer) on CPU 1 when
`taskset` exists; PostgreSQL runs where the system puts it.

    python -m bench.fanout
    BENCH_DATABASES=postgresql BENCH_WRITES=100 python -m bench.fanout

Settings (environment): BENCH_DATABASES ("sqlite,postgresql"; PostgreSQL needs
BENCH_POSTGRES_URL, default postgresql://127.0.0.1:5432/test, where a scratch database is
created and dropped), BENCH_USERS (50), BENCH_CONNECTIONS_PER_USER (4), BENCH_WRITERS (5),
BENCH_WRITES (500), BENCH_WRITE_RATE (writes a second, 50).
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import websockets

from bench.fuzz import scratch_postgres, sign_up
from bench.server import ROOT, free_port, server_environment, serving_process

SERVER_CPU, LOAD_CPU = "0", 1
SUBJECT = "Fan-out"
SUBSCRIPTIONS: list[dict[str, Any]] = [
    {"table": "notes"},
    {"table": "notes", "filter": {"subject": SUBJECT}},
    {"table": "daily_tasks"},
    {"table": "workouts"},
    {"table": "flashcards"},
]


@dataclass(frozen=True)
class Options:
    databases: tuple[str, ...]
    users: int
    connections_per_user: int
    writers: int
    writes: int
    rate: float
    postgres_url: str

    @classmethod
    def from_environment(cls) -> Options:
        env = os.environ.get
        return cls(
            databases=tuple(env("BENCH_DATABASES", "sqlite,postgresql").split(",")),
            users=int(env("BENCH_USERS", "50")),
            connections_per_user=int(env("BENCH_CONNECTIONS_PER_USER", "4")),
            writers=int(env("BENCH_WRITERS", "5")),
            writes=int(env("BENCH_WRITES", "500")),
            rate=float(env("BENCH_WRITE_RATE", "50")),
            postgres_url=env("BENCH_POSTGRES_URL", "postgresql://127.0.0.1:5432/test"),
        )


@dataclass
class Tally:
    """What the subscribers received, keyed by (connection, subscription, note id)."""

    arrivals: dict[tuple[int, str, str], float] = field(default_factory=dict)
    repeated: int = 0


def _environment(database_url: str, data_dir: Path) -> dict[str, str]:
    # Sign-up limits raised for the bench's many accounts from one address; every connection
    # of a user on one process counts against the per-user limit.
    return server_environment(
        database_url,
        data_dir,
        {
            "WHITECELL_RATE_OTP_REQUEST_IP": "100000/60",
            "WHITECELL_RATE_LOGIN_IP": "100000/60",
            "WHITECELL_REALTIME_CONNECTIONS_PER_USER": "100",
        },
    )


@contextmanager
def _servers(database: str, count: int, options: Options) -> Iterator[tuple[list[str], Path]]:
    """`count` API processes on one database (migrated first); their base URLs."""
    with ExitStack() as stack:
        data_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="wc-fanout-")))
        if database == "sqlite":
            url = f"sqlite:///{data_dir / 'whitecell.db'}"
        else:
            url = stack.enter_context(scratch_postgres(options.postgres_url))
        environment = _environment(url, data_dir)
        whitecell = [sys.executable, "-m", "whitecell"]
        subprocess.run([*whitecell, "db", "upgrade"], env=environment, check=True, cwd=ROOT)
        bases = []
        for n in range(count):
            port = free_port()
            command = [*whitecell, "serve", "--host", "127.0.0.1", "--port", str(port)]
            if shutil.which("taskset"):
                command = ["taskset", "-c", SERVER_CPU, *command]
            logs = data_dir / f"process-{n}"  # its server.log; the data directory is shared
            logs.mkdir()
            bases.append(stack.enter_context(serving_process(command, port, logs, environment)))
        yield bases, data_dir


async def _subscribe(
    base: str, token: str, connection: int, tally: Tally
) -> tuple[Any, asyncio.Task[None]]:
    """One connection with its subscriptions, snapshots received; its reader task."""
    url = base.replace("http://", "ws://") + "/api/v1/realtime"
    socket = await websockets.connect(
        url, additional_headers={"Authorization": f"Bearer {token}"}, max_queue=None
    )
    ready = json.loads(await socket.recv())
    assert ready["type"] == "ready", ready
    for n, view in enumerate(SUBSCRIPTIONS):
        await socket.send(json.dumps({"type": "subscribe", "id": f"s{n}", **view}))
    pending = {f"s{n}" for n in range(len(SUBSCRIPTIONS))}
    while pending:
        message = json.loads(await socket.recv())
        assert message["type"] == "snapshot", message
        pending.discard(message["id"])

    async def read() -> None:
        async for raw in socket:
            now = time.time()
            message = json.loads(raw)
            if message.get("type") != "change":
                continue
            key = (connection, message["id"], message["_id"])
            if key in tally.arrivals:
                tally.repeated += 1
            elif message["document"] is not None:
                created = datetime.fromisoformat(message["document"]["createdAt"])
                tally.arrivals[key] = now - created.timestamp()

    return socket, asyncio.create_task(read())


async def _measure(bases: list[str], tokens: list[str], options: Options) -> dict[str, Any]:
    tally = Tally()
    sockets, readers = [], []
    connections: list[int] = []  # connection number -> user
    for user, token in enumerate(tokens):
        for c in range(options.connections_per_user):
            base = bases[(user + c) % len(bases)]  # spread over the processes
            connection = len(connections)
            connections.append(user)
            socket, reader = await _subscribe(base, token, connection, tally)
            sockets.append(socket)
            readers.append(reader)
    subscribers = len(sockets) * len(SUBSCRIPTIONS)
    expected: set[tuple[int, str, str]] = set()
    async with httpx.AsyncClient(base_url=bases[0], timeout=30) as http:
        started = time.monotonic()
        for n in range(options.writes):
            user = n % options.writers
            subject = SUBJECT if n % 2 else "Other"
            body = {"title": f"note {n}", "content": "fan-out", "subject": subject, "tags": []}
            answer = await http.post(
                "/api/v1/notes", json=body, headers={"Authorization": f"Bearer {tokens[user]}"}
            )
            answer.raise_for_status()
            note = answer.json()["_id"]
            for connection, owner in enumerate(connections):
                if owner == user:
                    expected.add((connection, "s0", note))
                    if subject == SUBJECT:
                        expected.add((connection, "s1", note))
            # A steady rate: the next write at its slot, whatever this one took.
            await asyncio.sleep(max(0.0, started + (n + 1) / options.rate - time.monotonic()))
        elapsed = time.monotonic() - started
    # The last deliveries: a second after the last write is plenty (p99 is milliseconds).
    await asyncio.sleep(1.0)
    for socket in sockets:
        await socket.close()
    for reader in readers:
        reader.cancel()
    latencies = sorted(tally.arrivals[key] for key in expected if key in tally.arrivals)
    missing = len(expected - tally.arrivals.keys())
    return {
        "subscribers": subscribers,
        "matching": len({(c, s) for c, s, _ in expected}),
        "writes": options.writes,
        "deliveries": len(latencies),
        "per_second": len(latencies) / elapsed,
        "p50": statistics.quantiles(latencies, n=100)[49] if len(latencies) > 1 else 0,
        "p99": statistics.quantiles(latencies, n=100)[98] if len(latencies) > 1 else 0,
        "max": latencies[-1] if latencies else 0,
        "missing": missing,
        "repeated": tally.repeated,
        "unexpected": len(tally.arrivals.keys() - expected),
    }


def run(database: str, options: Options) -> dict[str, Any]:
    processes = 1 if database == "sqlite" else 2
    with _servers(database, processes, options) as (bases, data_dir):
        tokens = [
            sign_up(bases[0], data_dir / "outbox", f"fan{n}@example.com")
            for n in range(options.users)
        ]
        result = asyncio.run(_measure(bases, tokens, options))
    result["setup"] = f"{'SQLite' if database == 'sqlite' else 'PostgreSQL'}, {processes} process"
    result["setup"] += "es" if processes > 1 else ""
    return result


def table(results: list[dict[str, Any]]) -> str:
    lines = [
        "| setup | subscribers | matching a write | writes | deliveries | deliveries/s | "
        "p50 | p99 | max | missing | repeated | unexpected |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for r in results:
        lines.append(
            f"| {r['setup']} | {r['subscribers']:,} | {r['matching']} | {r['writes']} | "
            f"{r['deliveries']:,} | {r['per_second']:,.0f} | {r['p50'] * 1000:.1f} ms | "
            f"{r['p99'] * 1000:.1f} ms | {r['max'] * 1000:.1f} ms | {r['missing']} | "
            f"{r['repeated']} | {r['unexpected']} |"
        )
    return "\n".join(lines)


def main() -> None:
    options = Options.from_environment()
    if shutil.which("taskset"):
        os.sched_setaffinity(0, {LOAD_CPU})
    results = [run(database, options) for database in options.databases]
    print(table(results))
    print(
        "\nLatency: write to delivery, from the note's createdAt (server clock, inside the "
        "write transaction) to its arrival at the subscriber."
    )
    bad = [r for r in results if r["missing"] or r["repeated"] or r["unexpected"]]
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
