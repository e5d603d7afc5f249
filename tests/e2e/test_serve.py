"""The README's path, over real HTTP: migrate, serve, ask for a code, read it from the dev outbox,
sign in, and fetch my profile from a `whitecell serve` process on loopback."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support import free_port, scratch_database

pytestmark = pytest.mark.e2e


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    with scratch_database(tmp_path) as url:
        port = free_port()
        env = {
            **os.environ,
            "WHITECELL_DATA_DIR": str(tmp_path / "data"),
            "WHITECELL_DATABASE_URL": url,
            "WHITECELL_PORT": str(port),
            "WHITECELL_SMTP_HOST": "",
        }
        command = [sys.executable, "-m", "whitecell"]
        subprocess.run([*command, "db", "upgrade"], env=env, check=True, capture_output=True)
        process = subprocess.Popen([*command, "serve"], env=env, stderr=subprocess.PIPE)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(200):
                try:
                    if httpx.get(f"{base}/readyz").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.05)
            else:
                pytest.fail("the server did not become ready")
            yield base, tmp_path / "data" / "outbox"
        finally:
            process.terminate()
            _, logs = process.communicate(timeout=10)
            # uvicorn re-raises SIGTERM after a graceful shutdown, hence -15 rather than 0.
            assert process.returncode in {0, -15}
            assert b"Application shutdown complete" in logs


def read_code(outbox: Path, email: str) -> str:
    for _ in range(200):
        for message in outbox.glob("*.eml"):
            content = message.read_text()
            if f"To: {email}" in content:
                match = re.search(r"code is (\d{6})", content)
                assert match
                return match.group(1)
        time.sleep(0.05)
    raise AssertionError("no code in the outbox")


def test_login_from_the_outbox_then_read_my_profile(server: tuple[str, Path]) -> None:
    base, outbox = server
    with httpx.Client(base_url=base) as http:
        assert http.post("/api/v1/auth/otp", json={"email": "you@example.com"}).status_code == 202
        code = read_code(outbox, "you@example.com")
        login = http.post(
            "/api/v1/auth/otp/verify", json={"email": "you@example.com", "code": code}
        )
        assert login.status_code == 200
        token = login.json()["token"]
        me = http.get("/api/v1/users/me", headers={"Authorization": f"Bearer {token}"})
        assert me.status_code == 200
        assert me.json()["email"] == "you@example.com"
        assert http.get("/openapi.json").status_code == 200
