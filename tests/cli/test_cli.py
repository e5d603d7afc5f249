"""The `whitecell` command against the test database."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, text

from tests.cli.conftest import Run
from tests.helpers import bearer, sign_in
from tests.support import Mailbox, scratch_database
from whitecell.cli.main import cli
from whitecell.core import migrations


def test_help_lists_the_commands(run: Run) -> None:
    output = run("--help").output
    for command in ("serve", "db", "users", "cleanup"):
        assert command in output
    assert all(c in run("db", "--help").output for c in ("upgrade", "downgrade", "current"))


def test_sqlite_is_served_by_one_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WHITECELL_DATABASE_URL", f"sqlite:///{tmp_path / 'one.db'}")
    refused = CliRunner().invoke(cli, ["serve", "--workers", "2"])
    assert refused.exit_code == 2
    assert "SQLite is served by one process" in refused.output


def test_db_current_reports_the_head(run: Run, database_url: str) -> None:
    [head] = migrations.head_revisions(database_url)  # the newest revision file, whichever
    result = run("db", "current")
    assert result.exit_code == 0
    assert f"current: {head}" in result.output and f"head:    {head}" in result.output


def test_db_commands_migrate_a_fresh_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with scratch_database(tmp_path) as url:
        monkeypatch.setenv("WHITECELL_DATABASE_URL", url)
        runner = CliRunner()
        assert runner.invoke(cli, ["db", "current"]).exit_code == 1  # pending
        assert runner.invoke(cli, ["db", "upgrade"]).exit_code == 0
        assert runner.invoke(cli, ["db", "current"]).exit_code == 0
        assert runner.invoke(cli, ["db", "downgrade", "base"]).exit_code == 0
        assert "current: (empty)" in runner.invoke(cli, ["db", "current"]).output


def test_create_admin_creates_then_promotes(run: Run, sync_engine: Engine) -> None:
    assert (
        "created admin boss@example.com" in run("users", "create-admin", "Boss@Example.com").output
    )
    with sync_engine.begin() as connection:
        connection.execute(text("UPDATE users SET role = 'user'"))
    assert "promoted boss@example.com" in run("users", "create-admin", "boss@example.com").output
    with sync_engine.connect() as connection:
        assert connection.execute(text("SELECT role FROM users")).scalar_one() == "admin"


async def test_ban_and_revoke_take_effect_on_the_next_request(
    run: Run, client: httpx.AsyncClient, mailbox: Mailbox
) -> None:
    async def cli_output(*args: str) -> str:  # the CLI runs its own event loop: give it a thread
        return (await asyncio.to_thread(run, *args)).output

    token = (await sign_in(client, mailbox, "target@example.com"))["token"]
    other = (await sign_in(client, mailbox, "bystander@example.com"))["token"]
    assert "revoked 1 sessions" in await cli_output(
        "users", "revoke-sessions", "target@example.com"
    )
    assert (await client.get("/api/v1/users/me", headers=bearer(token))).status_code == 401
    assert (await client.get("/api/v1/users/me", headers=bearer(other))).status_code == 200

    token = (await sign_in(client, mailbox, "target@example.com"))["token"]
    assert "is banned" in await cli_output("users", "ban", "target@example.com")
    assert (await client.get("/api/v1/users/me", headers=bearer(token))).status_code == 401
    await cli_output("users", "ban", "--lift", "target@example.com")
    assert (await sign_in(client, mailbox, "target@example.com"))["user"]["isBanned"] is False

    assert "revoked 2 sessions" in await cli_output("users", "revoke-sessions", "--everyone")
    assert (await client.get("/api/v1/users/me", headers=bearer(other))).status_code == 401


def test_cleanup_reports_what_it_removed(run: Run) -> None:
    result = run("cleanup")
    assert result.exit_code == 0
    assert '"sessions": 0' in result.output and '"otp_tokens": 0' in result.output


def test_commands_work_in_a_fresh_process(database_url: str, tmp_path: Path) -> None:
    """As a user runs them: nothing imported beforehand by the tests (a fresh interpreter)."""
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "WHITECELL_DATABASE_URL": database_url,
        "WHITECELL_DATA_DIR": str(tmp_path),
    }
    for args in (["users", "create-admin", "fresh@example.com"], ["cleanup"]):
        done = subprocess.run(
            [sys.executable, "-c", "from whitecell.cli.main import cli; cli()", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, done.stderr


def test_vacuum_compacts_without_breaking_search(run: Run, sync_engine: Engine) -> None:
    """SQLite's VACUUM may renumber the rowids its search index points at (the command rebuilds
    the index after it): after `db vacuum` a search still finds the right note."""
    with sync_engine.begin() as connection:
        connection.execute(
            text('INSERT INTO users ("_id", email, name, username) VALUES (:i, :e, :e, :e)'),
            {"i": "u1", "e": "vac@example.com"},
        )
        for i, title in enumerate(["alpha", "gone", "beta", "gamma"]):
            connection.execute(
                text(
                    'INSERT INTO notes ("_id", "userId", title, content, subject, "createdAt", '
                    '"updatedAt") VALUES (:id, :u, :t, :t, :t, :now, :now)'
                ),
                {"id": f"n{i}", "u": "u1", "t": title, "now": "2026-11-24 10:00:00"},
            )
        connection.execute(text("DELETE FROM notes WHERE \"_id\" = 'n1'"))
    result = run("db", "vacuum")
    assert result.exit_code == 0, result.output
    search = (
        "SELECT notes.title FROM notes_fts JOIN notes ON notes.rowid = notes_fts.rowid "
        "WHERE notes_fts MATCH 'gamma'"
        if sync_engine.dialect.name == "sqlite"
        else "SELECT title FROM notes WHERE \"searchVector\" @@ to_tsquery('english', 'gamma')"
    )
    with sync_engine.connect() as connection:
        assert [row[0] for row in connection.execute(text(search))] == ["gamma"]
