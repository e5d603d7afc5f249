"""`whitecell check`: a clean store passes; a broken search index, a missing or orphan file and a
wrong XP total are each found; `--repair` rebuilds the index, sweeps old orphans and sets the
totals."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

import orjson
import pytest
from click.testing import Result
from sqlalchemy import Engine, text

from tests.cli.conftest import Run
from tests.pdfs import pdf_bytes
from tests.support import Api, ClientFactory, api_with
from whitecell.core.files import file_key
from whitecell.core.tables import REGISTRY

CHECKS = ("database", "references", "search indexes", "files", "change log", "xp totals")


@pytest.fixture
async def store(make_client: ClientFactory, sync_engine: Engine) -> Api:
    """The app with its people and a textbook with its PDF; nothing scored in the background
    (the XP totals stay what the test makes them)."""
    api = await api_with(make_client, gamification_enabled=False)
    response = await api.client.post(
        "/api/v1/textbooks/upload",
        files={"file": ("book.pdf", pdf_bytes(2), "application/pdf")},
        data={"document": orjson.dumps({"title": "Biology", "subject": "bio"}).decode()},
        headers=api.a.headers,
    )
    assert response.status_code == 201, response.text
    # The harness empties the tables between tests, change log included: earlier tests' numbers
    # are gone as if trimmed, so put the horizon where a trim would have left it.
    with sync_engine.begin() as connection:
        connection.execute(text("DELETE FROM change_log_horizon"))
        connection.execute(
            text(
                "INSERT INTO change_log_horizon (id, seq) "
                "SELECT 1, coalesce(min(seq), 1) - 1 FROM change_log"
            )
        )
    return api


async def check(run: Run, *args: str) -> Result:
    return await asyncio.to_thread(run, "check", *args)  # the CLI runs its own event loop


def line(result: Result, name: str) -> str:
    [found] = [row for row in result.output.splitlines() if row.startswith(f"{name}:")]
    return found


async def test_a_clean_store_passes_every_check(run: Run, store: Api) -> None:
    result = await check(run)
    assert result.exit_code == 0, result.output
    for name in CHECKS:
        assert line(result, name).startswith(f"{name}: OK")


async def test_a_broken_search_index_is_found_and_repair_rebuilds_it(
    run: Run, store: Api, sync_engine: Engine
) -> None:
    with sync_engine.begin() as connection:
        if sync_engine.dialect.name == "sqlite":
            connection.execute(text("INSERT INTO users_fts(users_fts) VALUES ('delete-all')"))
        else:
            connection.execute(text('DROP INDEX "ix_users_searchVector"'))
    result = await check(run)
    assert result.exit_code == 1
    assert line(result, "search indexes") == "search indexes: 1 problem(s)"
    assert ("users_fts: out of sync (3 row(s) not indexed" in result.output) or (
        "ix_users_searchVector: missing" in result.output
    )

    repaired = await check(run, "--repair")
    assert repaired.exit_code == 0, repaired.output
    assert "search indexes: 1 problem(s), 1 repaired" in repaired.output
    again = await check(run)
    assert again.exit_code == 0 and line(again, "search indexes") == "search indexes: OK"
    # The rebuilt index answers searches again.
    response = await store.client.get(
        "/api/v1/users", params={"search": "ada"}, headers=store.admin.headers
    )
    assert [user["email"] for user in response.json()["items"]] == ["ada@example.com"]


async def test_a_missing_file_and_an_old_orphan_are_found_and_only_the_orphan_swept(
    run: Run, store: Api, tmp_path: Path
) -> None:
    storage, textbooks = store.context.storage, REGISTRY["textbooks"]
    response = await store.get(store.a, "textbooks")
    [book_id] = [row["_id"] for row in response.json()["items"]]
    await storage.delete(file_key(textbooks, store.a.id, book_id))
    orphan = file_key(textbooks, store.a.id, "0" * 24)
    source = tmp_path / "orphan.pdf"
    source.write_bytes(pdf_bytes(1))
    await storage.put(orphan, source)
    old = time.time() - 2 * 3600  # past the grace period
    os.utime(tmp_path / "files" / orphan, (old, old))

    result = await check(run)
    assert result.exit_code == 1
    assert line(result, "files") == "files: 2 problem(s)"
    assert f"missing file textbooks/{store.a.id}/{book_id}.pdf" in result.output
    assert f"orphan file {orphan} (no textbooks row)" in result.output

    repaired = await check(run, "--repair")
    assert repaired.exit_code == 1  # a missing file cannot be repaired
    assert "files: 2 problem(s), 1 repaired" in repaired.output
    assert await storage.stat(orphan) is None
    assert line(await check(run), "files") == "files: 1 problem(s)"


async def test_a_wrong_xp_total_is_found_and_repair_sets_it(
    run: Run, store: Api, sync_engine: Engine
) -> None:
    with sync_engine.begin() as connection:
        connection.execute(
            text('UPDATE users SET "totalXP" = 500 WHERE email = :e'), {"e": "ada@example.com"}
        )
    result = await check(run)
    assert result.exit_code == 1
    assert line(result, "xp totals") == "xp totals: 1 problem(s)"
    assert "ada@example.com: totalXP is 500, the XP log says 0" in result.output

    assert (await check(run, "--repair")).exit_code == 0
    again = await check(run)
    assert again.exit_code == 0 and line(again, "xp totals") == "xp totals: OK"


async def test_a_gap_in_the_change_log_is_an_error_on_sqlite_and_information_on_postgresql(
    run: Run, store: Api, sync_engine: Engine
) -> None:
    with sync_engine.begin() as connection:
        middle = connection.execute(text("SELECT max(seq) - 1 FROM change_log")).scalar_one()
        connection.execute(text("DELETE FROM change_log WHERE seq = :s"), {"s": middle})
    result = await check(run)
    found = line(result, "change log")
    if sync_engine.dialect.name == "sqlite":
        assert result.exit_code == 1
        assert found.startswith("change log: 1 problem(s)")
    else:
        assert result.exit_code == 0
        assert found.startswith("change log: OK (1 seq(s) missing")
    assert f"{middle}-{middle}" in result.output


async def test_a_reference_to_a_missing_row_is_found(
    run: Run, store: Api, sync_engine: Engine
) -> None:
    flag = {"name": "beta", "isEnabled": True, "targetUsers": [store.a.id]}
    await store.create(store.admin, "feature_flags", flag)
    with sync_engine.begin() as connection:  # as a release that was forgotten would leave it
        connection.execute(text('DELETE FROM users WHERE "_id" = :id'), {"id": store.a.id})
    result = await check(run)
    assert result.exit_code == 1
    assert line(result, "references") == "references: 1 problem(s)"
    assert "feature_flags.targetUsers: 1 reference(s) to missing users rows" in result.output
