"""`whitecell import cstimer FILE --user EMAIL`: solves from a csTimer export, with a progress
bar, through the same all-or-nothing import as `POST /api/v1/cube_times/import`."""

from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path
from typing import Any

import click

from whitecell.core.config import Settings
from whitecell.core.context import AppContext
from whitecell.core.errors import AppError
from whitecell.core.permissions import Caller
from whitecell.mind.cubing.imports import import_cstimer as run_import
from whitecell.server import run_with_context
from whitecell.users import service


@click.command("cstimer")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--user", "email", required=True, help="The account that receives the solves.")
@click.pass_obj
def import_cstimer(settings: Settings, file: Path, email: str) -> None:
    """Import the solves of a csTimer export FILE for --user (no XP for the past)."""

    async def work(context: AppContext) -> dict[str, Any]:
        async with context.store.read() as tx:
            user = await service.user_by_email(tx, email)
        if user is None:
            raise click.ClickException(f"no account for {email}")
        with contextlib.ExitStack() as stack:
            bars: list[Any] = []

            def progress(done: int, total: int) -> None:
                if not bars:
                    bar = click.progressbar(
                        length=total, label=f"Importing {file.name}", file=sys.stderr
                    )
                    bars.append(stack.enter_context(bar))
                bars[0].update(1)

            try:
                return await run_import(
                    context.store,
                    settings,
                    Caller(user, "cli", "whitecell import"),
                    file,
                    progress=progress,
                )
            except AppError as error:
                raise click.ClickException(f"{file}: {error.detail}") from None

    summary = run_with_context(settings, work)
    summary.pop("seq", None)
    click.echo(json.dumps(summary))
