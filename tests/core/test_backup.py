"""Backups taken while the server writes, restored into an empty store (core/backup.py,
core/restore.py): every acknowledged write is there, the files and the secret key too, and live
clients from before the restore never see a sequence go backwards."""

from __future__ import annotations

import asyncio
import hashlib
import json
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from click.testing import CliRunner

from tests.pdfs import pdf_bytes
from tests.samples import sample_body
from tests.support import Api, ClientFactory, api_with, scratch_database
from tests.support_s3 import S3Server
from whitecell.cli.main import cli
from whitecell.core.backup import list_backups, scheduled_backup, take_backup
from whitecell.core.backup_database import target_facts
from whitecell.core.backup_manifest import BackupInvalid, Manifest
from whitecell.core.config import Settings
from whitecell.core.context import AppContext
from whitecell.core.restore import RESTORE_GAP, TargetNotEmpty, restore_backup
from whitecell.realtime.protocol import Subscribe
from whitecell.realtime.session import open_connection, subscribe
from whitecell.server import create_context

TEN_WORDS = "one two three four five six seven eight nine ten"  # a note that earns XP


@pytest.fixture
def restored_url(tmp_path: Path) -> Iterator[str]:
    """An empty database to restore into (requested before the apps, so dropped after them)."""
    with scratch_database(tmp_path / "restored-db") as url:
        yield url


def _moved(settings: Settings, database_url: str, data_dir: Path) -> Settings:
    """The same settings on another database and data directory."""
    values = {**settings.model_dump(), "database_url": database_url, "data_dir": data_dir}
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def _digests(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in root.rglob("*")
        if path.is_file() and not path.name.startswith(".")
    }


async def _upload_book(api: Api) -> None:
    response = await api.client.post(
        "/api/v1/textbooks/upload",
        files={"file": ("b.pdf", pdf_bytes(2), "application/pdf")},
        data={"document": orjson.dumps({"title": "T", "subject": "s", "bookmarks": []}).decode()},
        headers=api.a.headers,
    )
    assert response.status_code == 201, response.text


async def _seq_seen_by(context: AppContext, token: str, since: int | None = None) -> dict[str, Any]:
    """The first message a realtime subscription to notes gets (a snapshot or a resume)."""
    connection = await open_connection(context, token)
    message = Subscribe(type="subscribe", id="n", table="notes", since=since)
    await subscribe(connection, message)
    first: dict[str, Any] = connection.queue.get_nowait()
    if first["type"] != "snapshot":  # a resume sends the missed changes, then `resumed`
        while first["type"] != "resumed":
            first = connection.queue.get_nowait()
    connection.remove("n")
    return first


async def test_a_backup_taken_while_a_writer_writes_restores_every_acknowledged_row(
    restored_url: str, make_client: ClientFactory, tmp_path: Path
) -> None:
    api = await api_with(make_client, secret_key="")  # the key generated into data_dir
    settings: Settings = api.context.settings
    assert settings.secret  # generated into data_dir/secret_key, as a server does on first use
    await _upload_book(api)
    acknowledged: list[str] = []
    stop = asyncio.Event()

    async def writer() -> None:
        while not stop.is_set():
            body = sample_body("notes", title=f"n{len(acknowledged)}", content=TEN_WORDS)
            note = await api.create(api.a, "notes", body)
            acknowledged.append(note["_id"])
            await asyncio.sleep(0)

    task = asyncio.create_task(writer())

    async def written(count: int) -> None:
        while len(acknowledged) < count:
            if task.done():
                task.result()  # the writer's failure, if it failed
            await asyncio.sleep(0.01)

    await asyncio.wait_for(written(20), 30)
    before_backup = list(acknowledged)
    seen_before = (await _seq_seen_by(api.context, api.a.token))["seq"]
    backup = await asyncio.to_thread(take_backup, settings, tmp_path / "backups")
    during = len(acknowledged) - len(before_backup)
    # The old server goes on handing out sequences after the backup.
    await asyncio.wait_for(written(len(before_backup) + during + 10), 30)
    stop.set()
    await task
    seen_after = (await _seq_seen_by(api.context, api.a.token))["seq"]

    manifest = Manifest.read(backup)
    assert manifest.highestSeq < seen_after
    restored_dir = tmp_path / "restored"
    restored_settings = _moved(settings, restored_url, restored_dir)
    done = await asyncio.to_thread(restore_backup, restored_settings, backup)

    facts = await asyncio.to_thread(target_facts, restored_url)
    counts = {t: n for t, n in facts.row_counts.items() if t != "change_log_horizon"}
    assert counts == {t: n for t, n in manifest.rowCounts.items() if t != "change_log_horizon"}
    assert _digests(restored_dir / "files") == _digests(tmp_path / "files") != {}
    assert (restored_dir / "secret_key").read_bytes() == (tmp_path / "secret_key").read_bytes()
    assert done.next_seq == manifest.highestSeq + RESTORE_GAP + 1
    assert facts.consumer_offsets == manifest.consumerOffsets  # the XP engine resumes there

    restored = await make_client(database_url=restored_url, data_dir=restored_dir, secret_key="")
    context: AppContext = restored.app.state.context  # type: ignore[attr-defined]
    listed = await restored.get("/api/v1/notes", params={"limit": 100}, headers=api.a.headers)
    assert listed.status_code == 200  # the restored key still reads A's session token
    ids = {note["_id"] for note in listed.json()["items"]}
    assert set(before_backup) <= ids <= set(acknowledged)
    assert len(ids) == manifest.rowCounts["notes"]

    # Resumes from before the restore, taken before or after the backup: a fresh snapshot whose
    # sequence is past anything the old server handed out.
    for since in (seen_before, seen_after):
        message = await _seq_seen_by(context, api.a.token, since=since)
        assert message["type"] == "snapshot" and message["reset"] is True
        assert message["seq"] > seen_after
    fresh = await _seq_seen_by(context, api.a.token)
    note = await restored.post(
        "/api/v1/notes", json=sample_body("notes", title="after"), headers=api.a.headers
    )
    assert note.status_code == 201
    resumed = await _seq_seen_by(context, api.a.token, since=fresh["seq"])
    assert resumed["type"] == "resumed" and resumed["seq"] == done.next_seq

    # The restored XP engine scores the backup's rows it had not reached, and the new one, once.
    async def scored_through(seq: int) -> None:
        offset = 0
        while offset < seq:
            await asyncio.sleep(0.05)
            facts = await asyncio.to_thread(target_facts, restored_url)
            offset = facts.consumer_offsets.get("gamification", 0)

    await asyncio.wait_for(scored_through(done.next_seq), 20)
    async with context.store.read() as tx:
        duplicates = await tx.all(
            'SELECT "sourceId", action FROM xp_logs GROUP BY "userId", "sourceId", action '
            "HAVING count(*) > 1"
        )
        scored = await tx.scalar("SELECT count(*) FROM xp_logs WHERE action = 'note_created'")
    assert duplicates == [] and scored == 10  # the first ten notes of the day (daily cap 100)


