"""Running statistics (mind/cubing/tally.py): built from a whole history or one solve at a time,
with the newest solves taken off again, the same history gives the same statistics."""

from __future__ import annotations

import random

from whitecell.mind.cubing.averages import DNF
from whitecell.mind.cubing.tally import TAIL, Tally, tally_of


def history(count: int, seed: int = 1, dnf_rate: float = 0.05) -> list[tuple[int, str, str]]:
    rng = random.Random(seed)
    return [
        (
            DNF if rng.random() < dnf_rate else rng.randint(800, 2000),
            f"s{i:06d}",
            f"2026-01-01T00:00:{i:06d}Z",
        )
        for i in range(count)
    ]


def summary(tally: Tally) -> dict[str, object]:
    state = tally.state()
    state.pop("tail")
    return state


def test_solve_by_solve_and_all_at_once_agree() -> None:
    solves = history(700)
    step = Tally()
    for solve in solves:
        step.add(*solve)
        if len(step.tail) in (1, 3, 5, 12, 50, 100, 101):
            assert summary(step) == summary(tally_of(solves[: step.solves]))
    assert summary(step) == summary(tally_of(solves))
    assert step.tail == tally_of(solves).tail


def test_taking_the_newest_solves_off_returns_to_the_shorter_history() -> None:
    solves = history(400, seed=2, dnf_rate=0.2)
    tally = tally_of(solves)
    for remaining in range(399, 399 - (TAIL - 100), -1):
        assert tally.can_take_last()
        tally.take_last()
        assert summary(tally) == summary(tally_of(solves[:remaining]))
    assert not tally.can_take_last()  # the tail is down to the widest window: build it again


def test_a_short_history_can_be_taken_back_to_nothing() -> None:
    solves = history(30, seed=3)
    tally = tally_of(solves)
    while tally.solves:
        tally.take_last()
        assert summary(tally) == summary(tally_of(solves[: tally.solves]))
    assert summary(tally) == summary(Tally())


def test_every_window_a_dnf_is_a_dnf_best_and_no_personal_best() -> None:
    tally = tally_of([(DNF, "a", "d1"), (DNF, "b", "d2"), (1000, "c", "d3")])
    assert tally.best["mo3"] == DNF and tally.current["mo3"] == DNF
    assert tally.best["single"] == 1000
    assert [h["stat"] for h in tally.history] == ["single"]
    assert tally.best["ao5"] is None  # not five solves yet
    assert tally.mean() == 1000


def test_personal_bests_name_the_solve_that_set_them_in_order() -> None:
    solves = [(v, f"s{i}", f"d{i}") for i, v in enumerate([1500, 1400, 1450, 1300, 1600, 1200])]
    tally = tally_of(solves)
    singles = [(h["value"], h["solveId"]) for h in tally.history if h["stat"] == "single"]
    assert singles == [(1500, "s0"), (1400, "s1"), (1300, "s3"), (1200, "s5")]
    mo3 = [(h["value"], h["solveId"]) for h in tally.history if h["stat"] == "mo3"]
    # Windows: 1450 (s2), 1383.33 (s3), 1450 (s4: no better), 1366.67 (s5).
    assert mo3 == [(1450, "s2"), (1383, "s3"), (1367, "s5")]
    assert tally.best["mo3"] == 1367 and tally.current["mo3"] == 1367
