"""`whitecell import-convex SNAPSHOT.zip`: a snapshot in Convex's layout (from `npx convex
export`, or `whitecell export --all`) imported into an empty White Cell, whole or not at all
(core/snapshot_import.py; docs/export.md, "Import")."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
from sqlalchemy import create_engine

from whitecell.core import migrations
from whitecell.core.config import Settings
from whitecell.core.consumers import move_past
from whitecell.core.context import AppContext
from whitecell.core.db import sync_url
from whitecell.core.errors import AppError
from whitecell.core.snapshot_import import SnapshotRefused, import_snapshot
from whitecell.gamification.engine import CONSUMER
from whitecell.server import run_with_context


@click.command("import-convex")
@click.argument("snapshot", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Import even though the database holds rows.")
@click.pass_obj
def import_convex(settings: Settings, snapshot: Path, force: bool) -> None:
    """Import SNAPSHOT (a Convex snapshot ZIP) with its ids, references and files; refuses a
    database that holds rows unless --force, and a snapshot with one invalid document (naming
    table, line and field), storing nothing. Prints the rows per table, as JSON."""
    engine = create_engine(sync_url(settings.resolved_database_url))
    with engine.connect() as connection:
        now = migrations.current_revisions(connection)
    engine.dispose()
    if now != migrations.head_revisions(settings.resolved_database_url):
        raise click.ClickException(
            "the database is not at this version's schema: run `whitecell db upgrade` first"
        )

    async def work(context: AppContext) -> dict[str, Any]:
        with snapshot.open("rb") as source:
            try:
                summary = await import_snapshot(
                    context.store,
                    context.storage,
                    source,
                    base_url=settings.public_base_url,
                    force=force,
                )
            except (SnapshotRefused, AppError) as error:
                refused = f"{snapshot}: refused, nothing imported: {error}"
                raise click.ClickException(refused) from None
        # The snapshot holds the XP, badges and streaks its rows earned: the engine must not
        # score the imported rows a second time.
        async with context.store.write() as tx:
            await move_past(tx, CONSUMER, summary.seq)
        return summary.as_dict()

    click.echo(json.dumps(run_with_context(settings, work)))