async def test_restore_refuses_a_store_in_use_unless_forced(
    api: Api, tmp_path: Path, restored_url: str
) -> None:
    settings: Settings = api.context.settings
    await api.create(api.a, "notes", sample_body("notes"))
    backup = await asyncio.to_thread(take_backup, settings, tmp_path / "backups")
    with pytest.raises(TargetNotEmpty, match="users"):
        await asyncio.to_thread(restore_backup, settings, backup)

    # Into another database that is in use: refused, then replaced with --force.
    elsewhere = _moved(settings, restored_url, tmp_path / "elsewhere")
    await asyncio.to_thread(restore_backup, elsewhere, backup)
    runner = CliRunner()
    env = {"WHITECELL_DATABASE_URL": restored_url, "WHITECELL_DATA_DIR": str(tmp_path / "e")}
    refused = runner.invoke(cli, ["restore", str(backup)], env=env)
    assert refused.exit_code == 1 and "pass --force" in refused.output
    forced = runner.invoke(cli, ["restore", "--force", str(backup)], env=env)
    assert forced.exit_code == 0, forced.output
    assert "restored" in forced.output
    # Forced over a database that had moved on: past its sequences too.
    facts = await asyncio.to_thread(target_facts, restored_url)
    assert facts.highest_seq == Manifest.read(backup).highestSeq + 2 * RESTORE_GAP


