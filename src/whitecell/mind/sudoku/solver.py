"""A backtracking sudoku solver: how many solutions a grid has (counting stops at a limit, 2 for
"exactly one?"), and a random full grid (domain-rules.md §10: bitmask candidates, the empty
cell with the fewest candidates first).

Each row, column and box keeps a mask of the digits it holds, so a cell's candidates are one
OR and one NOT; the search fills the most constrained cell first, and a cell with no candidate
ends a branch at once.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from whitecell.mind.sudoku.grid import ALL, BOX, CELLS, COL, COUNT, DIGITS_OF, ROW


class _Search:
    """One depth-first search over the empty cells of a grid."""

    def __init__(
        self,
        values: Sequence[int],
        limit: int,
        rng: random.Random | None = None,
        excluded: dict[int, int] | None = None,
    ) -> None:
        self.grid = list(values)
        # Digits a cell may not take (as a mask), beyond what its peers hold.
        self.excluded = [0] * CELLS
        for cell, digit in (excluded or {}).items():
            self.excluded[cell] = 1 << (digit - 1)
        self.rows = [0] * 9
        self.cols = [0] * 9
        self.boxes = [0] * 9
        self.valid = True
        for cell, digit in enumerate(self.grid):
            if not digit:
                continue
            mask = 1 << (digit - 1)
            r, c, b = ROW[cell], COL[cell], BOX[cell]
            if (self.rows[r] | self.cols[c] | self.boxes[b]) & mask:
                self.valid = False  # two equal digits in a unit: no solution at all
            self.rows[r] |= mask
            self.cols[c] |= mask
            self.boxes[b] |= mask
        self.empties = [cell for cell in range(CELLS) if not self.grid[cell]]
        self.limit = limit
        self.rng = rng
        self.count = 0
        self.first: list[int] | None = None

    def run(self) -> None:
        if self.valid:
            self._fill(0)

    def _fill(self, k: int) -> bool:
        """Fill empties[k:]; True once `limit` solutions are found (stop searching)."""
        empties = self.empties
        if k == len(empties):
            self.count += 1
            if self.first is None:
                self.first = list(self.grid)
            return self.count >= self.limit
        rows, cols, boxes, excluded = self.rows, self.cols, self.boxes, self.excluded
        best, best_mask, fewest = k, 0, 10
        for j in range(k, len(empties)):
            cell = empties[j]
            mask = ALL & ~(rows[ROW[cell]] | cols[COL[cell]] | boxes[BOX[cell]] | excluded[cell])
            n = COUNT[mask]
            if n < fewest:
                best, best_mask, fewest = j, mask, n
                if n <= 1:
                    break
        if fewest == 0:
            return False
        empties[k], empties[best] = empties[best], empties[k]
        cell = empties[k]
        r, c, b = ROW[cell], COL[cell], BOX[cell]
        digits = DIGITS_OF[best_mask]
        if self.rng is not None:
            digits = tuple(self.rng.sample(digits, len(digits)))
        for digit in digits:
            mask = 1 << (digit - 1)
            rows[r] |= mask
            cols[c] |= mask
            boxes[b] |= mask
            self.grid[cell] = digit
            done = self._fill(k + 1)
            rows[r] &= ~mask
            cols[c] &= ~mask
            boxes[b] &= ~mask
            self.grid[cell] = 0
            if done:
                return True
        return False


def count_solutions(values: Sequence[int], limit: int = 2) -> int:
    """How many solutions the grid has, counting no further than `limit`."""
    search = _Search(values, limit, None)
    search.run()
    return search.count


def has_other_solution(values: Sequence[int], cell: int, digit: int) -> bool:
    """Whether the grid has a solution with something else than `digit` in `cell`: for a grid
    known to be solved with `digit` there, whether it has a second solution."""
    search = _Search(values, 1, None, {cell: digit})
    search.run()
    return search.count > 0


def solve(values: Sequence[int]) -> list[int] | None:
    """A solution of the grid (the first found), or None when it has none."""
    search = _Search(values, 1, None)
    search.run()
    return search.first


def random_full_grid(rng: random.Random) -> list[int]:
    """A complete valid grid drawn by filling an empty one with digits in random order."""
    search = _Search([0] * CELLS, 1, rng)
    search.run()
    assert search.first is not None  # an empty grid always has a solution
    return search.first
