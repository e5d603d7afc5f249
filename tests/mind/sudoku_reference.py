"""An independent sudoku reference for the tests, sharing no code with `whitecell.mind.sudoku`:
a solution counter (Knuth's Algorithm X over an exact cover, with sets), candidates computed
cell by cell, singles propagation, and a checker for each technique's pattern, written from
the techniques' definitions (domain-rules.md §10; Andrew Stuart's descriptions)."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import product
from typing import Any

Grid = list[int]
Cands = dict[int, set[int]]


def parse(text: str) -> Grid:
    return [0 if ch in "0." else int(ch) for ch in text]


def row_cells(r: int) -> list[int]:
    return [r * 9 + c for c in range(9)]


def col_cells(c: int) -> list[int]:
    return [r * 9 + c for r in range(9)]


def box_cells(b: int) -> list[int]:
    top, left = 3 * (b // 3), 3 * (b % 3)
    return [(top + dr) * 9 + left + dc for dr in range(3) for dc in range(3)]


def box_of(cell: int) -> int:
    return 3 * (cell // 27) + (cell % 9) // 3


def unit_cells(name: str) -> list[int]:
    """The cells of "row 3", "column 5" or "box 2" (counted from 1)."""
    kind, number = name.split()
    n = int(number) - 1
    return {"row": row_cells, "column": col_cells, "box": box_cells}[kind](n)


def sees(a: int, b: int) -> bool:
    return a != b and (a // 9 == b // 9 or a % 9 == b % 9 or box_of(a) == box_of(b))


ALL_UNITS = (
    [row_cells(n) for n in range(9)]
    + [col_cells(n) for n in range(9)]
    + [box_cells(n) for n in range(9)]
)


# -- counting solutions: Algorithm X -----------------------------------------------------------


def _constraints(r: int, c: int, d: int) -> list[tuple[str, int, int]]:
    return [("cell", r, c), ("row", r, d), ("col", c, d), ("box", 3 * (r // 3) + c // 3, d)]


def count_solutions(grid: Grid, limit: int = 2) -> tuple[int, Grid | None]:
    """How many solutions (at most `limit`), and one of them."""
    rows = {
        (r, c, d): _constraints(r, c, d) for r, c, d in product(range(9), range(9), range(1, 10))
    }
    columns: dict[Any, set[Any]] = {}
    for key, cons in rows.items():
        for con in cons:
            columns.setdefault(con, set()).add(key)
    chosen: list[Any] = []
    for i, d in enumerate(grid):
        if d:
            key = (i // 9, i % 9, d)
            if any(con not in columns for con in rows[key]):
                return 0, None  # a clash among the givens
            _select(columns, rows, key)
            chosen.append(key)
    found: list[Grid] = []
    count = 0
    for solution in _search(columns, rows, chosen):
        count += 1
        if not found:
            grid_out = [0] * 81
            for r, c, d in solution:
                grid_out[r * 9 + c] = d
            found.append(grid_out)
        if count >= limit:
            break
    return count, (found[0] if found else None)


def _search(
    columns: dict[Any, set[Any]], rows: dict[Any, Any], partial: list[Any]
) -> Iterator[list[Any]]:
    if not columns:
        yield list(partial)
        return
    col = min(columns, key=lambda k: len(columns[k]))
    for key in list(columns[col]):
        partial.append(key)
        removed = _select(columns, rows, key)
        yield from _search(columns, rows, partial)
        _deselect(columns, rows, key, removed)
        partial.pop()


def _select(columns: dict[Any, set[Any]], rows: dict[Any, Any], key: Any) -> list[set[Any]]:
    removed = []
    for con in rows[key]:
        for other in columns[con]:
            for con2 in rows[other]:
                if con2 != con:
                    columns[con2].remove(other)
        removed.append(columns.pop(con))
    return removed


def _deselect(
    columns: dict[Any, set[Any]], rows: dict[Any, Any], key: Any, removed: list[set[Any]]
) -> None:
    for con in reversed(rows[key]):
        columns[con] = removed.pop()
        for other in columns[con]:
            for con2 in rows[other]:
                if con2 != con:
                    columns[con2].add(other)


# -- candidates and singles ---------------------------------------------------------------------


def candidates(grid: Grid) -> Cands:
    """Each empty cell's digits that no cell of its row, column or box holds."""
    out: Cands = {}
    for i in range(81):
        if grid[i]:
            continue
        used = {grid[j] for j in range(81) if sees(i, j) and grid[j]}
        out[i] = set(range(1, 10)) - used
    return out


