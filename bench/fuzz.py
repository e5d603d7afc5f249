"""`make fuzz`: schemathesis over every operation of /openapi.json, against a real server.

For each database (a fresh SQLite data directory; a scratch PostgreSQL database when
WHITECELL_TEST_DATABASE_URL is set) it migrates, starts `whitecell serve` on loopback, signs a user
up through the API as an administrator (the code comes from the development outbox), so that
admin-only operations are fuzzed too, and runs schemathesis with every
check, a fixed seed and 20 examples per operation, authenticated with that user's bearer token.
The operations that can end the fuzzer's own session (log out, delete my account, revoke a session
by id, which schemathesis finds by replaying ids from `GET /auth/sessions`) run last, each in a
pass of its own as an account of its own, so that they cannot turn the rest of the run anonymous;
the fuzzer's session is checked to be alive and an administrator's after the main pass. The
summary of each run is written to `bench/.data/fuzz/fuzz-<database>.txt`; the exit status is
non-zero if any run failed.

    python -m bench.fuzz                    # SQLite, then PostgreSQL when configured
    python -m bench.fuzz --database sqlite --max-examples 50 --seed 7
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from psycopg import sql

from bench.server import ROOT, free_port, server_environment, serving_process

RESULTS = ROOT / "bench" / ".data" / "fuzz"
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
CONFIG = Path(__file__).with_name("schemathesis.toml")
HOOKS = Path(__file__).with_name("fuzz_hooks.py")
CODE_IN_MAIL = re.compile(r"code is (\d{6})")

FUZZER = "fuzz@example.com"

# Operations that can end the session the fuzzer signs in with; fuzzed last, each in a pass of
# its own as an account of its own (one operation ending its session would leave the others only
# 401s). Revoking a session by id is one: schemathesis replays the ids `GET /auth/sessions` and
# `GET /sessions` answered, the fuzzer's own among them.
SELF_ENDING = (
    "POST /api/v1/auth/logout",
    "DELETE /api/v1/users/me",
    "DELETE /api/v1/auth/sessions/{session_id}",
    "DELETE /api/v1/sessions/{doc_id}",
)

# Every check runs except these, each one a behaviour the API does not have on purpose:
EXCLUDED_CHECKS = {
    # Asks that data valid by the schema be accepted with a 2xx; ours is also refused for what a
    # schema cannot state (a referenced row that does not exist, an id of someone else's row, a
    # session already running), with a documented 4xx.
    "positive_data_acceptance",
}


@contextmanager
def scratch_postgres(base_url: str) -> Iterator[str]:
    """A new PostgreSQL database beside `base_url`'s, dropped afterwards."""
    name = f"whitecell_fuzz_{uuid.uuid4().hex[:12]}"
    plain = base_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    head, _, _ = plain.rpartition("/")
    try:
        yield f"{head}/{name}"
    finally:
        with psycopg.connect(plain, autocommit=True) as admin:
            drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
            admin.execute(drop.format(sql.Identifier(name)))


@contextmanager
def serving(database_url: str, data_dir: Path) -> Iterator[str]:
    """`whitecell serve` on a free loopback port, migrated first; its base URL while it runs."""
    environment = server_environment(database_url, data_dir)
    whitecell = [sys.executable, "-m", "whitecell"]
    subprocess.run([*whitecell, "db", "upgrade"], env=environment, check=True, cwd=ROOT)
    # The fuzzing account is an administrator, so the admin-only operations are fuzzed too rather
    # than answering 403 to every case (the leaving account stays an ordinary user).
    subprocess.run(
        [*whitecell, "users", "create-admin", FUZZER],
        env=environment,
        check=True,
        cwd=ROOT,
        capture_output=True,
    )
    port = free_port()
    command = [*whitecell, "serve", "--host", "127.0.0.1", "--port", str(port)]
    with serving_process(command, port, data_dir, environment) as base:
        yield base


