"""The human solving techniques (domain-rules.md §10, "Human-technique grading"), each a function
that finds one step on a board of candidates, or None.

A step either places a digit (the singles) or removes candidates (the rest); it names the
pattern that justifies it: the cells, digits and units it stands on, so a client can draw it
and a test can check it on its own. Levels, by the reference's grading:

- easy: naked single, hidden single
- medium: pointing (locked candidates in a box), box/line reduction (claiming), naked and
  hidden pairs
- hard: naked and hidden triples and quads, X-Wing, XY-Wing
- expert: Swordfish, and a forcing chain: a candidate whose placement leads, through singles
  alone, to a contradiction (a cell or a unit with no place left) is removed
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import combinations

from whitecell.mind.sudoku.grid import (
    ALL,
    BOX,
    BOXES,
    CELLS,
    COL,
    COLS,
    COUNT,
    DIGITS_OF,
    PEER_SETS,
    PEERS,
    ROW,
    ROWS,
    UNITS,
    bit,
    candidates,
)

EASY, MEDIUM, HARD, EXPERT = 0, 1, 2, 3
DIFFICULTIES = ("easy", "medium", "hard", "expert")


@dataclass(frozen=True)
class Step:
    """One deduction: a placement `(cell, digit)` or candidate eliminations `(cell, digit)`,
    and the pattern it stands on (`cells`, `digits`, `units`: unit numbers of grid.UNITS)."""

    technique: str
    placement: tuple[int, int] | None = None
    eliminations: tuple[tuple[int, int], ...] = ()
    cells: tuple[int, ...] = ()
    digits: tuple[int, ...] = ()
    units: tuple[int, ...] = ()


class Board:
    """A grid being solved: its digits and each empty cell's remaining candidates."""

    def __init__(self, values: Sequence[int], cands: Sequence[int] | None = None) -> None:
        self.values = list(values)
        self.cands = list(cands) if cands is not None else candidates(values)

    def copy(self) -> Board:
        return Board(self.values, self.cands)

    @property
    def solved(self) -> bool:
        return all(self.values)

    def place(self, cell: int, digit: int) -> None:
        self.values[cell] = digit
        self.cands[cell] = 0
        clear = ~bit(digit)
        for peer in PEERS[cell]:
            self.cands[peer] &= clear

    def apply(self, step: Step) -> None:
        if step.placement is not None:
            self.place(*step.placement)
        for cell, digit in step.eliminations:
            self.cands[cell] &= ~bit(digit)

    def unit_masks(self, unit: Sequence[int]) -> tuple[int, int, int]:
        """The digits placed in a unit, those with a candidate cell, those with two or more."""
        placed = once = twice = 0
        values, cands = self.values, self.cands
        for cell in unit:
            if values[cell]:
                placed |= bit(values[cell])
            else:
                mask = cands[cell]
                twice |= once & mask
                once |= mask
        return placed, once, twice

    def where(self, unit: Sequence[int], digit: int) -> list[int]:
        """The cells of a unit where `digit` is still a candidate."""
        mask = bit(digit)
        return [cell for cell in unit if self.cands[cell] & mask]


# Boxes first: a digit's last place in a box is the easiest thing to see.
_SINGLE_UNITS = [(18 + b, BOXES[b]) for b in range(9)] + [(u, UNITS[u]) for u in range(18)]


def hidden_single(board: Board) -> Step | None:
    """A digit with one place left in a box, row or column."""
    for u, unit in _SINGLE_UNITS:
        _placed, once, twice = board.unit_masks(unit)
        lone = once & ~twice
        if lone:
            digit = DIGITS_OF[lone][0]
            [cell] = board.where(unit, digit)
            return Step("hidden_single", (cell, digit), cells=(cell,), digits=(digit,), units=(u,))
    return None


def naked_single(board: Board) -> Step | None:
    """A cell with one candidate left."""
    for cell in range(CELLS):
        mask = board.cands[cell]
        if not board.values[cell] and COUNT[mask] == 1:
            digit = DIGITS_OF[mask][0]
            return Step("naked_single", (cell, digit), cells=(cell,), digits=(digit,))
    return None


def _eliminations(board: Board, cells: Sequence[int], mask: int) -> tuple[tuple[int, int], ...]:
    """Every candidate of `mask` in `cells`, as (cell, digit) pairs."""
    return tuple((c, d) for c in cells for d in DIGITS_OF[board.cands[c] & mask])


