"""`whitecell import cstimer FILE --user EMAIL`: solves from a csTimer export, with a progress
bar, through the same all-or-nothing import as `POST /api/v1/cube_times/import`."""

from __future__ import annotations

from pathlib import Path

import click

from whitecell.cli.file_imports import run_file_import
from whitecell.core.config import Settings
from whitecell.mind.cubing.imports import import_cstimer as cstimer_import


@click.command("cstimer")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--user", "email", required=True, help="The account that receives the solves.")
@click.pass_obj
def import_cstimer(settings: Settings, file: Path, email: str) -> None:
    """Import the solves of a csTimer export FILE for --user (no XP for the past)."""
    run_file_import(settings, file, email, cstimer_import)
