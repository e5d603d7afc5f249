"""Reading a Strong or Hevy CSV export into workout bodies (docs/fitness.md, "Imports").

The header decides everything: its delimiter (`;` or `,`), its source (Strong or Hevy) and the
layout, by column names, never by position. Rows are read one at a time with the csv module
over a text stream, within a cap on their number; the first bad cell stops the reading with its
line and column. Pure of the database: `imports.py` writes what comes back.
"""

from __future__ import annotations

import csv
import itertools
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any, Protocol

from whitecell.fitness.csvrows import BadFile, Cells, TooManyRows, WorkoutDraft
from whitecell.fitness.hevy import hevy_layout
from whitecell.fitness.strong import strong_layout

SOURCES = ("strong", "hevy")
UNITS = ("kg", "lbs")
DELIMITERS = (",", ";")


class Layout(Protocol):
    source: str

    @property
    def weights_in(self) -> str: ...

    def read(
        self, cells: Cells, workouts: dict[tuple[str, ...], WorkoutDraft], skipped: Counter[str]
    ) -> None: ...


@dataclass
class SourceWorkout:
    """One workout of the file: its stable key, its first line, and its create body."""

    key: str
    line: int
    body: dict[str, Any]


@dataclass
class ReadFile:
    source: str
    unit: str  # the weights' unit, as the header says or as the caller gave it
    rows: int
    workouts: list[SourceWorkout]
    skipped: Counter[str] = field(default_factory=Counter)


def decoded_lines(stream: IO[bytes]) -> Iterator[str]:
    """The file's lines as text, each decoded alone so that bad bytes are named by their line."""
    for number, raw in enumerate(stream, 1):
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError:
            raise BadFile("is not UTF-8 text", line=number) from None


def _layout(header_line: str, unit: str) -> tuple[str, Layout]:
    for delimiter in DELIMITERS:
        try:
            names = next(csv.reader([header_line], delimiter=delimiter), [])
        except csv.Error as error:
            raise BadFile(f"is not readable CSV: {error}", line=1) from None
        layout: Layout | None = hevy_layout(names) or strong_layout(names, unit)
        if layout is not None:
            return delimiter, layout
    raise BadFile(
        "is not a Strong or Hevy CSV export: its header names the columns of neither "
        "(docs/fitness.md lists the layouts read)",
        line=1,
    )


def _rows(reader: Iterator[list[str]], line_num: Any) -> Iterator[tuple[int, list[str]]]:
    while True:
        line = line_num() + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise BadFile(f"is not readable CSV: {error}", line=max(line, line_num())) from None
        if row and any(cell.strip() for cell in row):
            yield line, row


def read_export(
    lines: Iterable[str], *, source: str | None = None, unit: str = "kg", max_rows: int = 100_000
) -> ReadFile:
    """The workouts of the export whose text lines are `lines` (a BOM allowed). `source` is the
    format the caller named (None: whatever the header says); `unit` is the weight unit of
    files that do not say theirs. Raises `BadFile` naming the line and column."""
    stream = iter(lines)
    header_line = next(stream, "").removeprefix("\ufeff")
    if not header_line.strip():
        raise BadFile("is empty: the first line must be the export's header", line=1)
    delimiter, layout = _layout(header_line, unit)
    if source is not None and layout.source != source:
        raise BadFile(f"is a {layout.source.title()} export, not a {source.title()} one", line=1)
    reader = csv.reader(itertools.chain([header_line], stream), delimiter=delimiter)
    header = [name.strip() for name in next(reader)]
    workouts: dict[tuple[str, ...], WorkoutDraft] = {}
    skipped: Counter[str] = Counter()
    rows = 0
    for line, row in _rows(reader, lambda: reader.line_num):
        rows += 1
        if rows > max_rows:
            raise TooManyRows(
                f"holds more than {max_rows} rows, the most one import reads "
                "(WHITECELL_WORKOUT_IMPORT_MAX_ROWS); import it in parts",
                line=line,
            )
        if len(row) > len(header) and any(cell.strip() for cell in row[len(header) :]):
            raise BadFile(f"has {len(row)} fields where the header has {len(header)}", line=line)
        values = dict(zip(header, row, strict=False))
        for column, cell in values.items():
            if "\x00" in cell:  # no database stores it in text
                raise BadFile("holds a NUL character", line=line, column=column)
        layout.read(Cells(line, values), workouts, skipped)
    found = []
    # Oldest first, whatever the file's order: each workout's records are then found against
    # the history before it, with nothing later to recompute.
    for draft in sorted(workouts.values(), key=lambda d: (d.start, d.line)):
        body = draft.body()
        if body is None:
            skipped["emptyWorkouts"] += 1
            continue
        found.append(SourceWorkout(draft.key, draft.line, body))
    return ReadFile(layout.source, layout.weights_in, rows, found, skipped)
