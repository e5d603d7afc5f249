"""`whitecell import lichess-puzzles FILE`: the Lichess puzzle database (its CSV, or the
`.csv.zst` download as it is) into the shared puzzle catalogue, streamed line by line with a
progress bar over the file's bytes (docs/mind.md, "Chess puzzles")."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

import click
import zstandard

from whitecell.core.config import Settings
from whitecell.core.context import AppContext
from whitecell.mind.puzzles.catalogue import import_puzzles
from whitecell.mind.puzzles.lichess import PuzzleFileError
from whitecell.server import run_with_context


def _lines(raw: IO[bytes], text: IO[str], step: Callable[[int], None]) -> Iterator[str]:
    """The lines of `text`, telling `step` how many bytes of the file (`raw`) were read."""
    seen = 0
    for line in text:
        position = raw.tell()
        if position != seen:
            step(position - seen)
            seen = position
        yield line


@click.command("lichess-puzzles")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_obj
def import_lichess_puzzles(settings: Settings, file: Path) -> None:
    """Fill the shared chess puzzle catalogue from FILE, the Lichess puzzle database
    (lichess_db_puzzle.csv, or .csv.zst as downloaded). Rows whose id is not 5 letters or digits
    are refused and counted; running it again changes nothing."""

    size = file.stat().st_size

    async def work(context: AppContext) -> dict[str, Any]:
        with (
            file.open("rb") as raw,
            click.progressbar(length=size, label="puzzles", file=sys.stderr) as bar,
        ):
            binary: IO[bytes] = raw
            if file.name.endswith(".zst"):
                binary = zstandard.ZstdDecompressor().stream_reader(raw)
            text = io.TextIOWrapper(binary, encoding="utf-8", newline="")
            try:
                return await import_puzzles(context.store, _lines(raw, text, bar.update))
            except (PuzzleFileError, UnicodeDecodeError, zstandard.ZstdError) as error:
                raise click.ClickException(f"{file}: {error}") from None

    click.echo(json.dumps(run_with_context(settings, work)))
