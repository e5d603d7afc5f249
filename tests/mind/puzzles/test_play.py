"""Puzzle moves checked as lichess.org checks them (domain-rules.md §6, lila moveTest.ts), called
directly: every line of the shipped sample plays to a solve, a mate wins at any step, both
castling forms are the same move, a wrong move fails, an illegal one is no answer."""

from __future__ import annotations

import chess
import pytest

from tests.mind.puzzles.positions import BLACK_CASTLES, LONG_LINE, TWO_MATES, WHITE_CASTLES
from whitecell.mind.puzzles.catalogue import SAMPLE
from whitecell.mind.puzzles.lichess import Counts, read_puzzles
from whitecell.mind.puzzles.play import (
    IllegalMove,
    check_line,
    hint,
    line_of,
    opening,
    play,
    wrong_move,
)

SAMPLE_ROWS = list(read_puzzles(SAMPLE.open(encoding="utf-8", newline=""), Counts()))


def _start(fen: str, moves: str) -> tuple[str, tuple[str, ...]]:
    first = opening(fen, moves)
    return first.fen, (first.last_move,)


def test_the_player_sees_the_position_after_the_opponent_s_move_and_plays_the_other_side() -> None:
    _, fen, moves, _ = TWO_MATES
    shown = opening(fen, moves)
    assert shown.last_move == "c7c6" and shown.side == "white"
    assert shown.fen == "7k/6pp/2p5/8/8/8/8/RR4K1 w - - 0 2"
    _, fen, moves, _ = BLACK_CASTLES
    assert opening(fen, moves).side == "black"


def test_every_sample_line_played_as_written_solves_its_puzzle() -> None:
    assert len(SAMPLE_ROWS) == 1192  # of 1,199 rows, 7 have ids a spreadsheet mangled
    for row in SAMPLE_ROWS:
        fen, played = _start(row["fen"], row["moves"])
        line = line_of(row["moves"])
        while True:
            verdict = play(fen, row["moves"], played, line[len(played)])
            assert verdict.correct and not verdict.failed, row["_id"]
            fen, played = verdict.fen, verdict.played
            if verdict.solved:
                break
            assert verdict.reply == line[len(played) - 1]
        assert chess.Board(fen).is_checkmate() or len(played) == len(line), row["_id"]


def test_any_mate_wins_where_the_sample_has_several_and_the_count_is_the_reference_s() -> None:
    several = 0
    for row in SAMPLE_ROWS:
        if "mate" not in row["themes"]:
            continue
        line = line_of(row["moves"])
        board = chess.Board(row["fen"])
        for move in line[:-1]:
            board.push_uci(move)
        before = board.fen()
        mates = []
        for move in board.legal_moves:
            board.push(move)
            if board.is_checkmate():
                mates.append(move.uci())
            board.pop()
        others = [m for m in mates if m != line[-1]]
        if others:
            several += 1
            verdict = play(before, row["moves"], tuple(line[:-1]), others[0])
            assert verdict.solved and verdict.correct, row["_id"]
    assert several == 29


def test_a_mate_other_than_the_line_s_wins_even_before_the_line_ends() -> None:
    for _, fen, moves, _ in (TWO_MATES, LONG_LINE):
        start, played = _start(fen, moves)
        verdict = play(start, moves, played, "b1b8")
        assert (verdict.correct, verdict.solved, verdict.failed) == (True, True, False)
        assert verdict.reply is None and chess.Board(verdict.fen).is_checkmate()


@pytest.mark.parametrize("move", ["e1g1", "e1h1"])
def test_castling_is_accepted_in_both_forms(move: str) -> None:
    _, fen, moves, _ = WHITE_CASTLES
    start, played = _start(fen, moves)
    verdict = play(start, moves, played, move)
    assert verdict.correct and not verdict.solved and verdict.reply == "a6a5"
    assert verdict.played == ("a7a6", "e1g1", "a6a5")
    assert chess.Board(verdict.fen).piece_at(chess.G1) == chess.Piece(chess.KING, chess.WHITE)


@pytest.mark.parametrize("move", ["e8c8", "e8a8"])
def test_black_castles_long_in_both_forms(move: str) -> None:
    _, fen, moves, _ = BLACK_CASTLES
    start, played = _start(fen, moves)
    verdict = play(start, moves, played, move)
    assert verdict.solved and verdict.played == ("a2a3", "e8c8")


def test_a_legal_move_that_is_neither_the_line_s_nor_a_mate_fails() -> None:
    _, fen, moves, _ = LONG_LINE
    start, played = _start(fen, moves)
    verdict = play(start, moves, played, "a1a2")
    assert (verdict.correct, verdict.solved, verdict.failed) == (False, False, True)
    assert verdict.fen == start and verdict.played == played  # the wrong move is not kept
    for row in SAMPLE_ROWS[:100]:
        start, played = _start(row["fen"], row["moves"])
        wrong = wrong_move(start, row["moves"], played)
        assert play(start, row["moves"], played, wrong).failed, row["_id"]


@pytest.mark.parametrize(
    "move", ["", "e2", "e2e4e", "E2E4", "0000", "a1a9", "a1a1", "g1g3", "c7c8", "a1a8k"]
)
def test_a_malformed_or_illegal_move_is_no_answer(move: str) -> None:
    _, fen, moves, _ = TWO_MATES
    start, played = _start(fen, moves)
    with pytest.raises(IllegalMove):
        play(start, moves, played, move)


def test_a_promotion_must_name_its_piece() -> None:
    fen, moves = "8/P6k/8/8/8/p7/8/K7 b - - 0 1", "h7g7 a7a8q"
    start, played = _start(fen, moves)
    with pytest.raises(IllegalMove):
        play(start, moves, played, "a7a8")
    assert play(start, moves, played, "a7a8q").solved
    assert play(start, moves, played, "a7a8n").failed


def test_a_hint_names_the_square_and_piece_to_move() -> None:
    _, fen, moves, _ = LONG_LINE
    start, played = _start(fen, moves)
    assert hint(start, moves, played) == ("g1", "king")
    _, fen, moves, _ = WHITE_CASTLES
    start, played = _start(fen, moves)
    assert hint(start, moves, played) == ("e1", "king")


@pytest.mark.parametrize(
    ("fen", "moves"),
    [
        ("not a fen", "e2e4 e7e5"),
        ("8/8/8/8/8/8/8/8 w - - 0 1", "e2e4 e7e5"),  # no kings
        (chess.STARTING_FEN, "e2e4"),  # nothing to find
        (chess.STARTING_FEN, "e2e4 e7e5 g1f3"),  # ends on the opponent's move
        (chess.STARTING_FEN, "e2e4 e2e4"),  # an illegal move
        (chess.STARTING_FEN, "e2e4 e7e5 0000 b8c6"),  # a null move
    ],
)
def test_a_line_that_cannot_be_played_is_named(fen: str, moves: str) -> None:
    assert check_line(fen, moves) is not None
