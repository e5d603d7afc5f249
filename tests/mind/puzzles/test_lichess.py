"""The Lichess puzzle CSV read as catalogue rows: columns found by header name, unknown columns
and missing trailing ones tolerated, ids that are not 5 letters or digits refused and counted,
unplayable rows counted apart, the file streamed."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest

from tests.mind.puzzles.positions import HEADER, TWO_MATES, WHITE_CASTLES, csv_text
from whitecell.mind.puzzles.lichess import Counts, PuzzleFileError, read_puzzles

# The exporter's own first row of the sample, with the sample's 11th column (`DailyDate`).
OFFICIAL = (
    "PuzzleId,FEN,Moves,Rating,RatingDeviation,Popularity,NbPlays,Themes,GameUrl,OpeningTags,"
    "DailyDate\n"
    "000rZ,2kr1b1r/p1p2pp1/2pqb3/7p/3N2n1/2NPB3/PPP2PPP/R2Q1RK1 w - - 2 13,d4e6 d6h2,633,93,100,"
    "616,kingsideAttack mate mateIn1 oneMove opening,https://lichess.org/seIMDWkD#25,"
    "Scandinavian_Defense Scandinavian_Defense_Modern_Variation,\n"
)


def rows(text: str) -> tuple[list[dict[str, object]], Counts]:
    counts = Counts()
    return list(read_puzzles(io.StringIO(text), counts)), counts


def test_a_row_of_the_official_layout_becomes_a_catalogue_row() -> None:
    [row], counts = rows(OFFICIAL)
    assert row == {
        "_id": "000rZ",
        "fen": "2kr1b1r/p1p2pp1/2pqb3/7p/3N2n1/2NPB3/PPP2PPP/R2Q1RK1 w - - 2 13",
        "moves": "d4e6 d6h2",
        "rating": 633,
        "ratingDeviation": 93,
        "popularity": 100,
        "nbPlays": 616,
        "themes": ["kingsideAttack", "mate", "mateIn1", "oneMove", "opening"],
        "gameUrl": "https://lichess.org/seIMDWkD#25",
        "openingTags": ["Scandinavian_Defense", "Scandinavian_Defense_Modern_Variation"],
    }
    assert (counts.read, counts.bad_ids, counts.invalid) == (1, 0, 0)


def test_columns_are_found_by_name_in_any_order_and_unknown_ones_are_ignored() -> None:
    text = (
        "Rating,Extra,Moves,PuzzleId,FEN,Themes\n"
        f"1200,whatever,{TWO_MATES[2]},{TWO_MATES[0]},{TWO_MATES[1]},mate\n"
    )
    [row], _ = rows(text)
    assert (row["_id"], row["rating"], row["moves"], row["themes"]) == (
        "tmate",
        1200,
        "c7c6 a1a8",
        ["mate"],
    )
    # Columns the file lacks take Lichess's defaults: a new puzzle's deviation, no plays yet.
    assert (row["ratingDeviation"], row["popularity"], row["nbPlays"]) == (500, 0, 0)
    assert row["gameUrl"] is None and row["openingTags"] == []


def test_extra_trailing_values_and_missing_trailing_columns_are_tolerated() -> None:
    pid, fen, moves, rating = WHITE_CASTLES
    text = (
        f"{HEADER},DailyDate,Future\n"
        f"{pid},{fen},{moves},{rating},75,88,900,castling,,,2026-01-01,x,y,z\n"
        f"castl,{fen},{moves},{rating},75\n"
    )
    found, counts = rows(text)
    assert [r["_id"] for r in found] == ["tcast", "castl"]
    assert found[1]["themes"] == [] and counts.read == 2


@pytest.mark.parametrize(
    "bad", ["4990", "6E+087", "abcdef", "ab-cd", "ab cd", "", "ä1234", "00000 "]
)
def test_ids_that_are_not_5_letters_or_digits_are_refused_and_counted(bad: str) -> None:
    _, fen, moves, rating = TWO_MATES
    found, counts = rows(csv_text((bad, fen, moves, rating), TWO_MATES))
    assert [r["_id"] for r in found] == (["00000"] if bad == "00000 " else []) + ["tmate"]
    assert counts.bad_ids == (0 if bad == "00000 " else 1) and counts.invalid == 0
    assert counts.read == 2


def test_rows_that_cannot_be_played_or_stored_are_counted_apart() -> None:
    _, fen, moves, rating = TWO_MATES
    text = csv_text(
        ("bad01", fen, "c7c6 a1a9", rating),  # not a legal move
        ("bad02", "not a position", moves, rating),
        ("bad03", fen, moves, 99999),  # no rating is that high
        ("bad04", fen, "c7c6", rating),  # nothing to find
        TWO_MATES,
    )
    text += f"bad05,{fen},{moves},twelve,80,90,1000,mate,,\n"  # a rating that is no number
    found, counts = rows(text)
    assert [r["_id"] for r in found] == ["tmate"]
    assert (counts.read, counts.bad_ids, counts.invalid) == (6, 0, 5)
    assert counts.examples[0].startswith("line 2: 'bad01'")


def test_a_file_without_the_puzzle_columns_is_refused() -> None:
    with pytest.raises(PuzzleFileError, match="PuzzleId"):
        rows("id,fen,moves\n1,2,3\n")
    with pytest.raises(PuzzleFileError):
        rows("")


def test_the_file_is_read_one_line_at_a_time() -> None:
    _, fen, moves, rating = TWO_MATES
    read: list[int] = []

    def lines() -> Iterator[str]:
        yield HEADER + "\n"
        for n in range(1000):
            read.append(n)
            yield f"p{n:04d},{fen},{moves},{rating},80,90,10,mate,,\n"

    counts = Counts()
    puzzles = read_puzzles(lines(), counts)
    first = next(puzzles)
    assert first["_id"] == "p0000" and len(read) <= 2  # not the whole file
    assert sum(1 for _ in puzzles) == 999
