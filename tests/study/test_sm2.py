"""SM-2 as the reference states it (domain-rules.md §1), and as `supermemo2` 3.0.1 computes it."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest
from supermemo2 import first_review
from supermemo2 import review as reference_review

from whitecell.study.scheduling import Sm2State, review_card, sm2, status_of

START = datetime(2024, 6, 22, tzinfo=UTC)


def _replay(grades: list[int]) -> tuple[list[tuple[float, int, int]], list[str]]:
    """Review a new card on each due date in turn; (EF, I, n) after each, and the due dates."""
    card = {"easeFactor": 2.5, "interval": 1, "reviewCount": 0, "reviewHistory": []}
    states, dues, when = [], [], START
    for grade in grades:
        card = {**card, **review_card(card, grade, 10.0, when)}
        history = card["reviewHistory"]
        n = 0
        for item in reversed(history):
            if item["quality"] < 3:
                break
            n += 1
        states.append((round(card["easeFactor"], 2), card["interval"], n))
        when = datetime.fromisoformat(card["nextReviewDate"])
        dues.append(when.strftime("%m-%d"))
    return states, dues


def test_the_reference_s_first_worked_example() -> None:
    states, dues = _replay([4, 4, 4, 4, 5, 2, 3])
    assert states == [
        (2.5, 1, 1), (2.5, 6, 2), (2.5, 15, 3), (2.5, 38, 4), (2.6, 95, 5), (2.28, 1, 0),
        (2.14, 1, 1),
    ]  # fmt: skip
    assert dues == ["06-23", "06-29", "07-14", "08-21", "11-24", "11-25", "11-26"]


def test_the_reference_s_second_worked_example() -> None:
    states, _ = _replay([5, 5, 5, 5, 3, 2, 4, 4])
    assert states == [
        (2.6, 1, 1), (2.7, 6, 2), (2.8, 17, 3), (2.9, 48, 4), (2.76, 140, 5), (2.44, 1, 0),
        (2.44, 1, 1), (2.44, 6, 2),
    ]  # fmt: skip


@pytest.mark.parametrize("quality", range(6))
def test_ease_changes_by_the_published_deltas(quality: int) -> None:
    delta = {5: 0.10, 4: 0.0, 3: -0.14, 2: -0.32, 1: -0.54, 0: -0.80}[quality]
    assert sm2(Sm2State(2.5, 6, 2), quality).ease == pytest.approx(2.5 + delta)


def test_ease_never_falls_below_1_3() -> None:
    state = Sm2State()
    for _ in range(10):
        state = sm2(state, 0)
    assert state.ease == 1.3 and state.interval == 1 and state.repetitions == 0


def test_a_thousand_random_sequences_match_supermemo2_field_for_field() -> None:
    generator = random.Random(2026)
    for _ in range(1000):
        grades = [generator.choice([0, 1, 2, 3, 3, 4, 4, 4, 5, 5]) for _ in range(12)]
        expected = first_review(grades[0], "2024-06-22 00:00:00")
        ours = sm2(Sm2State(), grades[0])
        for grade in grades[1:]:
            assert (ours.interval, ours.repetitions) == (
                expected["interval"],
                expected["repetitions"],
            )
            assert ours.ease == pytest.approx(expected["easiness"])
            expected = reference_review(
                grade,
                expected["easiness"],
                expected["interval"],
                expected["repetitions"],
                expected["review_datetime"],
            )
            ours = sm2(ours, grade)


def test_status_thresholds() -> None:
    assert status_of(Sm2State(2.5, 1, 1)) == "learning"
    assert status_of(Sm2State(2.5, 6, 2)) == "review"
    assert status_of(Sm2State(2.5, 21, 4)) == "mastered"
    assert status_of(Sm2State(2.5, 1, 0)) == "learning"  # a lapse sends it back
