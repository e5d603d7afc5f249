"""The Lichess puzzle database's CSV read as catalogue rows, one at a time (../shared/reference/
domain-rules.md §6; https://database.lichess.org/#puzzles). No I/O but the lines it is handed.

The exporter writes `PuzzleId,FEN,Moves,Rating,RatingDeviation,Popularity,NbPlays,Themes,
GameUrl,OpeningTags`; columns are found by their header name, so a column added later (the
sample's `DailyDate`) or a trailing one left out is no matter. A row whose id is not 5 letters or
digits is refused and counted; so is a row whose position or line cannot be played.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from whitecell.mind.puzzles.play import check_line

PUZZLE_ID = re.compile(r"[A-Za-z0-9]{5}")
REQUIRED = ("PuzzleId", "FEN", "Moves", "Rating")
MAX_RATING = 4000  # Lichess ratings run from about 400 to 3300
MAX_DEVIATION = 1000  # a new puzzle starts at 500
MAX_TEXT = {"FEN": 100, "Moves": 1000, "GameUrl": 200}
MAX_TAGS, MAX_TAG_LENGTH = 50, 100  # themes and opening tags: a handful each, short words
MAX_EXAMPLES = 10  # refused rows named in an import's summary


class PuzzleFileError(ValueError):
    """The file is not a Lichess puzzle CSV (no header naming the puzzle columns)."""


@dataclass
class Counts:
    """What one import did: rows read, and why some were refused."""

    read: int = 0
    bad_ids: int = 0  # ids that are not 5 letters or digits
    invalid: int = 0  # other fields unusable (an unreadable rating, an unplayable line)
    examples: list[str] = field(default_factory=list)  # the first few refused, with their line

    def refuse(self, line: int, puzzle_id: str, *, bad_id: bool) -> None:
        if bad_id:
            self.bad_ids += 1
        else:
            self.invalid += 1
        if len(self.examples) < MAX_EXAMPLES:
            why = "not 5 letters or digits" if bad_id else "a field cannot be used"
            self.examples.append(f"line {line}: {puzzle_id[:20]!r} {why}")


def _integer(value: str | None, low: int, high: int) -> int | None:
    text = (value or "").strip()
    if not re.fullmatch(r"-?[0-9]{1,10}", text):
        return None
    number = int(text)
    return number if low <= number <= high else None


def _words(value: str | None) -> list[str] | None:
    words = (value or "").split()
    if len(words) > MAX_TAGS or any(len(word) > MAX_TAG_LENGTH for word in words):
        return None
    return words


def puzzle_row(record: dict[str, Any]) -> dict[str, Any] | None:
    """A CSV record (by header name) as a catalogue row, or None when a field is unusable. The
    id is checked by the caller (`read_puzzles`), which counts it apart."""
    fen = (record.get("FEN") or "").strip()
    moves = " ".join((record.get("Moves") or "").split())
    url = (record.get("GameUrl") or "").strip() or None
    texts = {"FEN": fen, "Moves": moves, "GameUrl": url or ""}
    if any(len(texts[name]) > limit for name, limit in MAX_TEXT.items()):
        return None
    if any("\x00" in (value or "") for value in record.values() if isinstance(value, str)):
        return None  # no database text holds a NUL
    rating = _integer(record.get("Rating"), 0, MAX_RATING)
    deviation = _integer(record.get("RatingDeviation") or "500", 0, MAX_DEVIATION)
    popularity = _integer(record.get("Popularity") or "0", -100, 100)
    plays = _integer(record.get("NbPlays") or "0", 0, 2**62)
    themes, openings = _words(record.get("Themes")), _words(record.get("OpeningTags"))
    numbers = (rating, deviation, popularity, plays)
    if any(n is None for n in numbers) or themes is None or openings is None:
        return None
    if check_line(fen, moves) is not None:
        return None
    return {
        "fen": fen,
        "moves": moves,
        "rating": rating,
        "ratingDeviation": deviation,
        "popularity": popularity,
        "nbPlays": plays,
        "themes": themes,
        "gameUrl": url,
        "openingTags": openings,
    }


def read_puzzles(lines: Iterable[str], counts: Counts) -> Iterator[dict[str, Any]]:
    """Each usable puzzle of a Lichess CSV as a catalogue row keyed `_id`, streaming; refused
    rows are counted in `counts`. Raises `PuzzleFileError` when the header lacks a puzzle
    column."""
    reader = csv.DictReader(iter(lines))  # extra columns go to the None key, missing ones None
    header = reader.fieldnames or []
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise PuzzleFileError(f"the header lacks {', '.join(missing)}: not a Lichess puzzle CSV")
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise PuzzleFileError(f"line {reader.line_num}: {error}") from None
        counts.read += 1
        puzzle_id = (record.get("PuzzleId") or "").strip()
        if not PUZZLE_ID.fullmatch(puzzle_id):
            counts.refuse(reader.line_num, puzzle_id, bad_id=True)
            continue
        row = puzzle_row(record)
        if row is None:
            counts.refuse(reader.line_num, puzzle_id, bad_id=False)
            continue
        yield {"_id": puzzle_id, **row}
