"""Strong's CSV export, in the three header layouts seen in the wild (domain-rules.md §5.1):
legacy `;` files with a `Weight Unit` column, 2021-2024 `,` files without units, and Strong 6
files with the units in the header (`Weight (kg)`, `Distance (meters)`, `Duration (sec)`).
Columns are found by name, never by position; `Rest Timer` and `Note` rows are skipped.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from whitecell.fitness.csvrows import METRES, BadFile, Cells, WorkoutDraft, check_name, one_set

REQUIRED = ("Date", "Workout Name", "Exercise Name", "Set Order", "Reps")
SET_TYPES = {"w": "warmup", "d": "drop", "f": "failure"}
SKIPPED = {"rest timer": "restTimer", "note": "note"}
WEIGHT_UNITS = {"kg": "kg", "kgs": "kg", "lb": "lbs", "lbs": "lbs"}
_UNIT_IN_HEADER = re.compile(r"^(weight|distance|duration)\s*\(([^)]*)\)$")


@dataclass
class StrongLayout:
    """Where each Strong column stands in one file's header, and the units it implies."""

    columns: dict[str, str]  # our name -> the header's own spelling
    unit: str  # weights without a unit of their own (header or `Weight Unit` cell)
    weight_unit: str | None  # from the header, `Weight (lbs)`
    distance_metres: float | None  # from the header, `Distance (meters)`
    duration_scale: float = 1.0  # seconds in one unit of a bare-number duration

    source = "strong"

    @property
    def weights_in(self) -> str:
        """The unit of the file's weights (of rows that name none, in the legacy layout)."""
        return self.weight_unit or self.unit

    def column(self, name: str) -> str | None:
        return self.columns.get(name)

    def read(
        self, cells: Cells, workouts: dict[tuple[str, ...], WorkoutDraft], skipped: Counter[str]
    ) -> None:
        order = cells.text(self.column("order")).casefold()
        if order in SKIPPED:
            skipped[SKIPPED[order]] += 1
            return
        set_type = "normal" if order.isdigit() else SET_TYPES.get(order)
        if set_type is None:
            raise BadFile(
                "must be a set number, W (warm-up), D (drop set), F (failure), Rest Timer or Note",
                line=cells.line,
                column=self.column("order"),
            )
        workout = self._workout(cells, workouts)
        weight_column, reps_column = self.column("weight"), self.column("reps")
        one = one_set(
            cells,
            set_type=set_type,
            reps=(reps_column, cells.count(reps_column)),
            weight=(weight_column, cells.number(weight_column)),
            unit=self._weight_unit(cells),
            metres=self._metres(cells),
            seconds=cells.number(self.column("seconds")),
            rpe_column=self.column("rpe"),
        )
        if one is None:
            skipped["empty"] += 1
        exercise = self.column("exercise") or ""
        workout.add(cells, exercise, cells.text(exercise), one)
        note = cells.text(self.column("notes"))
        if note:
            workout.exercises[-1].notes.append(note)

    def _workout(self, cells: Cells, workouts: dict[tuple[str, ...], WorkoutDraft]) -> WorkoutDraft:
        name_column = self.column("workout") or ""
        key = (
            cells.text(self.column("date")),
            cells.text(self.column("number")),
            cells.text(name_column),
        )
        workout = workouts.get(key)
        if workout is None:
            start = cells.moment(self.column("date") or "")
            name = check_name(cells, name_column)
            workout = workouts[key] = WorkoutDraft(cells.line, start, name)
            seconds = cells.seconds(self.column("duration"))
            workout.seconds = None if seconds is None else seconds * self.duration_scale
        notes = cells.text(self.column("workoutNotes"))
        if notes:
            workout.notes.append(notes)
        return workout

    def _weight_unit(self, cells: Cells) -> str:
        if self.weight_unit:
            return self.weight_unit
        column = self.column("weightUnit")
        written = cells.text(column).casefold()
        if not written:
            return self.unit
        if written not in WEIGHT_UNITS:
            raise BadFile("must be kg or lbs", line=cells.line, column=column)
        return WEIGHT_UNITS[written]

    def _metres(self, cells: Cells) -> float | None:
        distance = cells.number(self.column("distance"))
        if distance is None:
            return None
        if self.distance_metres is not None:
            return distance * self.distance_metres
        column = self.column("distanceUnit")
        written = cells.text(column).casefold()
        if not written:  # the app's setting: kilometres with kg, miles with lbs
            return distance * METRES["km" if self.unit == "kg" else "mi"]
        if written not in METRES:
            raise BadFile("must be m, km or mi", line=cells.line, column=column)
        return distance * METRES[written]


NAMES = {
    "date": "date",
    "workout #": "number",
    "workout name": "workout",
    "exercise name": "exercise",
    "set order": "order",
    "weight": "weight",
    "weight unit": "weightUnit",
    "reps": "reps",
    "rpe": "rpe",
    "distance": "distance",
    "distance unit": "distanceUnit",
    "seconds": "seconds",
    "notes": "notes",
    "workout notes": "workoutNotes",
    "duration": "duration",
    "workout duration": "duration",
}


def strong_layout(header: list[str], unit: str) -> StrongLayout | None:
    """The layout of a Strong header, or None when it is not Strong's; a Strong header missing
    a column every layout has is refused, naming it."""
    names = {name.strip().casefold(): name.strip() for name in header}
    if "exercise name" not in names or "set order" not in names:
        return None
    columns = {ours: names[theirs] for theirs, ours in NAMES.items() if theirs in names}
    weight_unit: str | None = None
    distance_metres: float | None = None
    duration_scale = 1.0
    for spelled in names.values():
        match = _UNIT_IN_HEADER.match(spelled.casefold())
        if match is None:
            continue
        what, written = match.group(1), match.group(2).strip()
        columns[what] = spelled
        if what == "weight":
            if written not in WEIGHT_UNITS:
                raise BadFile(
                    "names no weight unit Strong writes (kg, lbs)", line=1, column=spelled
                )
            weight_unit = WEIGHT_UNITS[written]
        elif what == "distance":
            if written not in METRES:
                raise BadFile("names no distance unit Strong writes", line=1, column=spelled)
            distance_metres = METRES[written]
        elif written in ("min", "mins", "minutes"):
            duration_scale = 60.0
    for name in REQUIRED:
        if name.casefold() not in names:
            raise BadFile(f"the header has no `{name}` column", line=1, column=name)
    if "weight" not in columns:
        raise BadFile("the header has no `Weight` column", line=1, column="Weight")
    return StrongLayout(columns, unit, weight_unit, distance_metres, duration_scale)
