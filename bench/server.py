"""Run the benchmarked server (`bench.app`) as `whitecell serve` runs White Cell, and wait for it.

`python -m bench.server PORT` is the server process: uvicorn with one worker and the options of
`whitecell serve`, minus per-request logging (the log level is WARNING).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECRET_KEY = "bench-secret-key-not-for-production-0123456789abcdef"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def server_environment(
    database_url: str, data_dir: Path, extra: dict[str, str] | None = None
) -> dict[str, str]:
    return {
        **os.environ,
        "WHITECELL_DATABASE_URL": database_url,
        "WHITECELL_DATA_DIR": str(data_dir),
        "WHITECELL_SECRET_KEY": SECRET_KEY,
        "WHITECELL_LOG_LEVEL": "WARNING",
        "WHITECELL_SMTP_HOST": "",
        # Rate limits stay on, as in production: the benchmark never logs in (its sessions are
        # made with the dataset). Its few users write far faster than people do (the 5x4 rows
        # take 20), so the write limits are raised out of reach: counted as ever, never refused.
        "WHITECELL_RATE_WRITE_USER_FAMILY": "100000000/60",
        "WHITECELL_RATE_WRITE_USER": "100000000/60",
        **(extra or {}),
    }


@contextmanager
def running_server(
    database_url: str,
    data_dir: Path,
    cpu: int | None = None,
    environment: dict[str, str] | None = None,
) -> Iterator[str]:
    """The server's base URL while it runs; pinned to `cpu` when `taskset` exists."""
    port = free_port()
    command = [sys.executable, "-m", "bench.server", str(port)]
    if cpu is not None and shutil.which("taskset"):
        command = ["taskset", "-c", str(cpu), *command]
    settings = server_environment(database_url, data_dir, environment)
    with serving_process(command, port, data_dir, settings) as base:
        yield base


@contextmanager
def serving_process(
    command: list[str], port: int, data_dir: Path, environment: dict[str, str]
) -> Iterator[str]:
    """Run `command` (a server listening on `port`, logging to `<data_dir>/server.log`); its base
    URL once `/readyz` answers, and the process stopped afterwards."""
    log = (data_dir / "server.log").open("wb")
    process = subprocess.Popen(command, cwd=ROOT, env=environment, stderr=log, stdout=log)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base, process)
        yield base
    finally:
        stop(process)
        log.close()


def stop(process: subprocess.Popen[bytes]) -> None:
    """Ask the server to stop; kill it if it has not within 15 s."""
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wait_ready(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}: see server.log")
        try:
            with urllib.request.urlopen(f"{base}/readyz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    raise RuntimeError("the server did not become ready within 60 s")


def main() -> None:
    import uvicorn

    uvicorn.run(
        "bench.app:create",
        factory=True,
        host="127.0.0.1",
        port=int(sys.argv[1]),
        workers=1,
        proxy_headers=True,
        forwarded_allow_ips="127.0.0.1",
        log_config=None,
        log_level="warning",
        access_log=False,
        server_header=False,
    )


if __name__ == "__main__":
    main()
