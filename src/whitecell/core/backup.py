"""`whitecell backup`: one directory holding the database, the uploaded files and the secret key,
checked and described by its manifest (core/backup_manifest.py); and the rotation of old ones.

The database is copied first (one consistent state, core/backup_database.py), then the files: a
file uploaded meanwhile is copied too (harmless: nothing refers to it), a file deleted meanwhile
is missing from the backup along with nothing that matters (the row that held it was deleted
first). Files in an S3 bucket are downloaded into the backup the same way
(core/backup_bucket.py). A backup is written under a hidden `.partial` name and renamed when whole,
so rotation and restore never meet half a backup.
"""

from __future__ import annotations

import logging
import os
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from whitecell.core.backup_bucket import copy_from_bucket
from whitecell.core.backup_database import copy_database, kind_of
from whitecell.core.backup_manifest import FileEntry, Manifest, entry_for
from whitecell.core.clock import isoformat_z, utcnow
from whitecell.core.config import Settings
from whitecell.core.storage import LocalStorage, open_storage

logger = logging.getLogger("whitecell.backup")

PREFIX = "whitecell-"
NAME_TIME = "%Y%m%dT%H%M%S%fZ"  # in a backup's directory name: sorts in time order
FILES = "files"
SECRET_FILE = "secret_key"  # noqa: S105  (a file name, not a secret)
PARTIAL_GRACE = timedelta(days=1)  # a `.partial` directory this old is a crashed backup


def secret_key_path(settings: Settings) -> Path | None:
    """The file holding the server's secret key; None when WHITECELL_SECRET_KEY sets it."""
    return None if settings.secret_key.get_secret_value() else settings.data_dir / SECRET_FILE


def local_files_root(settings: Settings) -> Path | None:
    """The directory of uploaded files; None when they live in S3."""
    storage = open_storage(settings) if not settings.storage_url.startswith("s3://") else None
    return storage.root if isinstance(storage, LocalStorage) else None


def stored_files(root: Path) -> list[Path]:
    """The uploaded files under `root` (a storage write's hidden `.partial` files aside)."""
    if not root.is_dir():
        return []
    return sorted(
        path for path in root.rglob("*") if path.is_file() and not path.name.startswith(".")
    )


def take_backup(settings: Settings, to: Path | None = None) -> Path:
    """Back up the server into a new directory under `to` (default WHITECELL_BACKUP_DIR);
    returns it."""
    parent = to or (Path(settings.backup_dir) if settings.backup_dir else None)
    if parent is None:
        raise ValueError("no backup directory: give --to DIR or set WHITECELL_BACKUP_DIR")
    created = utcnow()
    name = f"{PREFIX}{created.strftime(NAME_TIME)}"
    partial = parent / f".{name}.partial"
    partial.mkdir(parents=True)
    try:
        database, facts = copy_database(settings.resolved_database_url, partial)
        files_root = local_files_root(settings)
        if files_root is not None:
            files = _copy_files(files_root, partial)
        else:
            files = copy_from_bucket(open_storage(settings), partial, FILES)
        manifest = Manifest(
            createdAt=isoformat_z(created),
            databaseKind=kind_of(settings.resolved_database_url),
            database=entry_for(partial, database),
            alembicRevision=facts.revision,
            rowCounts=facts.row_counts,
            highestSeq=facts.highest_seq,
            consumerOffsets=facts.consumer_offsets,
            files=files,
            secretKey=_copy_secret(settings, partial),
            storage="local" if files_root is not None else "s3",
        )
        manifest.write(partial)
        final = parent / name
        os.replace(partial, final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return final


def _copy_files(root: Path, directory: Path) -> list[FileEntry]:
    entries = []
    for source in stored_files(root):
        target = directory / FILES / source.relative_to(root)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            shutil.copyfile(source, target)
        except FileNotFoundError:
            continue  # deleted since it was listed: its row was deleted before it
        entries.append(entry_for(directory, target))
    return entries


def _copy_secret(settings: Settings, directory: Path) -> FileEntry | None:
    source = secret_key_path(settings)
    if source is None or not source.is_file():
        return None
    target = directory / SECRET_FILE
    shutil.copyfile(source, target)
    target.chmod(0o600)
    return entry_for(directory, target)


# -- rotation -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Backup:
    path: Path
    created: datetime


def list_backups(parent: Path) -> list[Backup]:
    """The whole backups under `parent`, newest first."""
    found = []
    for path in parent.glob(f"{PREFIX}*") if parent.is_dir() else []:
        try:
            created = datetime.strptime(path.name.removeprefix(PREFIX), NAME_TIME)
        except ValueError:
            continue  # not ours
        if path.is_dir():
            found.append(Backup(path, created.replace(tzinfo=UTC)))
    return sorted(found, key=lambda backup: backup.created, reverse=True)


def rotate(parent: Path, keep: int, max_age_days: float, now: datetime | None = None) -> list[Path]:
    """Delete the backups past the newest `keep` and those older than `max_age_days`, but never
    the newest (a server that stopped backing up must not end up with none); also crashed
    `.partial` ones. Returns what was deleted."""
    now = now or utcnow()
    cutoff = now - timedelta(days=max_age_days)
    backups = list_backups(parent)
    doomed = [
        backup.path
        for index, backup in enumerate(backups)
        if index > 0 and (index >= keep or backup.created < cutoff)
    ]
    for path in parent.glob(f".{PREFIX}*.partial") if parent.is_dir() else []:
        modified = datetime.fromtimestamp(path.stat().st_mtime, UTC)
        if modified < now - PARTIAL_GRACE:
            doomed.append(path)
    for path in doomed:
        shutil.rmtree(path)
        logger.info("backup %s deleted by rotation", path)
    return doomed


def scheduled_backup(settings: Settings) -> str:
    """The server's periodic job: a backup if the newest is `backup_interval_hours` old, then
    rotation. What it did, for the job's log line."""
    parent = Path(settings.backup_dir)
    backups = list_backups(parent)
    due = utcnow() - timedelta(hours=settings.backup_interval_hours)
    if backups and backups[0].created > due:
        return f"not due: newest backup {backups[0].path.name}"
    made = take_backup(settings, parent)
    removed = rotate(parent, settings.backup_keep, settings.backup_max_age_days)
    return f"backup {made} written, {len(removed)} old one(s) deleted"