def singles_solve(grid: Grid) -> Grid | None:
    """The grid after naked and hidden singles alone; None on a contradiction."""
    grid = list(grid)
    while True:
        cands = candidates(grid)
        if not cands:
            return grid
        if any(not ds for ds in cands.values()):
            return None
        move = next(((i, next(iter(ds))) for i, ds in cands.items() if len(ds) == 1), None)
        if move is None:
            for unit in ALL_UNITS:
                placed = {grid[i] for i in unit if grid[i]}
                for d in set(range(1, 10)) - placed:
                    spots = [i for i in unit if i in cands and d in cands[i]]
                    if not spots:
                        return None
                    if len(spots) == 1:
                        move = (spots[0], d)
                        break
                if move:
                    break
        if move is None:
            return grid
        grid[move[0]] = move[1]


def _propagate_contradicts(grid: Grid, cands: Cands) -> bool:
    """Whether singles from this grid and these candidates reach a contradiction."""
    grid = list(grid)
    cands = {i: set(ds) for i, ds in cands.items()}
    while True:
        if any(not ds for ds in cands.values()):
            return True
        for unit in ALL_UNITS:
            placed = [grid[i] for i in unit if grid[i]]
            if len(placed) != len(set(placed)):
                return True
            for d in set(range(1, 10)) - set(placed):
                if not any(d in cands.get(i, ()) for i in unit):
                    return True
        move = next(((i, next(iter(ds))) for i, ds in cands.items() if len(ds) == 1), None)
        if move is None:
            for unit in ALL_UNITS:
                for d in range(1, 10):
                    spots = [i for i in unit if d in cands.get(i, ())]
                    if len(spots) == 1 and d not in [grid[i] for i in unit]:
                        move = (spots[0], d)
                        break
                if move:
                    break
        if move is None:
            return False
        cell, digit = move
        grid[cell] = digit
        del cands[cell]
        for other in list(cands):
            if sees(cell, other):
                cands[other].discard(digit)


# -- the techniques' patterns -------------------------------------------------------------------


