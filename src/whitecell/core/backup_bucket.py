"""Uploaded files kept in an S3 bucket, into a backup and back (docs/operations.md, "Backups
and restore"): each object this server stored (under its prefix) is downloaded beside the
database copy as `files/<key>`, as local files are, and a restore uploads them again. The same
layout either way, so a backup of one kind of store restores into the other.

Backups run in a worker thread or the CLI, outside any event loop: each call runs the storage's
async methods on a loop of its own.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from whitecell.core.backup_manifest import FileEntry, entry_for
from whitecell.core.storage import Storage


def copy_from_bucket(storage: Storage, directory: Path, files: str) -> list[FileEntry]:
    """Download every stored object into `directory/<files>/<key>`; their manifest entries. An
    object deleted while the backup runs is left out: its row was deleted first."""

    async def copy_all() -> list[Path]:
        written = []
        for item in sorted(await storage.list(""), key=lambda found: found.key):
            target = directory / files / item.key
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                with target.open("wb") as out:
                    async for chunk in storage.read(item.key, 0, item.size):
                        out.write(chunk)
            except Exception:
                target.unlink(missing_ok=True)
                if await storage.stat(item.key) is None:
                    continue  # deleted since it was listed
                raise
            written.append(target)
        return written

    return [entry_for(directory, path) for path in asyncio.run(copy_all())]


def bucket_holds_files(storage: Storage) -> bool:
    return bool(asyncio.run(storage.list("")))


def copy_to_bucket(storage: Storage, backup: Path, entries: list[FileEntry], files: str) -> None:
    """Upload each backed-up file under its key (an S3 write is all or nothing)."""

    async def upload_all() -> None:
        prefix = f"{files}/"
        for entry in entries:
            await storage.put(entry.path.removeprefix(prefix), backup / entry.path)

    asyncio.run(upload_all())