@pytest.mark.parametrize("damage", ["file", "database", "manifest", "extra"])
async def test_restore_refuses_a_tampered_backup(
    api: Api, tmp_path: Path, restored_url: str, damage: str
) -> None:
    settings: Settings = api.context.settings
    await _upload_book(api)
    backup = await asyncio.to_thread(take_backup, settings, tmp_path / "backups")
    manifest = Manifest.read(backup)
    if damage == "file":
        (backup / manifest.files[0].path).write_bytes(b"%PDF-1.4 not the same")
    elif damage == "database":
        with (backup / manifest.database.path).open("r+b") as handle:
            handle.seek(manifest.database.size // 2)
            handle.write(b"\x00\xff")
    elif damage == "manifest":
        raw = json.loads((backup / "manifest.json").read_text())
        raw["rowCounts"]["notes"] = 99
        (backup / "manifest.json").write_text(json.dumps(raw))
    else:
        (backup / "files" / "planted.txt").write_text("not from the server")
    target = _moved(settings, restored_url, tmp_path / "t")
    with pytest.raises(BackupInvalid):
        await asyncio.to_thread(restore_backup, target, backup)


async def test_backup_rotation_keeps_the_newest_and_drops_the_old(api: Api, tmp_path: Path) -> None:
    settings: Settings = api.context.settings
    parent = tmp_path / "backups"
    made = [await asyncio.to_thread(take_backup, settings, parent) for _ in range(3)]
    old = parent / "whitecell-20200101T000000000000Z"
    shutil.copytree(made[0], old)
    runner = CliRunner()
    env = {
        "WHITECELL_DATABASE_URL": settings.resolved_database_url,
        "WHITECELL_DATA_DIR": str(tmp_path),
        "WHITECELL_BACKUP_KEEP": "3",
        "WHITECELL_BACKUP_MAX_AGE_DAYS": "30",
    }
    result = runner.invoke(cli, ["backup", "--to", str(parent)], env=env)
    assert result.exit_code == 0, result.output
    kept = sorted(p.name for p in parent.iterdir())
    assert old.name not in kept and made[0].name not in kept and len(kept) == 3
    assert "rotated out" in result.output


async def test_the_server_backs_up_daily_when_a_backup_directory_is_set(
    api: Api, tmp_path: Path
) -> None:
    settings: Settings = api.context.settings
    assert "backup" not in [job.name for job in create_context(settings).jobs]
    scheduled = Settings(
        _env_file=None,  # type: ignore[call-arg]
        **{**settings.model_dump(), "backup_dir": str(tmp_path / "daily"), "backup_keep": 1},
    )
    assert "backup" in [job.name for job in create_context(scheduled).jobs]
    first = await asyncio.to_thread(scheduled_backup, scheduled)
    assert first.startswith("backup ") and len(list_backups(tmp_path / "daily")) == 1
    assert (await asyncio.to_thread(scheduled_backup, scheduled)).startswith("not due")
    hourly = Settings(
        _env_file=None,  # type: ignore[call-arg]
        **{**scheduled.model_dump(), "backup_interval_hours": 1e-9},
    )
    assert (await asyncio.to_thread(scheduled_backup, hourly)).endswith("1 old one(s) deleted")
    assert len(list_backups(tmp_path / "daily")) == 1


async def test_after_a_point_in_time_recovery_clients_resume_with_a_snapshot(
    api: Api, database_url: str
) -> None:
    """`whitecell db after-recovery`: a database brought back to an earlier moment (as WAL
    archiving or Litestream do) is moved past the sequences its clients saw since."""
    await api.create(api.a, "notes", sample_body("notes"))
    seen = (await _seq_seen_by(api.context, api.a.token))["seq"]
    before = await asyncio.to_thread(target_facts, database_url)
    moved = CliRunner().invoke(
        cli, ["db", "after-recovery"], env={"WHITECELL_DATABASE_URL": database_url}
    )
    assert moved.exit_code == 0, moved.output
    assert f"the next change is {before.highest_seq + RESTORE_GAP + 1}" in moved.output
    message = await _seq_seen_by(api.context, api.a.token, since=seen)
    assert message["type"] == "snapshot" and message["reset"] is True
    assert message["seq"] == before.highest_seq + RESTORE_GAP


async def test_files_in_a_bucket_are_backed_up_and_restored_into_another(
    make_client: ClientFactory, tmp_path: Path, restored_url: str, s3: S3Server
) -> None:
    client = s3.client()
    source, target = (f"wc-{uuid.uuid4().hex[:12]}" for _ in range(2))
    client.create_bucket(Bucket=source)
    client.create_bucket(Bucket=target)
    api = await api_with(make_client, **s3.settings(source, "uploads"))
    await _upload_book(api)
    stored = {o["Key"]: o["Size"] for o in client.list_objects_v2(Bucket=source)["Contents"]}
    assert stored and all(key.startswith("uploads/textbooks/") for key in stored)

    backup = await asyncio.to_thread(take_backup, api.context.settings, tmp_path / "backups")
    manifest = Manifest.read(backup)
    assert manifest.storage == "s3"
    assert {e.path.removeprefix("files/") for e in manifest.files} == {
        key.removeprefix("uploads/") for key in stored
    }

    moved = _moved(api.context.settings, restored_url, tmp_path / "restored")
    moved = Settings(_env_file=None, **{**moved.model_dump(), **s3.settings(target, "kept")})  # type: ignore[call-arg]
    await asyncio.to_thread(restore_backup, moved, backup)
    copied = {o["Key"]: o["Size"] for o in client.list_objects_v2(Bucket=target)["Contents"]}
    assert copied == {key.replace("uploads/", "kept/", 1): size for key, size in stored.items()}
    restored = await make_client(database_url=restored_url, **s3.settings(target, "kept"))
    books = (await restored.get("/api/v1/textbooks", headers=api.a.headers)).json()["items"]
    pdf = await restored.get(f"/api/v1/textbooks/{books[0]['_id']}/pdf", headers=api.a.headers)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # The bucket now holds files: a second restore into it is refused.
    with pytest.raises(TargetNotEmpty, match="bucket"):
        await asyncio.to_thread(restore_backup, moved, backup)
