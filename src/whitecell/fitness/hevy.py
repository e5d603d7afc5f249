"""Hevy's CSV export (domain-rules.md §5.2): one row per set, `weight_kg`/`distance_km` or, from
imperial accounts, `weight_lbs`/`distance_miles`; `set_type` normal, warmup, dropset or failure;
an empty weight is bodyweight, and cardio rows carry a distance or a duration and no reps.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from whitecell.fitness.csvrows import METRES, BadFile, Cells, WorkoutDraft, check_name, one_set

REQUIRED = ("title", "start_time", "exercise_title", "set_type", "reps")
SET_TYPES = {"normal": "normal", "warmup": "warmup", "dropset": "drop", "failure": "failure"}


@dataclass
class HevyLayout:
    weight_column: str
    unit: str
    distance_column: str | None
    distance_metres: float

    source = "hevy"

    @property
    def weights_in(self) -> str:
        return self.unit

    def read(
        self, cells: Cells, workouts: dict[tuple[str, ...], WorkoutDraft], skipped: Counter[str]
    ) -> None:
        written = cells.text("set_type").casefold()
        set_type = SET_TYPES.get(written or "normal")
        if set_type is None:
            raise BadFile(
                "must be normal, warmup, dropset or failure", line=cells.line, column="set_type"
            )
        workout = self._workout(cells, workouts)
        distance = cells.number(self.distance_column)
        one = one_set(
            cells,
            set_type=set_type,
            reps=("reps", cells.count("reps")),
            weight=(self.weight_column, cells.number(self.weight_column)),
            unit=self.unit,
            metres=None if distance is None else distance * self.distance_metres,
            seconds=cells.number("duration_seconds"),
            rpe_column="rpe",
        )
        if one is None:
            skipped["empty"] += 1
        exercise = cells.text("exercise_title")
        workout.add(cells, "exercise_title", exercise, one)
        note = cells.text("exercise_notes")
        if note:
            workout.exercises[-1].notes.append(note)

    def _workout(self, cells: Cells, workouts: dict[tuple[str, ...], WorkoutDraft]) -> WorkoutDraft:
        key = (cells.text("title"), cells.text("start_time"))
        workout = workouts.get(key)
        if workout is None:
            start = cells.moment("start_time")
            workout = workouts[key] = WorkoutDraft(cells.line, start, check_name(cells, "title"))
            if cells.text("end_time"):
                end = cells.moment("end_time")
                workout.seconds = max(0.0, (end - start).total_seconds())
            description = cells.text("description")
            if description:
                workout.notes.append(description)
        return workout


def hevy_layout(header: list[str]) -> HevyLayout | None:
    """The layout of a Hevy header, or None when it is not Hevy's; a Hevy header missing a
    column is refused, naming it."""
    names = {name.strip() for name in header}
    if "exercise_title" not in names:
        return None
    for name in REQUIRED:
        if name not in names:
            raise BadFile(f"the header has no `{name}` column", line=1, column=name)
    if "weight_kg" in names:
        weight, unit = "weight_kg", "kg"
    elif "weight_lbs" in names:
        weight, unit = "weight_lbs", "lbs"
    else:
        raise BadFile("the header has no `weight_kg` or `weight_lbs` column", line=1)
    distance = next((n for n in ("distance_km", "distance_miles") if n in names), None)
    metres = METRES["mi"] if distance == "distance_miles" else METRES["km"]
    return HevyLayout(weight, unit, distance, metres)
