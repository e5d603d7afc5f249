"""The load of the crash loop (bench/crashloop.py): a real `whitecell serve` on one SQLite data
directory, started and killed at will; people signed in through its development outbox; writer
threads that create notes and workouts and keep a ledger of what each answer told them."""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx

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
            # The writers write as fast as the server answers: far past a person's write limits.
            "WHITECELL_RATE_WRITE_USER_FAMILY": "100000000/60",
            "WHITECELL_RATE_WRITE_USER": "100000000/60",
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