def pointing(board: Board) -> Step | None:
    """A digit whose candidates in a box all lie in one row or column: not elsewhere there."""
    for b in range(9):
        for digit in range(1, 10):
            cells = board.where(BOXES[b], digit)
            if len(cells) < 2:
                continue
            for line_of, lines, offset in ((ROW, ROWS, 0), (COL, COLS, 9)):
                if len({line_of[c] for c in cells}) == 1:
                    line = line_of[cells[0]]
                    outside = [c for c in lines[line] if BOX[c] != b]
                    gone = _eliminations(board, outside, bit(digit))
                    if gone:
                        units = (18 + b, offset + line)
                        return Step("pointing", None, gone, tuple(cells), (digit,), units)
    return None


def box_line(board: Board) -> Step | None:
    """A digit whose candidates in a row or column all lie in one box: not elsewhere there."""
    for u in range(18):
        line = UNITS[u]
        for digit in range(1, 10):
            cells = board.where(line, digit)
            if len(cells) < 2 or len({BOX[c] for c in cells}) != 1:
                continue
            b = BOX[cells[0]]
            outside = [c for c in BOXES[b] if c not in line]
            gone = _eliminations(board, outside, bit(digit))
            if gone:
                return Step("box_line", None, gone, tuple(cells), (digit,), (u, 18 + b))
    return None


def _naked_subset(size: int, name: str) -> Callable[[Board], Step | None]:
    def find(board: Board) -> Step | None:
        """`size` cells of a unit holding `size` candidates between them: those digits are
        theirs, and leave the unit's other cells."""
        for u, unit in enumerate(UNITS):
            empty = [c for c in unit if not board.values[c]]
            if len(empty) <= size:
                continue
            pool = [c for c in empty if 2 <= COUNT[board.cands[c]] <= size]
            for group in combinations(pool, size):
                mask = 0
                for c in group:
                    mask |= board.cands[c]
                if COUNT[mask] != size:
                    continue
                others = [c for c in empty if c not in group]
                gone = _eliminations(board, others, mask)
                if gone:
                    return Step(name, None, gone, group, DIGITS_OF[mask], (u,))
        return None

    return find


def _hidden_subset(size: int, name: str) -> Callable[[Board], Step | None]:
    def find(board: Board) -> Step | None:
        """`size` digits of a unit with only `size` cells between them: those cells are
        theirs, and lose every other candidate."""
        for u, unit in enumerate(UNITS):
            placed, _once, _twice = board.unit_masks(unit)
            if 9 - COUNT[placed] <= size:
                continue
            spots = {}
            for digit in DIGITS_OF[ALL & ~placed]:
                cells = board.where(unit, digit)
                if 2 <= len(cells) <= size:
                    spots[digit] = cells
            for digits in combinations(sorted(spots), size):
                cells = sorted({c for d in digits for c in spots[d]})
                if len(cells) != size:
                    continue
                mask = sum(bit(d) for d in digits)
                gone = _eliminations(board, cells, ALL & ~mask)
                if gone:
                    return Step(name, None, gone, tuple(cells), digits, (u,))
        return None

    return find


def _fish(size: int, name: str) -> Callable[[Board], Step | None]:
    def find(board: Board) -> Step | None:
        """A digit whose candidates in `size` rows lie in `size` columns between them (or the
        other way round): the digit leaves those columns' other cells."""
        for digit in range(1, 10):
            mask = bit(digit)
            for base_lines, cover_lines, base_offset, cover_offset in (
                (ROWS, COLS, 0, 9),
                (COLS, ROWS, 9, 0),
            ):
                spots = {}
                for n, line in enumerate(base_lines):
                    where = [k for k, c in enumerate(line) if board.cands[c] & mask]
                    if 2 <= len(where) <= size:
                        spots[n] = where
                for bases in combinations(sorted(spots), size):
                    covers = sorted({k for n in bases for k in spots[n]})
                    if len(covers) != size:
                        continue
                    outside = [
                        cover_lines[k][n] for k in covers for n in range(9) if n not in bases
                    ]
                    gone = _eliminations(board, outside, mask)
                    if gone:
                        cells = tuple(sorted(base_lines[n][k] for n in bases for k in spots[n]))
                        units = tuple(base_offset + n for n in bases) + tuple(
                            cover_offset + k for k in covers
                        )
                        return Step(name, None, gone, cells, (digit,), units)
        return None

    return find


