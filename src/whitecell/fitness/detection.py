"""Personal-record detection over one exercise's sets, workout by workout (domain-rules.md §5.4,
docs/fitness.md "Personal records"). Pure: the sets and the best values before them come in,
the record rows that follow from them come out.

Per workout and record type at most one record: the workout's best working set for that type
(the first such set when two tie) against the best of every earlier workout. Strictly better only
(a tie is not a record). The first value ever of a type is a baseline record (`previousPR` null),
which earns nothing. Values are compared normalised: kg for weights, e1RM and volumes, metres,
seconds, seconds per km (lower is better) and reps.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import groupby
from typing import Any

from whitecell.fitness.rules import COMPARE_DECIMALS, from_kg

Document = dict[str, Any]

RECORD_TYPES = (
    "weight",
    "e1rm",
    "reps",
    "setVolume",
    "sessionVolume",
    "distance",
    "duration",
    "pace",
)
LOWER_IS_BETTER_TYPES = frozenset({"pace", "time"})
WEIGHT_TYPES = frozenset({"weight", "e1rm", "setVolume", "sessionVolume"})
# Unit of the record types whose value is not a weight.
FIXED_UNITS = {"reps": "reps", "distance": "m", "duration": "s", "pace": "s/km"}
# Set row field holding each per-set type's normalised value.
SET_FIELD = {
    "weight": "weightKg",
    "e1rm": "e1rm",
    "reps": "reps",
    "setVolume": "volume",
    "distance": "distance",
    "duration": "time",
    "pace": "pace",
}


def better(record_type: str, value: float, best: float | None) -> bool:
    """Strictly better than `best` (None: nothing to beat)."""
    if best is None:
        return True
    return value < best if record_type in LOWER_IS_BETTER_TYPES else value > best


def shown(record_type: str, normalised: float, unit: str) -> float:
    """A normalised value written in a record's `unit` (kg or lbs for weights)."""
    value = from_kg(normalised, unit) if record_type in WEIGHT_TYPES else normalised
    return round(value, 2 if record_type == "e1rm" else 3)


def workout_bests(sets: list[Document]) -> dict[str, tuple[float, Document | None]]:
    """Each record type's best value in one workout's working sets, with the set that made it
    (None for the session volume, made by the whole workout)."""
    bests: dict[str, tuple[float, Document | None]] = {}
    for entry in sets:
        for record_type, field in SET_FIELD.items():
            value = entry.get(field)
            if value is None or value <= 0:
                continue
            held = bests.get(record_type)
            if held is None or better(record_type, float(value), held[0]):
                bests[record_type] = (float(value), entry)
    volume = sum(float(s["volume"]) for s in sets if s.get("volume"))
    if volume > 0:
        bests["sessionVolume"] = (round(volume, COMPARE_DECIMALS), None)
    return bests


def _unit(record_type: str, entry: Document | None, sets: list[Document]) -> str:
    if record_type in FIXED_UNITS:
        return FIXED_UNITS[record_type]
    weighted = entry if entry is not None else next((s for s in sets if s.get("unit")), None)
    return (weighted or {}).get("unit") or "kg"


def detect_records(
    baseline: dict[str, float], sets: Iterable[Document], workout_order: Callable[[Document], Any]
) -> list[Document]:
    """The record rows made by `sets` (working sets of one exercise, in workout order: grouped
    by `workout_order`), given the best normalised value of each type before them (`baseline`)."""
    best: dict[str, float | None] = {t: baseline.get(t) for t in RECORD_TYPES}
    records = []
    for _, group in groupby(sets, key=workout_order):
        its_sets = list(group)
        records += workout_records(best, its_sets, workout_bests(its_sets))
    return records


def workout_records(
    best: dict[str, float | None],
    its_sets: list[Document],
    bests: dict[str, tuple[float, Document | None]],
) -> list[Document]:
    """The record rows of one workout's working sets of one exercise (`bests`: their
    `workout_bests`) against the best value of each type before it (`best`, moved on to the
    workout's values that beat it)."""
    first = its_sets[0]
    records = []
    for record_type, (value, entry) in bests.items():
        previous = best.get(record_type)
        if not better(record_type, value, previous):
            continue
        best[record_type] = value
        unit = _unit(record_type, entry, its_sets)
        shown_value = shown(record_type, value, unit)
        previous_shown = None if previous is None else shown(record_type, previous, unit)
        improvement = None
        if previous_shown is not None:
            gain = previous_shown - shown_value
            improvement = round(gain if record_type in LOWER_IS_BETTER_TYPES else -gain, 3)
        records.append(
            {
                "recordType": record_type,
                "workoutId": first["workoutId"],
                "date": first["date"],
                "exerciseIndex": (entry or first)["exerciseIndex"],
                "setIndex": None if entry is None else entry["setIndex"],
                "normalizedValue": value,
                "value": shown_value,
                "unit": unit,
                "previousPR": previous_shown,
                "improvement": improvement,
                "source": first["source"],
            }
        )
    return records
