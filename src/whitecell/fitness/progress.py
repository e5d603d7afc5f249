"""Fitness goals that follow a measured value, pure (docs/fitness.md, "Fitness goals"): which
value a goal follows, which way it counts, when it is reached, and exercise names compared."""

from __future__ import annotations

from typing import Any

from whitecell.fitness.rules import EXERCISE_ALIASES, exercise_key, exercise_phrase
from whitecell.fitness.trends import convert_mass, mass_unit

PERCENT_UNITS = frozenset({"%", "percent", "pct"})


def measured_field(goal: dict[str, Any]) -> str | None:
    """The measurement field a weight or body-composition goal follows, or None (followed by
    hand): weight in kg/lbs; body fat in %; muscle mass in kg/lbs."""
    unit = (goal.get("unit") or "").strip().casefold()
    if goal.get("goalType") == "weight":
        return "weight" if mass_unit(unit) else None
    if goal.get("goalType") == "body_composition":
        if unit in PERCENT_UNITS:
            return "bodyFatPercentage"
        return "muscleMass" if mass_unit(unit) else None
    return None


def measured_value(field: str, measurement: dict[str, Any], goal_unit: str) -> float | None:
    """The measurement's `field` in the goal's unit (body fat needs none)."""
    value = measurement.get(field)
    if value is None:
        return None
    if field == "bodyFatPercentage":
        return float(value)
    return convert_mass(float(value), measurement["unit"], goal_unit)


def goal_exercise(goal: dict[str, Any], exercises: list[str]) -> str | None:
    """The key of the exercise a strength goal follows: its `exercise`, else the longest known
    exercise (by key, or by one of its aliases) that stands as whole words in the goal's name
    ("Bench 100 kg" follows "bench press")."""
    if goal.get("exercise"):
        return exercise_key(goal["exercise"])
    known = set(exercises)
    phrases = {key: key for key in known if key}
    phrases.update({alias: key for alias, key in EXERCISE_ALIASES.items() if key in known})
    name = f" {exercise_phrase(goal.get('name') or '')} "
    found = [phrase for phrase in phrases if f" {phrase} " in name]
    return phrases[max(found, key=len)] if found else None


def best_record(records: list[tuple[str, float]], goal_unit: str) -> float | None:
    """The best (largest) of `records` (value, unit) written in the goal's unit: masses convert
    exactly, other units count only when they are the goal's own."""
    values = []
    for unit, value in records:
        converted = convert_mass(value, unit, goal_unit)
        if converted is None and unit.strip().casefold() == goal_unit.strip().casefold():
            converted = value
        if converted is not None:
            values.append(converted)
    return max(values) if values else None


def reached(goal: dict[str, Any], value: float) -> bool:
    """Whether `value` reaches the goal: from above for a goal below its start (losing weight),
    from below otherwise (strength always counts up)."""
    target = float(goal["targetValue"])
    start = goal.get("startValue")
    if goal.get("goalType") != "strength" and start is not None and target < float(start):
        return value <= target
    return value >= target
