"""Load generators: wrk (preferred), or a small asyncio client when wrk is not installed.

Both keep `connections` HTTP/1.1 keep-alive connections busy for `duration` seconds, cycling
through a list of prepared requests (one user's token and target per line), and report requests
per second with p50/p99 latency, and how many requests they took from the list (`sent`). With
`once`, the list is walked from its first line, in order: a list of requests that must not be
repeated (a chess move changes its attempt) is long enough when `sent` stays within it. The
Python client shares the CPU with the server and spends far more per request than wrk: its
figures are a lower bound, and only its ratios mean much.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

LUA_SCRIPT = Path(__file__).resolve().parent / "requests.lua"


# A web page carries the session in its cookie, not a bearer header: its line's token field is
# the token after this prefix (requests.lua and `_encode` send it as the `wc_session` cookie).
COOKIE_PREFIX = "cookie:"
SESSION_COOKIE = "wc_session"


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    token: str
    body: str | None = None
    cookie: bool = False  # a page of the web app: the token goes in the session cookie

    @property
    def credential(self) -> str:
        """The token field of the request's line (COOKIE_PREFIX marks a page's cookie)."""
        return f"{COOKIE_PREFIX}{self.token}" if self.cookie else self.token


def auth_header(credential: str) -> tuple[str, str]:
    """The header a line's token field stands for: the session cookie or a bearer token."""
    if credential.startswith(COOKIE_PREFIX):
        return "Cookie", f"{SESSION_COOKIE}={credential.removeprefix(COOKIE_PREFIX)}"
    return "Authorization", f"Bearer {credential}"


@dataclass(frozen=True)
class Measurement:
    requests: int
    seconds: float
    errors: int  # socket errors, timeouts and 4xx/5xx answers
    p50_ms: float
    p99_ms: float
    sent: int = 0  # requests taken from the list (answered, failed or still in flight at the end)

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def write_requests(path: Path, requests: list[Request]) -> Path:
    lines = [
        "\t".join([r.method, r.path, r.credential, *([r.body] if r.body else [])]) for r in requests
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


class Wrk:
    name = "wrk"

    def __init__(self, connections: int, cpu: int | None = None) -> None:
        self.connections, self.cpu = connections, cpu

    def run(
        self, base: str, requests_file: Path, duration: float, *, once: bool = False
    ) -> Measurement:
        command = [
            "wrk", "-t1", f"-c{self.connections}", f"-d{wrk_seconds(duration)}s",
            "--timeout", "10s", "-s", str(LUA_SCRIPT), base, "--", str(requests_file),
            *(["once"] if once else []),
        ]  # fmt: skip
        if self.cpu is not None and shutil.which("taskset"):
            command = ["taskset", "-c", str(self.cpu), *command]
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
        line = next(x for x in output.splitlines() if x.startswith('{"requests"'))
        raw = json.loads(line)
        errors = sum(raw[k] for k in ("connect", "read", "write", "status", "timeout"))
        return Measurement(
            requests=int(raw["requests"]),
            seconds=raw["duration_us"] / 1e6,
            errors=int(errors),
            p50_ms=raw["p50_us"] / 1000,
            p99_ms=raw["p99_us"] / 1000,
            sent=int(raw["sent"]),
        )


def wrk_seconds(duration: float) -> int:
    """How long a run of `duration` lasts (wrk takes whole seconds)."""
    return max(1, round(duration))


class PythonLoad:
    """The fallback: asyncio streams, one coroutine per connection, raw HTTP/1.1; the
    connections take the list's requests in turn (one event loop: no two take the same)."""

    name = "python (lower bound)"

    def __init__(self, connections: int) -> None:
        self.connections = connections

    def run(
        self, base: str, requests_file: Path, duration: float, *, once: bool = False
    ) -> Measurement:
        """`once` changes nothing here: the list is always walked from its first line."""
        host = urlsplit(base).hostname or "127.0.0.1"
        prepared = [_encode(line, host) for line in requests_file.read_text().splitlines()]
        return asyncio.run(self._run(base, prepared, duration))

    async def _run(self, base: str, prepared: list[bytes], duration: float) -> Measurement:
        url = urlsplit(base)
        host, port = url.hostname or "127.0.0.1", url.port or 80
        latencies: list[float] = []
        errors = sent = 0
        started = time.perf_counter()
        deadline = started + duration

        async def connection() -> None:
            nonlocal errors, sent
            reader, writer = await asyncio.open_connection(host, port)
            try:
                while time.perf_counter() < deadline:
                    request = prepared[sent % len(prepared)]
                    sent += 1
                    started_at = time.perf_counter()
                    writer.write(request)
                    head = await reader.readuntil(b"\r\n\r\n")
                    length = 0
                    for header in head.split(b"\r\n")[1:]:
                        if header[:15].lower() == b"content-length:":
                            length = int(header[15:])
                    await reader.readexactly(length)
                    latencies.append(time.perf_counter() - started_at)
                    if not head.startswith(b"HTTP/1.1 2"):
                        errors += 1
            finally:
                writer.close()

        await asyncio.gather(*(connection() for _ in range(self.connections)))
        elapsed = time.perf_counter() - started
        latencies.sort()
        if not latencies:
            return Measurement(0, elapsed, errors, 0.0, 0.0, sent)
        return Measurement(
            requests=len(latencies),
            seconds=elapsed,
            errors=errors,
            p50_ms=latencies[len(latencies) // 2] * 1000,
            p99_ms=latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
            sent=sent,
        )


def _encode(line: str, host: str) -> bytes:
    method, path, token, *rest = line.split("\t")
    body = rest[0].encode() if rest else b""
    name, value = auth_header(token)
    head = f"{method} {path} HTTP/1.1\r\nHost: {host}\r\n{name}: {value}\r\n"
    if body:
        head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
    return (head + "\r\n").encode() + body


def load_generator(connections: int, cpu: int | None, force_python: bool) -> Wrk | PythonLoad:
    if shutil.which("wrk") and not force_python:
        return Wrk(connections, cpu)
    return PythonLoad(connections)
