"""One user's running cubing statistics for one cube type (and session), pure: built from a
whole history in one pass, or moved one solve at a time, the newest solve added or taken off
(docs/mind.md, "Cubing: statistics").

A `Tally` holds what the next solve needs and nothing more: the counts, the sum of finished
results, each statistic's current and best value, the personal-best history, and the last
`TAIL` solves (result, id, date). Adding a solve computes its windows from the tail; taking the
newest one off steps back through the personal-best history, which names the solve that set each
best. Built from scratch (`tally_of`) or solve by solve, the same history gives the same tally
(tests/mind/test_cube_tally.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from whitecell.mind.cubing.averages import (
    DNF,
    STATISTICS,
    average,
    better,
    mean_value,
    rolling_averages,
)

# Solves kept at the end: a window of 100 needs 99 before the newest, and up to 100 more let
# that many newest solves be taken off (a deleted or corrected last solve) before the tally
# has to be built again from the solves.
TAIL = 200
WIDEST = max(size for _name, size in STATISTICS)
SINGLE = "single"
NAMES = (SINGLE, *(name for name, _size in STATISTICS))

Solve = tuple[int, str, str]  # (result in centiseconds or DNF, solve id, date)


@dataclass
class Tally:
    solves: int = 0
    dnfs: int = 0
    total: int = 0  # centiseconds, over the finished solves
    current: dict[str, int | None] = field(default_factory=lambda: dict.fromkeys(NAMES))
    best: dict[str, int | None] = field(default_factory=lambda: dict.fromkeys(NAMES))
    # Each new best as it was set, oldest first: {stat, value, solveId, date}; a window's best
    # is named after its newest solve.
    history: list[dict[str, Any]] = field(default_factory=list)
    tail: list[Solve] = field(default_factory=list)

    @property
    def last(self) -> Solve | None:
        return self.tail[-1] if self.tail else None

    def add(self, value: int, solve_id: str, date: str) -> None:
        """The tally with one more solve, newer than every solve in it."""
        self.tail.append((value, solve_id, date))
        self.solves += 1
        if value == DNF:
            self.dnfs += 1
        else:
            self.total += value
        self._set(SINGLE, value, solve_id, date)
        results = [entry[0] for entry in self.tail]
        for name, size in STATISTICS:
            if len(results) >= size:
                self._set(name, average(results[-size:]), solve_id, date)
        del self.tail[:-TAIL]

    def can_take_last(self) -> bool:
        """Whether the newest solve can be taken off without the solves before the tail."""
        return bool(self.tail) and len(self.tail) - 1 >= min(self.solves - 1, WIDEST)

    def take_last(self) -> None:
        """The tally without its newest solve (only when `can_take_last`)."""
        value, solve_id, _date = self.tail.pop()
        self.solves -= 1
        if value == DNF:
            self.dnfs -= 1
        else:
            self.total -= value
        while self.history and self.history[-1]["solveId"] == solve_id:
            self.history.pop()
        results = [entry[0] for entry in self.tail]
        for name, size in ((SINGLE, 1), *STATISTICS):
            windows = self.solves - size + 1
            self.current[name] = (
                (results[-1] if size == 1 else average(results[-size:])) if windows > 0 else None
            )
            earlier = [h["value"] for h in self.history if h["stat"] == name]
            self.best[name] = earlier[-1] if earlier else (DNF if windows > 0 else None)

    def _set(self, name: str, value: int, solve_id: str, date: str) -> None:
        self.current[name] = value
        held = self.best.get(name)
        if better(value, held):
            self.best[name] = value
            self.history.append({"stat": name, "value": value, "solveId": solve_id, "date": date})
        elif held is None:
            self.best[name] = DNF  # a window exists, and every one so far is a DNF

    def mean(self) -> int | None:
        finished = self.solves - self.dnfs
        return mean_value(self.total, finished) if finished else None

    def state(self) -> dict[str, Any]:
        """The tally as JSON, to keep between requests (`from_state` reads it back)."""
        return {
            "solves": self.solves,
            "dnfs": self.dnfs,
            "total": self.total,
            "current": self.current,
            "best": self.best,
            "history": self.history,
            "tail": [list(entry) for entry in self.tail],
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> Tally:
        return cls(
            solves=int(state["solves"]),
            dnfs=int(state["dnfs"]),
            total=int(state["total"]),
            current=dict(state["current"]),
            best=dict(state["best"]),
            history=list(state["history"]),
            tail=[(int(v), str(i), str(d)) for v, i, d in state["tail"]],
        )


def tally_of(solves: Sequence[Solve]) -> Tally:
    """The tally of a whole history, oldest solve first, in one pass per statistic."""
    tally = Tally()
    values = [value for value, _id, _date in solves]
    events: list[tuple[int, int, str, int]] = []  # (solve index, order, stat, value)
    for order, (name, size) in enumerate(((SINGLE, 1), *STATISTICS)):
        series = values if size == 1 else rolling_averages(values, size)
        best: int | None = None
        current: int | None = None
        for index, value in enumerate(series, start=size - 1):
            current = value
            if better(value, best):
                best = value
                events.append((index, order, name, value))
            elif best is None:
                best = DNF
        tally.current[name] = current
        tally.best[name] = best
    events.sort()
    tally.history = [
        {"stat": name, "value": value, "solveId": solves[index][1], "date": solves[index][2]}
        for index, _order, name, value in events
    ]
    tally.solves = len(values)
    tally.dnfs = sum(1 for value in values if value == DNF)
    tally.total = sum(value for value in values if value != DNF)
    tally.tail = list(solves[-TAIL:])
    return tally
