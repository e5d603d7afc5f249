"""`whitecell restore`: a backup (core/backup.py) back into an empty database and file store.

Refused when the backup does not match its manifest, or when the target already holds rows,
files or another secret key (unless forced). After loading, the change log jumps ahead:
- A client may hold a sequence the old server issued after the backup was taken, and the restored
  log would hand out those numbers again for other changes. So the next sequence starts
  `RESTORE_GAP` past the highest the backup (or the replaced database) had issued, and the trim
  horizon moves there: every resume from before the restore is below the horizon and gets a fresh
  snapshot (realtime/session.py), and no sequence a client saw is ever reused.
- The log rows of the backup stay with their numbers, and so do the consumers' offsets: the XP
  engine processes the rows after its offset exactly once, as it would have without the restore.
- SQLite's FTS5 indexes are rebuilt from their tables; PostgreSQL's are rebuilt by pg_restore.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from whitecell.core.backup import FILES, local_files_root, secret_key_path, stored_files
from whitecell.core.backup_bucket import bucket_holds_files, copy_to_bucket
from whitecell.core.backup_database import (
    highest_seq,
    in_use,
    kind_of,
    load_database,
    move_change_log_past,
    open_target,
    read_facts,
    rebuild_search,
    sqlite_copy_facts,
    target_facts,
)
from whitecell.core.backup_manifest import BackupInvalid, Manifest, verify_files
from whitecell.core.config import Settings
from whitecell.core.storage import open_storage

# Sequences the old server may have issued after the backup, skipped (2^32: at 1,000 writes a
# second, 50 days of writes). Far below 2^53, where JavaScript clients lose integer precision.
RESTORE_GAP = 2**32


class TargetNotEmpty(Exception):
    """The database or file store to restore into holds data; the message says which."""


@dataclass(frozen=True)
class Restored:
    """What a restore did, for the operator."""

    rows: int
    tables: int
    files: int
    next_seq: int
    search_indexes: list[str]
    revision: list[str]


def restore_backup(settings: Settings, backup: Path, *, force: bool = False) -> Restored:
    """Restore `backup` into the configured database and file store."""
    manifest = Manifest.read(backup)
    verify_files(backup, manifest)
    url = settings.resolved_database_url
    if manifest.databaseKind != kind_of(url):
        raise BackupInvalid(
            f"{backup} holds a {manifest.databaseKind} database; this server uses {kind_of(url)}"
        )
    if manifest.databaseKind == "sqlite":  # checked before the target is touched
        copied = sqlite_copy_facts(backup / manifest.database.path)
        if copied.row_counts != manifest.rowCounts:
            raise BackupInvalid(f"{backup}: the database's row counts differ from the manifest")
    files_root = local_files_root(settings)
    replaced = target_facts(url)
    if not force:
        _refuse_unless_empty(settings, manifest, backup, replaced.row_counts, files_root)

    load_database(url, backup / manifest.database.path)
    kind = kind_of(url)
    next_seq = max(manifest.highestSeq, replaced.highest_seq) + RESTORE_GAP
    connection = open_target(url)
    try:
        loaded = read_facts(connection, kind)
        if loaded.row_counts != manifest.rowCounts:
            raise BackupInvalid(f"{backup}: the restored row counts differ from the manifest")
        move_change_log_past(connection, kind, next_seq)
        rebuilt = rebuild_search(connection, kind)
        connection.commit()
    finally:
        connection.close()

    if files_root is not None:
        _restore_files(backup, manifest, files_root)
    else:
        copy_to_bucket(open_storage(settings), backup, manifest.files, FILES)
    secret = secret_key_path(settings)
    if manifest.secretKey is not None and secret is not None:
        secret.parent.mkdir(parents=True, exist_ok=True)
        _replace(backup / manifest.secretKey.path, secret)
        secret.chmod(0o600)
    return Restored(
        rows=sum(manifest.rowCounts.values()),
        tables=len(manifest.rowCounts),
        files=len(manifest.files),
        next_seq=next_seq + 1,
        search_indexes=rebuilt,
        revision=manifest.alembicRevision,
    )


def _refuse_unless_empty(
    settings: Settings,
    manifest: Manifest,
    backup: Path,
    counts: dict[str, int],
    files_root: Path | None,
) -> None:
    problems = []
    tables = in_use(counts)
    if tables:
        problems.append(
            f"the database has rows in {len(tables)} table(s) ({', '.join(tables[:5])})"
        )
    if files_root is not None and stored_files(files_root):
        problems.append(f"the file store {files_root} holds files")
    elif files_root is None and bucket_holds_files(open_storage(settings)):
        problems.append(f"the bucket {settings.storage_url} holds files")
    secret = secret_key_path(settings)
    kept = backup / manifest.secretKey.path if manifest.secretKey else None
    if kept and secret and secret.is_file() and secret.read_bytes() != kept.read_bytes():
        problems.append(f"{secret} holds another secret key")
    if problems:
        raise TargetNotEmpty(
            "refusing to restore over existing data: "
            + "; ".join(problems)
            + " (restore into an empty one, or pass --force to replace it)"
        )


def _restore_files(backup: Path, manifest: Manifest, root: Path) -> None:
    prefix = f"{FILES}/"
    for entry in manifest.files:
        _replace(backup / entry.path, root / entry.path.removeprefix(prefix))


def _replace(source: Path, target: Path) -> None:
    """Copy `source` to `target` under a temporary name, then rename: all or nothing."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    shutil.copyfile(source, partial)
    os.replace(partial, target)


def move_log_after_recovery(settings: Settings) -> int:
    """After a point-in-time recovery (docs/operations.md), the database's change log may be
    behind sequences its clients saw before the accident: move it `RESTORE_GAP` past its own
    highest, as a restore does, so every resume from before takes a fresh snapshot. The new
    horizon."""
    url = settings.resolved_database_url
    kind = kind_of(url)
    connection = open_target(url)
    try:
        next_seq = highest_seq(connection, kind) + RESTORE_GAP
        move_change_log_past(connection, kind, next_seq)
        connection.commit()
    finally:
        connection.close()
    return next_seq
