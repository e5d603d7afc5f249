"""Two `whitecell serve` processes on one PostgreSQL database: a change committed through one
reaches a subscriber connected to the other (LISTEN/NOTIFY wakes it, the change log carries it)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import orjson
import pytest
from websockets.asyncio.client import connect

from tests.samples import sample_body
from tests.support import POSTGRES_URL, free_port, person
from whitecell.core.config import Settings
from whitecell.server import create_context

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        not POSTGRES_URL, reason="several processes need PostgreSQL (SQLite runs one process)"
    ),
]


@pytest.fixture
def two_servers(database_url: str, tmp_path: Path) -> Iterator[list[str]]:
    processes, bases = [], []
    try:
        for number in range(2):
            port = free_port()
            env = {
                **os.environ,
                "WHITECELL_DATA_DIR": str(tmp_path / f"data{number}"),
                "WHITECELL_DATABASE_URL": database_url,
                "WHITECELL_PORT": str(port),
                "WHITECELL_SECRET_KEY": "test-secret-key-not-for-production",
                "WHITECELL_SMTP_HOST": "",
                "WHITECELL_RATE_LIMIT_ENABLED": "false",
            }
            processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", "whitecell", "serve"],
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
            bases.append(f"127.0.0.1:{port}")
        for base in bases:
            for _ in range(300):
                try:
                    if httpx.get(f"http://{base}/readyz").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.05)
            else:
                pytest.fail("a server did not become ready")
        yield bases
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=15)


async def test_a_change_through_one_process_reaches_a_subscriber_of_the_other(
    two_servers: list[str], settings_for: Callable[..., Settings]
) -> None:
    first, second = two_servers
    context = create_context(settings_for())
    await context.store.open()
    try:
        ada = await person(context, "ada@example.com")
    finally:
        await context.store.close()
    async with httpx.AsyncClient() as http:
        headers = ada.headers
        async with connect(f"ws://{first}/api/v1/realtime", additional_headers=headers) as ws:
            assert orjson.loads(await ws.recv())["type"] == "ready"
            await ws.send(orjson.dumps({"type": "subscribe", "id": "n", "table": "notes"}).decode())
            snapshot = orjson.loads(await ws.recv())
            assert snapshot["type"] == "snapshot"
            created = await http.post(
                f"http://{second}/api/v1/notes", json=sample_body("notes"), headers=headers
            )
            assert created.status_code == 201
            change = orjson.loads(await _recv(ws))
            assert (change["op"], change["_id"]) == ("insert", created.json()["_id"])
            assert change["seq"] == int(created.headers["X-Change-Seq"])


async def _recv(ws: object) -> str | bytes:
    import asyncio

    while True:
        raw = await asyncio.wait_for(ws.recv(), 5)  # type: ignore[attr-defined]
        if orjson.loads(raw)["type"] != "ping":
            return raw  # type: ignore[no-any-return]
