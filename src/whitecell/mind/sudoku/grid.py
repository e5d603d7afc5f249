"""The 9x9 sudoku grid (docs/mind.md, "Sudoku"): cells, units and peers, candidate bitmasks,
and the grid's text form.

A grid is a list of 81 digits, row by row from the top left, 0 for an empty cell. Its text form
is 81 characters, `1`-`9` for a digit and `0` (or `.`, read as the same) for an empty cell.
Candidates are 9-bit masks: bit `d - 1` set when digit `d` may still go in the cell.
"""

from __future__ import annotations

from collections.abc import Sequence

SIZE = 9
CELLS = 81
ALL = 0x1FF  # every digit 1-9 still possible
EMPTY_MARKS = frozenset("0.")

ROW = tuple(i // 9 for i in range(CELLS))
COL = tuple(i % 9 for i in range(CELLS))
BOX = tuple((i // 27) * 3 + (i % 9) // 3 for i in range(CELLS))

ROWS = tuple(tuple(r * 9 + c for c in range(9)) for r in range(9))
COLS = tuple(tuple(r * 9 + c for r in range(9)) for c in range(9))
BOXES = tuple(tuple(i for i in range(CELLS) if BOX[i] == b) for b in range(9))
# The 27 units: rows 0-8, columns 9-17, boxes 18-26.
UNITS = ROWS + COLS + BOXES
UNIT_NAMES = tuple(
    [f"row {n + 1}" for n in range(9)]
    + [f"column {n + 1}" for n in range(9)]
    + [f"box {n + 1}" for n in range(9)]
)
# Each cell's row, column and box, as unit numbers.
UNITS_OF = tuple((ROW[i], 9 + COL[i], 18 + BOX[i]) for i in range(CELLS))
PEERS = tuple(tuple(sorted({j for u in UNITS_OF[i] for j in UNITS[u]} - {i})) for i in range(CELLS))
PEER_SETS = tuple(frozenset(p) for p in PEERS)

# The digits of each mask, and how many there are.
DIGITS_OF = tuple(tuple(d for d in range(1, 10) if mask >> (d - 1) & 1) for mask in range(512))
COUNT = tuple(len(d) for d in DIGITS_OF)


def bit(digit: int) -> int:
    return 1 << (digit - 1)


def parse_grid(text: str) -> list[int]:
    """The 81 digits of a grid's text form; ValueError saying what is wrong otherwise."""
    if len(text) != CELLS:
        raise ValueError(f"must have 81 cells, not {len(text)}")
    values = []
    for n, char in enumerate(text):
        if char in EMPTY_MARKS:
            values.append(0)
        elif "1" <= char <= "9":
            values.append(ord(char) - 48)
        else:
            raise ValueError(f"cell {n} is {char!r}: use 1-9, or 0 or . for an empty cell")
    return values


def format_grid(values: Sequence[int]) -> str:
    """The text form of a grid: 81 characters, `0` for an empty cell."""
    return "".join(str(v) for v in values)


def cell_name(cell: int) -> str:
    """`r3c5`: row and column, counted from 1."""
    return f"r{ROW[cell] + 1}c{COL[cell] + 1}"


def conflicts(values: Sequence[int]) -> list[int]:
    """The filled cells that share their digit with another cell of a row, column or box."""
    clashing: set[int] = set()
    for unit in UNITS:
        seen: dict[int, int] = {}
        for cell in unit:
            digit = values[cell]
            if not digit:
                continue
            if digit in seen:
                clashing.update((seen[digit], cell))
            else:
                seen[digit] = cell
    return sorted(clashing)


def candidates(values: Sequence[int]) -> list[int]:
    """Each cell's candidates (0 for a filled cell): the digits none of its peers holds."""
    masks = []
    for cell in range(CELLS):
        if values[cell]:
            masks.append(0)
            continue
        used = 0
        for peer in PEERS[cell]:
            if values[peer]:
                used |= bit(values[peer])
        masks.append(ALL & ~used)
    return masks