def xy_wing(board: Board) -> Step | None:
    """A two-candidate pivot {x,y} seeing pincers {x,z} and {y,z}: whichever the pivot is, one
    pincer is z, so z leaves every cell that sees both pincers."""
    cands = board.cands
    pairs = [c for c in range(CELLS) if COUNT[cands[c]] == 2]
    for pivot in pairs:
        pm = cands[pivot]
        wings = [c for c in PEERS[pivot] if COUNT[cands[c]] == 2 and COUNT[cands[c] & pm] == 1]
        for a, b in combinations(wings, 2):
            z = cands[a] & ~pm
            if cands[b] != (pm & ~cands[a]) | z or cands[a] & cands[b] != z:
                continue
            seen = sorted((PEER_SETS[a] & PEER_SETS[b]) - {pivot})
            gone = _eliminations(board, seen, z)
            if gone:
                return Step("xy_wing", None, gone, (pivot, a, b), DIGITS_OF[z], ())
    return None


def propagate(board: Board) -> bool:
    """Place singles until none is left; False on a contradiction (a cell without candidates,
    a digit without a place in a unit)."""
    values, cands = board.values, board.cands
    while True:
        progress = False
        for cell in range(CELLS):
            if values[cell]:
                continue
            mask = cands[cell]
            if not mask:
                return False
            if COUNT[mask] == 1:
                board.place(cell, DIGITS_OF[mask][0])
                progress = True
        for unit in UNITS:
            placed, once, twice = board.unit_masks(unit)
            if ALL & ~placed & ~once:
                return False
            for digit in DIGITS_OF[once & ~twice]:
                spots = board.where(unit, digit)
                if len(spots) != 1:
                    return False  # a placement just above took its place
                board.place(spots[0], digit)
                progress = True
        if not progress:
            return True


def forcing_chain(board: Board) -> Step | None:
    """A candidate that, once placed, leads through singles to a contradiction: it is false.
    Cells with the fewest candidates are tried first."""
    empty = sorted(
        (c for c in range(CELLS) if not board.values[c]), key=lambda c: (COUNT[board.cands[c]], c)
    )
    for cell in empty:
        for digit in DIGITS_OF[board.cands[cell]]:
            trial = board.copy()
            trial.place(cell, digit)
            if not propagate(trial):
                return Step("forcing_chain", None, ((cell, digit),), (cell,), (digit,), ())
    return None


Finder = Callable[[Board], Step | None]
SINGLES: tuple[Finder, ...] = (hidden_single, naked_single)
# Elimination techniques, easiest first: (name, level, finder).
ELIMINATIONS: tuple[tuple[str, int, Finder], ...] = (
    ("pointing", MEDIUM, pointing),
    ("box_line", MEDIUM, box_line),
    ("naked_pair", MEDIUM, _naked_subset(2, "naked_pair")),
    ("hidden_pair", MEDIUM, _hidden_subset(2, "hidden_pair")),
    ("naked_triple", HARD, _naked_subset(3, "naked_triple")),
    ("hidden_triple", HARD, _hidden_subset(3, "hidden_triple")),
    ("x_wing", HARD, _fish(2, "x_wing")),
    ("xy_wing", HARD, xy_wing),
    ("naked_quad", HARD, _naked_subset(4, "naked_quad")),
    ("hidden_quad", HARD, _hidden_subset(4, "hidden_quad")),
    ("swordfish", EXPERT, _fish(3, "swordfish")),
    ("forcing_chain", EXPERT, forcing_chain),
)
# Every technique's level, by name.
LEVELS: dict[str, int] = {"hidden_single": EASY, "naked_single": EASY} | {
    name: level for name, level, _find in ELIMINATIONS
}


def single(board: Board) -> Step | None:
    """A placement the singles find, or None."""
    for find in SINGLES:
        step = find(board)
        if step is not None:
            return step
    return None


def elimination(board: Board, max_level: int = EXPERT) -> Step | None:
    """The easiest elimination step up to `max_level`, or None."""
    for _name, level, find in ELIMINATIONS:
        if level > max_level:
            break
        step = find(board)
        if step is not None:
            return step
    return None
