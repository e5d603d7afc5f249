"""Exercise keys, exact kg/lbs, e1RM (domain-rules.md §5.3), calories (the MET table) and record
detection, called directly (docs/fitness.md)."""

from __future__ import annotations

from typing import Any

import pytest

from whitecell.fitness.calories import DEFAULT_BODY_KG, estimate_calories
from whitecell.fitness.detection import detect_records
from whitecell.fitness.rules import KG_PER_LB, e1rm, exercise_key, to_kg


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("Bench Press", "bench press"),
        ("bench press", "bench press"),
        ("  BENCH   press ", "bench press"),
        ("bench", "bench press"),
        ("BB Bench", "bench press"),
        ("Barbell Bench-Press", "bench press"),
        ("OHP", "overhead press"),
        ("Overhead Press", "overhead press"),
        ("RDL", "romanian deadlift"),
        ("Romanian deadlift", "romanian deadlift"),
        ("Pull-ups", "pull up"),
        ("Incline Dumbbell Press", "incline dumbbell press"),
        ("Bench Press (Barbell)", "bench press"),  # as Strong and Hevy export it
        ("Squat (Barbell)", "back squat"),
        ("Bench Press (Dumbbell)", "bench press dumbbell"),
    ],
)
def test_an_exercise_has_one_key_however_it_is_written(written: str, key: str) -> None:
    assert exercise_key(written) == key


def test_a_pound_is_exactly_0_45359237_kg_and_equal_weights_compare_equal() -> None:
    assert KG_PER_LB == 0.45359237
    assert to_kg(100, "lbs") == to_kg(45.359237, "kg") == 45.359237
    assert to_kg(225, "lbs") == 102.05828325


@pytest.mark.parametrize(
    ("weight", "reps", "expected"),
    [
        (100.0, 1, 100.0),  # one rep is the weight itself
        (100.0, 5, 112.5),  # Brzycki
        (100.0, 10, 133.33),  # Brzycki (Epley agrees)
        (80.0, 12, 112.0),  # Epley above 10 reps
        (80.0, 11, 109.33),
    ],
)
def test_e1rm_follows_the_reference_values(weight: float, reps: int, expected: float) -> None:
    value = e1rm(weight, reps)
    assert value is not None and round(value, 2) == expected


def test_no_e1rm_above_12_reps_or_without_a_weight() -> None:
    assert e1rm(60.0, 13) is None
    assert e1rm(0.0, 5) is None
    assert e1rm(60.0, 0) is None


def test_calories_are_met_times_body_weight_times_hours() -> None:
    assert estimate_calories("strength", "moderate", 60, DEFAULT_BODY_KG) == 350
    assert estimate_calories("cardio", "high", 30, 80.0) == 400
    assert estimate_calories("flexibility", "low", 0, 80.0) == 0


def _set(workout: str, day: str, set_index: int, **values: Any) -> dict[str, Any]:
    return {
        "workoutId": workout,
        "date": day,
        "exerciseIndex": 0,
        "setIndex": set_index,
        "source": "workout",
        **values,
    }


def test_one_record_per_workout_and_type_against_the_best_before_it() -> None:
    sets = [
        _set("w1", "2026-11-01", 0, weightKg=100.0, reps=5, unit="kg", volume=500.0),
        _set("w2", "2026-11-03", 0, weightKg=100.0, reps=5, unit="kg", volume=500.0),  # a tie
        _set("w3", "2026-11-05", 0, weightKg=102.5, reps=5, unit="kg", volume=512.5),
        _set("w3", "2026-11-05", 1, weightKg=105.0, reps=3, unit="kg", volume=315.0),
    ]
    found = detect_records({}, sets, lambda s: s["workoutId"])
    by = {(r["workoutId"], r["recordType"]): r for r in found}
    assert by[("w1", "weight")]["previousPR"] is None  # the baseline
    assert not [r for r in found if r["workoutId"] == "w2"]
    heaviest = by[("w3", "weight")]
    assert (heaviest["value"], heaviest["previousPR"], heaviest["improvement"]) == (
        105.0,
        100.0,
        5.0,
    )
    assert heaviest["setIndex"] == 1
    assert by[("w3", "setVolume")]["setIndex"] == 0
    assert by[("w3", "sessionVolume")]["value"] == 827.5


def test_a_lower_pace_is_the_better_one_and_a_baseline_comes_from_before() -> None:
    sets = [_set("w1", "2026-11-01", 0, distance=5000.0, time=1450.0, pace=290.0)]
    found = detect_records({"pace": 300.0, "distance": 6000.0}, sets, lambda s: s["workoutId"])
    by = {r["recordType"]: r for r in found}
    assert set(by) == {"pace", "duration"}  # 5 km is not longer than 6 km
    assert (by["pace"]["previousPR"], by["pace"]["improvement"]) == (300.0, 10.0)
