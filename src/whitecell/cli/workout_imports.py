"""`whitecell import strong|hevy FILE --user EMAIL`: workout history from a CSV export, with a
progress bar, through the same all-or-nothing import as `POST /api/v1/workouts/import`."""

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
from whitecell.fitness.imports import import_workouts
from whitecell.server import run_with_context
from whitecell.users import service


def _run(settings: Settings, source: str, path: Path, email: str, unit: str | None) -> None:
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
                        length=total, label=f"Importing {path.name}", file=sys.stderr
                    )
                    bars.append(stack.enter_context(bar))
                bars[0].update(1)

            try:
                return await import_workouts(
                    context.store,
                    settings,
                    Caller(user, "cli", "whitecell import"),
                    path,
                    source=source,
                    unit=unit,
                    progress=progress,
                )
            except AppError as error:
                raise click.ClickException(f"{path}: {error.detail}") from None

    summary = run_with_context(settings, work)
    summary.pop("seq", None)
    click.echo(json.dumps(summary))


_FILE = click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
_USER = click.option("--user", "email", required=True, help="The account that receives them.")
_UNIT = click.option(
    "--unit",
    type=click.Choice(["kg", "lbs"]),
    default=None,
    help="Weight unit of a Strong file whose header names none (default: the account's "
    "preference, else kg).",
)


@click.command("strong")
@_FILE
@_USER
@_UNIT
@click.pass_obj
def import_strong(settings: Settings, file: Path, email: str, unit: str | None) -> None:
    """Import the workouts of a Strong CSV export FILE for --user (no XP for the past)."""
    _run(settings, "strong", file, email, unit)


@click.command("hevy")
@_FILE
@_USER
@click.pass_obj
def import_hevy(settings: Settings, file: Path, email: str) -> None:
    """Import the workouts of a Hevy CSV export FILE for --user (no XP for the past)."""
    _run(settings, "hevy", file, email, None)
