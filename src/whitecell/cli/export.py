"""`whitecell export`: a person's own export for an operator to hand over (`--user EMAIL`: a
request made by mail, an account that can no longer sign in; the same ZIP as
`GET /api/v1/users/me/export`), or the whole deployment (`--all`, to move it to Convex or to
another White Cell), in Convex's snapshot layout (docs/export.md)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import anyio
import click

from whitecell.core.config import Settings
from whitecell.core.context import AppContext
from whitecell.core.snapshot import Snapshot
from whitecell.server import run_with_context
from whitecell.system.export import deployment_export, personal_export
from whitecell.users import service


@click.command("export")
@click.option("--user", "email", default=None, help="The account whose data is exported.")
@click.option("--all", "everything", is_flag=True, help="Every row and file of the deployment.")
@click.option(
    "--to",
    "target",
    type=click.Path(path_type=Path),
    default=None,
    help="The ZIP file to write, or a directory for snapshot_<ns>.zip (default: here).",
)
@click.pass_obj
def export(settings: Settings, email: str | None, everything: bool, target: Path | None) -> None:
    """Write everything of the account EMAIL (--user), or of the whole deployment (--all), rows
    and uploaded files, as a ZIP in Convex's snapshot layout. Prints the file written and its
    rows per table, as JSON."""
    if (email is None) == (not everything):
        raise click.UsageError("give --user EMAIL or --all")

    async def work(context: AppContext) -> dict[str, Any]:
        if everything:
            snapshot = await deployment_export(context)
        else:
            async with context.store.read() as tx:
                user = await service.user_by_email(tx, email or "")
            if user is None:
                raise click.ClickException(f"no account for {email}")
            snapshot = await personal_export(context, str(user["_id"]))
        return {**snapshot.summary(), "file": str(await _write(snapshot, target))}

    click.echo(json.dumps(run_with_context(settings, work)))


async def _write(snapshot: Snapshot, target: Path | None) -> Path:
    path = target or Path.cwd()
    if path.is_dir():
        path = path / snapshot.filename
    # Written beside its final name, then renamed: a stopped export leaves no half ZIP there.
    partial = path.with_name(f".{path.name}.partial")
    try:
        async with await anyio.open_file(partial, "wb") as out:
            async for chunk in snapshot.chunks():
                await out.write(chunk)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return path
