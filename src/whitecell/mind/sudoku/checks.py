"""What a player's grid is told (docs/mind.md, "Sudoku"): the check of a full or partial grid
against the puzzle's one solution, and a hint as the API shows it. Pure functions of grids.

Cells are numbered 0-80, row by row from the top left: cell = 9 x (row - 1) + (column - 1).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from whitecell.mind.sudoku.grader import Hint
from whitecell.mind.sudoku.grid import COL, ROW, UNIT_NAMES, cell_name, conflicts, parse_grid
from whitecell.mind.sudoku.techniques import Step


class GridRefused(ValueError):
    """A grid the puzzle cannot take: malformed, or a given changed. The message says which."""


def read_grid(text: str, givens: Sequence[int]) -> list[int]:
    """The player's grid, which must keep every given of the puzzle as served."""
    try:
        values = parse_grid(text)
    except ValueError as error:
        raise GridRefused(str(error)) from error
    for cell, given in enumerate(givens):
        if given and values[cell] != given:
            raise GridRefused(
                f"{cell_name(cell)} (cell {cell}) is a given, {given}: it cannot be changed"
            )
    return values


@dataclass(frozen=True)
class Check:
    solved: bool  # every cell filled, and filled right
    empty: int  # cells left to fill
    conflicts: list[int]  # filled cells sharing their digit with another in a row, column, box
    wrong: list[int]  # filled cells (not givens) whose digit is not the solution's

    def as_json(self) -> dict[str, Any]:
        return {
            "solved": self.solved,
            "complete": self.empty == 0,
            "empty": self.empty,
            "conflicts": self.conflicts,
            "wrong": self.wrong,
        }


def check_grid(values: Sequence[int], solution: Sequence[int]) -> Check:
    """How a grid stands against the solution."""
    wrong = [cell for cell, digit in enumerate(values) if digit and digit != solution[cell]]
    empty = sum(1 for digit in values if not digit)
    return Check(not wrong and not empty, empty, conflicts(values), wrong)


def known_cells(values: Sequence[int], solution: Sequence[int]) -> list[int]:
    """The grid without its wrong digits: what logic may reason from."""
    return [digit if digit == solution[cell] else 0 for cell, digit in enumerate(values)]


_NAMES = {
    "naked_single": "naked single",
    "hidden_single": "hidden single",
    "pointing": "pointing pair",
    "box_line": "box/line reduction",
    "naked_pair": "naked pair",
    "hidden_pair": "hidden pair",
    "naked_triple": "naked triple",
    "hidden_triple": "hidden triple",
    "naked_quad": "naked quad",
    "hidden_quad": "hidden quad",
    "x_wing": "X-Wing",
    "xy_wing": "XY-Wing",
    "swordfish": "Swordfish",
    "forcing_chain": "forcing chain",
}


def step_json(step: Step) -> dict[str, Any]:
    """A step as the API shows it: units by name ("row 3"), cells by number."""
    return {
        "technique": step.technique,
        "cells": list(step.cells),
        "digits": list(step.digits),
        "units": [UNIT_NAMES[u] for u in step.units],
        "eliminations": [{"cell": cell, "digit": digit} for cell, digit in step.eliminations],
    }


def _explain(hint: Hint) -> str:
    where = cell_name(hint.cell)
    if hint.single.technique == "hidden_single":
        forced = f"{hint.digit} has one place left in {UNIT_NAMES[hint.single.units[0]]}: {where}"
    else:
        forced = f"{where} has one candidate left: {hint.digit}"
    if not hint.steps:
        return f"{_NAMES[hint.technique].capitalize()}: {forced}."
    used = ", then ".join(
        f"a {_NAMES[step.technique]} on {'/'.join(map(str, step.digits))}" for step in hint.steps
    )
    return f"After {used}, {forced}."


def hint_json(hint: Hint) -> dict[str, Any]:
    """A hint as the API answers it: the cell, its digit, the technique that forces it, and
    every step on the way, each with the pattern it stands on."""
    return {
        "cell": hint.cell,
        "row": ROW[hint.cell] + 1,
        "column": COL[hint.cell] + 1,
        "value": hint.digit,
        "technique": hint.technique,
        "single": step_json(hint.single),
        "steps": [step_json(step) for step in hint.steps],
        "explanation": _explain(hint),
    }
