"""Calories of a workout the user gave none for (docs/fitness.md, "Templates and calories"):
kcal = MET x body weight (kg) x hours. MET values from the Compendium of Physical Activities
(Ainsworth et al., 2011), one per workout type and intensity. Pure."""

from __future__ import annotations

# MET (metabolic equivalent of task) by workout type, then intensity.
MET = {
    "strength": {"low": 3.5, "moderate": 5.0, "high": 6.0, "very-high": 8.0},
    "cardio": {"low": 4.0, "moderate": 7.0, "high": 10.0, "very-high": 12.5},
    "flexibility": {"low": 2.3, "moderate": 2.5, "high": 3.0, "very-high": 4.0},
    "sports": {"low": 4.0, "moderate": 6.0, "high": 8.0, "very-high": 10.0},
}
# Body weight used when the user has logged no measurement (kg).
DEFAULT_BODY_KG = 70.0


def estimate_calories(workout_type: str, intensity: str, minutes: int, body_kg: float) -> int:
    """Whole kcal burned by `minutes` of a workout of this type and intensity."""
    return round(MET[workout_type][intensity] * body_kg * minutes / 60)
