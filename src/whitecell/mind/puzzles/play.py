"""A Lichess puzzle played move by move, as lichess.org checks it (../shared/reference/
domain-rules.md §6; lila `ui/puzzle/src/moveTest.ts`). Pure: positions in, verdicts out.

`fen` is the position *before* the opponent's move; `line` is the UCI line whose first move is
that opponent move. The player is the side to move after it and plays `line[1], line[3], ...`;
the server answers with `line[2], line[4], ...`. A player move that checkmates wins at once, at
any step (a mate in one may have several right answers); otherwise it must be the line's move,
the king-takes-rook castling form (`e1h1` for `e1g1`) accepted as the same move. The puzzle is
solved when the line runs out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import chess

# A UCI move as a client sends it: from-square, to-square, and a promotion piece when needed.
# The null move `0000` that UCI also allows is not a move anyone can play in a puzzle.
UCI_MOVE = re.compile(r"[a-h][1-8][a-h][1-8][qrbn]?")
PIECE_NAMES = {
    chess.PAWN: "pawn",
    chess.KNIGHT: "knight",
    chess.BISHOP: "bishop",
    chess.ROOK: "rook",
    chess.QUEEN: "queen",
    chess.KING: "king",
}


class IllegalMove(ValueError):
    """A move that is not a UCI move, or not legal in the position: never a wrong answer."""


@dataclass(frozen=True)
class Opening:
    """What the player is shown: the position after the opponent's first move."""

    fen: str
    side: str  # "white" or "black": the player's colour
    last_move: str  # the opponent's move that led there, UCI


@dataclass(frozen=True)
class Verdict:
    correct: bool
    solved: bool
    failed: bool
    reply: str | None  # the opponent's answer the server played, UCI
    fen: str  # the position now (after the reply; unchanged after a wrong move)
    played: tuple[str, ...]  # the moves of the line played now, the first opponent move included


def line_of(moves: str) -> list[str]:
    return moves.split()


def check_line(fen: str, moves: str) -> str | None:
    """Why a catalogue line cannot be played (None when it can): a FEN the board refuses, an
    odd or too short line, or a move that is not legal where it stands."""
    line = line_of(moves)
    if len(line) < 2 or len(line) % 2:
        return "Moves must hold the opponent's move and at least one move to find, in pairs"
    try:
        board = chess.Board(fen)
    except ValueError:
        return "FEN is not a chess position"
    if not board.is_valid():
        return "FEN is not a legal position"
    for move in line:
        try:
            if not UCI_MOVE.fullmatch(move):
                raise ValueError(move)
            board.push(board.parse_uci(move))
        except ValueError:
            return f"Moves: {move} is not legal where it stands"
    return None


def opening(fen: str, moves: str) -> Opening:
    """The position the player sees: `fen` with the opponent's first move played."""
    board = chess.Board(fen)
    first = board.parse_uci(line_of(moves)[0])
    board.push(first)
    side = "white" if board.turn == chess.WHITE else "black"
    return Opening(board.fen(), side, first.uci())


def _player_move(board: chess.Board, move: str) -> chess.Move:
    if not UCI_MOVE.fullmatch(move):
        raise IllegalMove("must be a UCI move such as e2e4, or e7e8q for a promotion")
    try:
        return board.parse_uci(move)  # also turns the king-takes-rook form into e1g1
    except ValueError:
        raise IllegalMove(f"{move} is not a legal move in this position") from None


def play(fen: str, moves: str, played: tuple[str, ...], move: str) -> Verdict:
    """The verdict on the player's `move` in the position `fen` (the current one) of a puzzle
    with line `moves`, `played` of it already played. Raises `IllegalMove` for a move that is
    malformed or illegal: that is no answer at all, so it counts for nothing."""
    board = chess.Board(fen)
    line = line_of(moves)
    step = len(played)
    if move == line[step]:
        return _line_move(board, line, played)
    candidate = _player_move(board, move)
    expected = board.parse_uci(line[step])  # the line is legal (check_line): normalised too
    board.push(candidate)
    if board.is_checkmate():
        return Verdict(True, True, False, None, board.fen(), (*played, candidate.uci()))
    if candidate != expected:
        return Verdict(False, False, True, None, fen, played)
    done = (*played, candidate.uci())
    if len(done) == len(line):
        return Verdict(True, True, False, None, board.fen(), done)
    reply = board.parse_uci(line[len(done)])
    board.push(reply)
    return Verdict(True, False, False, reply.uci(), board.fen(), (*done, reply.uci()))


def _line_move(board: chess.Board, line: list[str], played: tuple[str, ...]) -> Verdict:
    """The verdict on the line's own move, written as the line writes it: the common case, cut
    short. The line is legal (`check_line`), so the move needs no legality check, and it mates
    only as the line's last move (a game does not go on after a mate), which solves anyway."""
    board.push(chess.Move.from_uci(line[len(played)]))
    done = (*played, line[len(played)])
    if len(done) == len(line):
        return Verdict(True, True, False, None, board.fen(), done)
    reply = line[len(done)]
    board.push(chess.Move.from_uci(reply))
    return Verdict(True, False, False, reply, board.fen(), (*done, reply))


def hint(fen: str, moves: str, played: tuple[str, ...]) -> tuple[str, str]:
    """The square of the piece to move next, and what piece it is (`("g5", "knight")`)."""
    board = chess.Board(fen)
    move = board.parse_uci(line_of(moves)[len(played)])
    piece = board.piece_at(move.from_square)
    assert piece is not None  # a legal move starts from a piece
    return chess.square_name(move.from_square), PIECE_NAMES[piece.piece_type]


def wrong_move(fen: str, moves: str, played: tuple[str, ...]) -> str:
    """A legal move that fails the puzzle where it stands: neither the line's move nor a mate
    (the demo's missed puzzles). A position with no such move does not occur in a puzzle."""
    board = chess.Board(fen)
    expected = board.parse_uci(line_of(moves)[len(played)])
    for move in sorted(board.legal_moves, key=lambda m: m.uci()):
        if move == expected:
            continue
        board.push(move)
        mate = board.is_checkmate()
        board.pop()
        if not mate:
            return move.uci()
    raise ValueError("every legal move here is the answer or a mate")
