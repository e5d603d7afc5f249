"""`whitecell backup` and `whitecell restore` (docs/operations.md, "Backups and restore"): the
commands only; the work is core/backup.py and core/restore.py."""

from __future__ import annotations

from pathlib import Path

import click

from whitecell.core.backup import rotate, take_backup
from whitecell.core.backup_database import DatabaseError
from whitecell.core.backup_manifest import BackupInvalid, Manifest
from whitecell.core.config import Settings
from whitecell.core.migrations import head_revisions
from whitecell.core.restore import TargetNotEmpty, restore_backup


@click.command()
@click.option(
    "--to",
    "to",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Directory to write the backup under (default WHITECELL_BACKUP_DIR).",
)
@click.option(
    "--rotate/--no-rotate",
    "rotating",
    default=True,
    show_default=True,
    help="Then delete old backups (WHITECELL_BACKUP_KEEP, _MAX_AGE_DAYS).",
)
@click.pass_obj
def backup(settings: Settings, to: Path | None, rotating: bool) -> None:
    """Back up the database, uploaded files and secret key, while the server runs."""

    if to is None and not settings.backup_dir:
        raise click.UsageError("give --to DIR or set WHITECELL_BACKUP_DIR")
    try:
        made = take_backup(settings, to)
    except DatabaseError as error:
        raise click.ClickException(str(error)) from None
    manifest = Manifest.read(made)
    rows = sum(manifest.rowCounts.values())
    click.echo(f"backup written to {made}")
    click.echo(
        f"  {manifest.databaseKind} database at {', '.join(manifest.alembicRevision) or '-'}: "
        f"{len(manifest.rowCounts)} tables, {rows} rows, change log through seq "
        f"{manifest.highestSeq}"
    )
    if manifest.secretKey:
        key_note = "included"
    elif settings.secret_key.get_secret_value():
        key_note = "set by WHITECELL_SECRET_KEY: keep it with the backup yourself"
    else:
        key_note = "not generated yet"
    click.echo(f"  {len(manifest.files)} files ({manifest.storage} storage), secret key {key_note}")
    if rotating:
        for path in rotate(made.parent, settings.backup_keep, settings.backup_max_age_days):
            click.echo(f"  rotated out {path}")


@click.command()
@click.argument(
    "backup_dir", metavar="BACKUP", type=click.Path(file_okay=False, exists=True, path_type=Path)
)
@click.option("--force", is_flag=True, help="Replace a database or file store that holds data.")
@click.pass_obj
def restore(settings: Settings, backup_dir: Path, force: bool) -> None:
    """Restore BACKUP (a directory `whitecell backup` wrote) with the server stopped."""

    try:
        done = restore_backup(settings, backup_dir, force=force)
    except (BackupInvalid, TargetNotEmpty, DatabaseError) as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"restored {done.rows} rows in {done.tables} tables and {done.files} files")
    click.echo(
        f"  change log continues at seq {done.next_seq}; clients resuming from before "
        "take a fresh snapshot"
    )
    if done.search_indexes:
        click.echo(f"  search indexes rebuilt: {', '.join(done.search_indexes)}")
    if set(done.revision) != head_revisions(settings.resolved_database_url):
        click.echo("  the backup's schema is older than this build: run `whitecell db upgrade`")