def _post(url: str, body: dict[str, object]) -> dict[str, object]:
    request = urllib.request.Request(  # noqa: S310
        url, json.dumps(body).encode(), {"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            answer: dict[str, object] = json.loads(response.read() or b"{}")
            return answer
    except urllib.error.HTTPError as error:
        raise RuntimeError(f"POST {url}: {error.code} {error.read().decode()}") from None


def sign_up(base: str, outbox: Path, email: str) -> str:
    """A new account's bearer token, signed up by emailed code as a person would."""
    _post(f"{base}/api/v1/auth/otp", {"email": email})
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        for mail in outbox.glob("*.eml"):
            text = mail.read_text(errors="replace")
            found = CODE_IN_MAIL.search(text)
            if found and f"To: {email}" in text:
                mail.unlink()  # a code signs in once: the next sign-up waits for a new mail
                login = _post(
                    f"{base}/api/v1/auth/otp/verify", {"email": email, "code": found.group(1)}
                )
                return str(login["token"])
        time.sleep(0.1)
    raise RuntimeError(f"no sign-in code arrived in {outbox}")


def _get(url: str, token: str) -> tuple[int, dict[str, object]]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, {}


def still_signed_in(base: str, token: str) -> str | None:
    """None if `token` still opens an administrator's session; else what went wrong."""
    status, me = _get(f"{base}/api/v1/users/me", token)
    if status != 200:
        return f"the fuzzer's session ended during the run (GET /users/me: {status})"
    if me.get("role") != "admin":
        return f"the fuzzer is no longer an administrator (role {me.get('role')!r})"
    return None


def schemathesis(
    base: str, token: str, args: argparse.Namespace, report: Path, *, only: str | None = None
) -> tuple[int, str]:
    """One schemathesis run over every operation but the self-ending ones, or over `only`; its
    exit status and its output."""
    command = [
        str(SCHEMATHESIS),
        "--config-file",
        str(CONFIG),
        "run",
        f"{base}/openapi.json",
        "--checks",
        "all",
        "--exclude-checks",
        ",".join(sorted(EXCLUDED_CHECKS)),
        "--seed",
        str(args.seed),
        "--max-examples",
        str(args.max_examples),
        "--workers",
        str(args.workers),
        "--header",
        f"Authorization: Bearer {token}",
        "--generation-database",
        "none",
        "--request-timeout",
        "30",
        "--no-color",
        "--report",
        "junit",
        "--report-junit-path",
        str(report),
    ]
    if only is not None:
        command += ["--include-name", only]
    else:
        for operation in SELF_ENDING:
            command += ["--exclude-name", operation]
    environment = {
        **os.environ,
        "SCHEMATHESIS_WAIT_FOR_SCHEMA": "30",
        "SCHEMATHESIS_HOOKS": str(HOOKS),
    }
    done = subprocess.run(
        command, env=environment, capture_output=True, text=True, check=False, cwd=ROOT
    )
    return done.returncode, done.stdout + done.stderr


def fuzz(database: str, args: argparse.Namespace) -> bool:
    """Fuzz one database; True when schemathesis found nothing."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="whitecell-fuzz-") as directory:
        data_dir = Path(directory)
        with _database(database, data_dir) as url, serving(url, data_dir) as base:
            # Every account is made first: fuzzing the sign-in routes soon meets their limits.
            fuzzer = sign_up(base, data_dir / "outbox", FUZZER)
            leavers = [
                sign_up(base, data_dir / "outbox", f"fuzz-leaver-{n}@example.com")
                for n in range(len(SELF_ENDING))
            ]
            main_status, main_output = schemathesis(
                base, fuzzer, args, RESULTS / f"fuzz-{database}.xml"
            )
            lost = still_signed_in(base, fuzzer)
            if lost:
                main_status, main_output = 1, f"{main_output}\n\nFAILED: {lost}\n"
            ending = [
                schemathesis(
                    base, leaver, args, RESULTS / f"fuzz-{database}-self-ending-{n}.xml", only=name
                )
                for n, (name, leaver) in enumerate(zip(SELF_ENDING, leavers, strict=True))
            ]
        server_log = (data_dir / "server.log").read_text(errors="replace")
    end_status = max(status for status, _ in ending)
    end_output = "\n\n".join(
        f"## {name}\n\n{out}" for name, (_, out) in zip(SELF_ENDING, ending, strict=True)
    )
    (RESULTS / f"fuzz-{database}-server.log").write_text(server_log)
    minutes = (time.monotonic() - started) / 60
    summary = (
        f"# schemathesis on {database}, seed {args.seed}, {args.max_examples} examples per "
        f"operation, {minutes:.1f} min\n\n{main_output}\n\n# self-ending operations\n\n"
        f"{end_output}\n"
    )
    # What the server logged beyond the requests: each traceback's last line, counted.
    failures = Counter(re.findall(r"\nTraceback.*?\n(\S[^\n]*)\n", server_log, re.DOTALL))
    if failures:
        summary += f"\n# server log: {sum(failures.values())} traceback(s)\n" + "\n".join(
            f"{count} x {line}" for line, count in failures.most_common()
        )
    (RESULTS / f"fuzz-{database}.txt").write_text(summary)
    print(summary)
    return main_status == 0 and end_status == 0


@contextmanager
def _database(database: str, data_dir: Path) -> Iterator[str]:
    if database == "sqlite":
        yield f"sqlite:///{data_dir / 'whitecell.db'}"
        return
    with scratch_postgres(os.environ["WHITECELL_TEST_DATABASE_URL"]) as url:
        yield url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], action="append")
    parser.add_argument("--seed", type=int, default=20240610)
    parser.add_argument("--max-examples", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    databases = args.database or (
        ["sqlite", "postgresql"] if os.environ.get("WHITECELL_TEST_DATABASE_URL") else ["sqlite"]
    )
    results = {database: fuzz(database, args) for database in databases}
    for database, passed in results.items():
        print(f"{database}: {'passed' if passed else 'FAILED'}")
    sys.exit(0 if all(results.values()) else 1)


if __name__ == "__main__":
    main()
