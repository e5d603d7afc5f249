"""`whitecell import strong|hevy FILE --user EMAIL`: workout history from a CSV export, with a
progress bar, through the same all-or-nothing import as `POST /api/v1/workouts/import`."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import click

from whitecell.cli.file_imports import run_file_import
from whitecell.core.config import Settings
from whitecell.fitness.imports import import_workouts


def _run(settings: Settings, source: str, path: Path, email: str, unit: str | None) -> None:
    run_file_import(settings, path, email, partial(import_workouts, source=source, unit=unit))


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