def implied(step: dict[str, Any], grid: Grid, cands: Cands) -> set[tuple[int, int]]:
    """The eliminations the step's pattern justifies on these candidates (an AssertionError
    when the pattern is not there)."""
    kind = step["technique"]
    units = [unit_cells(name) for name in step["units"]]
    cells, digits = step["cells"], step["digits"]
    holders = lambda unit, d: {i for i in unit if d in cands.get(i, ())}  # noqa: E731
    if kind in ("pointing", "box_line"):
        [d] = digits
        home, line = units
        assert holders(home, d) == set(cells) and set(cells) <= set(line), step
        return {(i, d) for i in set(line) - set(home) if d in cands.get(i, ())}
    if kind in ("naked_pair", "naked_triple", "naked_quad"):
        [unit] = units
        assert len(cells) == len(digits) and set(cells) <= set(unit), step
        assert set().union(*(cands[i] for i in cells)) == set(digits), step
        return {(i, d) for i in set(unit) - set(cells) for d in digits if d in cands.get(i, ())}
    if kind in ("hidden_pair", "hidden_triple", "hidden_quad"):
        [unit] = units
        assert len(cells) == len(digits) and set(cells) <= set(unit), step
        for d in digits:
            assert holders(unit, d) and holders(unit, d) <= set(cells), step
        return {(i, d) for i in cells for d in cands[i] - set(digits)}
    if kind in ("x_wing", "swordfish"):
        [d] = digits
        size = {"x_wing": 2, "swordfish": 3}[kind]
        base, cover = units[:size], units[size:]
        assert len(cover) == size, step
        for line in base:
            assert holders(line, d) <= set().union(*map(set, cover)), step
        base_cells = set().union(*map(set, base))
        return {
            (i, d) for line in cover for i in line if i not in base_cells and d in cands.get(i, ())
        }
    if kind == "xy_wing":
        pivot, a, b = cells
        assert sees(pivot, a) and sees(pivot, b), step
        assert len(cands[pivot]) == len(cands[a]) == len(cands[b]) == 2, step
        [z] = (cands[a] & cands[b]) - cands[pivot]
        assert cands[a] | cands[b] == cands[pivot] | {z} and cands[a] != cands[b], step
        return {
            (i, z) for i in cands if i not in cells and sees(i, a) and sees(i, b) and z in cands[i]
        }
    if kind == "forcing_chain":
        [(cell, d)] = [(e["cell"], e["digit"]) for e in step["eliminations"]]
        trial = list(grid)
        trial[cell] = d
        rest = {
            i: {x for x in ds if not (sees(i, cell) and x == d)}
            for i, ds in cands.items()
            if i != cell
        }
        assert _propagate_contradicts(trial, rest), step
        return {(cell, d)}
    raise AssertionError(f"unknown technique {kind}")


def verify_hint(hint: dict[str, Any], grid: Grid, solution: Grid) -> None:
    """The hint's steps hold on `grid` one after the other, the last leaves its cell forced by
    the named single, and the value is the solution's."""
    cands = candidates(grid)
    for step in hint["steps"]:
        gone = {(e["cell"], e["digit"]) for e in step["eliminations"]}
        assert gone and gone <= implied(step, grid, cands), step
        for cell, digit in gone:
            assert solution[cell] != digit, step  # a true elimination
            cands[cell].discard(digit)
    cell, value = hint["cell"], hint["value"]
    assert grid[cell] == 0 and value == solution[cell]
    single = hint["single"]
    if single["technique"] == "naked_single":
        assert cands[cell] == {value}
    else:
        assert single["technique"] == "hidden_single"
        [unit] = [unit_cells(name) for name in single["units"]]
        assert {i for i in unit if value in cands.get(i, ())} == {cell}
    named = hint["steps"][-1]["technique"] if hint["steps"] else single["technique"]
    assert hint["technique"] == named
    if hint["steps"]:  # without the last step's eliminations the cell was not yet forced
        before = candidates(grid)
        for step in hint["steps"][:-1]:
            for e in step["eliminations"]:
                before[e["cell"]].discard(e["digit"])
        naked = before[cell] == {value}
        hidden = any(
            {i for i in unit if value in before.get(i, ())} == {cell}
            for unit in ALL_UNITS
            if cell in unit
        )
        assert not naked and not hidden


def replay(givens: Grid, steps: list[dict[str, Any]], solution: Grid) -> Grid:
    """Follow a whole logical solve step by step, each one checked: placements by the single
    they name, eliminations by their pattern; all of them true to the solution."""
    grid = list(givens)
    cands = candidates(grid)
    for step in steps:
        if step.get("placement") is None:
            gone = {(e["cell"], e["digit"]) for e in step["eliminations"]}
            assert gone and gone <= implied(step, grid, cands), step
            for cell, digit in gone:
                assert solution[cell] != digit, step
                cands[cell].discard(digit)
            continue
        cell, digit = step["placement"]
        assert digit == solution[cell], step
        if step["technique"] == "naked_single":
            assert cands[cell] == {digit}, step
        else:
            [unit] = [unit_cells(name) for name in step["units"]]
            assert {i for i in unit if digit in cands.get(i, ())} == {cell}, step
        grid[cell] = digit
        del cands[cell]
        for other in cands:
            if sees(cell, other):
                cands[other].discard(digit)
    return grid
