"""The cells and workouts of exported workout CSV files (Strong, Hevy), read the same way for
both: numbers with a decimal point or comma, dates in the formats the apps write, durations like
`1h 3m`, set types, and the workout body each source workout becomes (the shared per-set contract
of docs/fitness.md). Pure: no I/O, no database. The formats are described in
../shared/reference/domain-rules.md §5.1 and §5.2; `importing.py` reads a file with them.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

LB_IN_KG = 0.45359237  # exact, by definition
METRES = {"m": 1.0, "meters": 1.0, "metres": 1.0, "km": 1000.0, "mi": 1609.344, "miles": 1609.344}
MAX_DURATION_MINUTES = 24 * 60  # the workouts table's limit: a timer left running is cut there
NAME_LIMIT = 200  # workout and exercise names (the workouts table)
EXERCISE_NOTES_LIMIT = 2000
WORKOUT_NOTES_LIMIT = 10_000
MAX_EXERCISES = 200
MAX_SETS = 100  # one exercise's set list (the per-set contract, docs/fitness.md)
# The space characters iOS puts in dates ("7:05\u202fPM") and numbers ("1\u00a0000").
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
_DURATION = re.compile(r"^(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?\s*(?:(\d+)\s*s)?$")
_CLOCK = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{2})$")
DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %I:%M:%S %p",
    "%Y-%m-%d %I:%M %p",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%d %b %Y, %H:%M",  # Hevy
    "%d %b %Y, %I:%M %p",
    "%d %B %Y, %H:%M",
)


class BadFile(ValueError):
    """The file cannot be imported: what is wrong, and where (1-based line, column header)."""

    def __init__(self, message: str, *, line: int | None = None, column: str | None = None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


class TooManyRows(BadFile):
    pass


@dataclass
class Cells:
    """One data row, read by column name."""

    line: int
    values: dict[str, str]

    def text(self, column: str | None) -> str:
        return self.values.get(column, "").strip() if column else ""

    def number(self, column: str | None) -> float | None:
        """The cell as a number >= 0 (`8,5` = 8.5); None when empty or absent."""
        raw = _SPACES.sub("", self.text(column))
        if not raw:
            return None
        if "," in raw:
            # `1.234,5` (a decimal comma after thousands points) or `8,5`.
            raw = (
                raw.replace(".", "").replace(",", ".")
                if raw.rfind(",") > raw.rfind(".")
                else (raw.replace(",", ""))
            )
        try:
            value = float(raw)
        except ValueError:
            raise BadFile("must be a number", line=self.line, column=column) from None
        if not math.isfinite(value) or value < 0:
            raise BadFile("must be a number of 0 or more", line=self.line, column=column)
        return value

    def count(self, column: str | None) -> int | None:
        value = self.number(column)
        if value is None:
            return None
        if value != int(value):
            raise BadFile("must be a whole number", line=self.line, column=column)
        return int(value)

    def moment(self, column: str) -> datetime:
        """A local date and time as the apps write them (12-hour clocks included)."""
        raw = _SPACES.sub(" ", self.text(column)).strip()
        for pattern in DATE_FORMATS:
            try:
                return datetime.strptime(raw, pattern)
            except ValueError:
                continue
        raise BadFile(
            "must be a date and time such as 2024-07-29 17:01:00", line=self.line, column=column
        )

    def seconds(self, column: str | None) -> float | None:
        """A duration: seconds (`2100`), `35m`, `1h 3m`, `45s` or `1:03:00`."""
        raw = _SPACES.sub(" ", self.text(column)).strip().lower()
        if not raw:
            return None
        if (clock := _CLOCK.match(raw)) is not None:
            hours, minutes, secs = clock.groups()
            return int(hours or 0) * 3600 + int(minutes) * 60 + int(secs)
        if (parts := _DURATION.match(raw)) is not None and any(parts.groups()):
            hours, minutes, secs = (int(p or 0) for p in parts.groups())
            return hours * 3600 + minutes * 60 + secs
        return self.number(column)


def one_set(
    cells: Cells,
    *,
    set_type: str,
    reps: tuple[str | None, int | None],
    weight: tuple[str | None, float | None],
    unit: str,
    metres: float | None,
    seconds: float | None,
    rpe_column: str | None,
) -> dict[str, Any] | None:
    """A set of the per-set contract; None for a row that holds nothing (no reps, no distance,
    no time). A weight of 0 or none is bodyweight; 0 reps beside a distance or time is cardio."""
    rep_count, load = reps[1], weight[1]
    distance = round(metres, 3) if metres else None
    time = round(seconds, 3) if seconds else None
    if not rep_count and distance is None and time is None:
        return None
    rpe = cells.number(rpe_column)
    if rpe is not None and rpe != 0 and not 1 <= rpe <= 10:
        raise BadFile("must be between 1 and 10", line=cells.line, column=rpe_column)
    if load is not None and load > 10_000:
        raise BadFile("must be at most 10000", line=cells.line, column=weight[0])
    if rep_count is not None and rep_count > 10_000:
        raise BadFile("must be at most 10000", line=cells.line, column=reps[0])
    return {
        "reps": rep_count or None,
        "weight": load or None,
        "unit": unit if load else None,
        "distance": distance,
        "time": time,
        "type": set_type,
        "rpe": rpe or None,
    }


def _kg(one: dict[str, Any]) -> float:
    weight = one["weight"] or 0.0
    return float(weight * LB_IN_KG if one["unit"] == "lbs" else weight)


@dataclass
class ExerciseDraft:
    name: str
    sets: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def body(self) -> dict[str, Any]:
        """The exercise with its set list and the spec's summary fields, as the server fills
        them from a set list (fitness/sets.py): `sets` counts the working (non-warm-up) sets;
        `reps`, `weight`, `unit` are the top working set's (heaviest, then most reps);
        `distance` and `time` are totals, `rpe` the highest."""
        working = [s for s in self.sets if s["type"] != "warmup"]
        top = max(working, key=lambda s: (_kg(s), s["reps"] or 0), default={})
        distances = [s["distance"] for s in working if s["distance"]]
        times = [s["time"] for s in working if s["time"]]
        rpes = [s["rpe"] for s in working if s["rpe"]]
        notes = "\n".join(dict.fromkeys(self.notes))[:EXERCISE_NOTES_LIMIT]
        return {
            "name": self.name,
            "sets": len(working),
            "reps": top.get("reps") or 0,
            "weight": top.get("weight"),
            "unit": top.get("unit"),
            "distance": round(sum(distances), 3) if distances else None,
            "time": round(sum(times), 3) if times else None,
            "rpe": max(rpes) if rpes else None,
            "notes": notes or None,
            "setList": self.sets,
        }


@dataclass
class WorkoutDraft:
    """One source workout as its rows arrive: exercises in order, sets in order."""

    line: int
    start: datetime
    name: str
    seconds: float | None = None
    notes: list[str] = field(default_factory=list)
    exercises: list[ExerciseDraft] = field(default_factory=list)

    def add(self, cells: Cells, column: str, exercise: str, one: dict[str, Any] | None) -> None:
        if not exercise:
            raise BadFile("must name the exercise", line=cells.line, column=column)
        if len(exercise) > NAME_LIMIT:
            raise BadFile(f"is longer than {NAME_LIMIT} characters", line=cells.line, column=column)
        if not self.exercises or self.exercises[-1].name != exercise:
            if len(self.exercises) == MAX_EXERCISES:
                raise BadFile(
                    f"a workout holds at most {MAX_EXERCISES} exercises",
                    line=cells.line,
                    column=column,
                )
            self.exercises.append(ExerciseDraft(exercise))
        current = self.exercises[-1]
        if one is not None:
            if len(current.sets) == MAX_SETS:
                raise BadFile(
                    f"an exercise holds at most {MAX_SETS} sets", line=cells.line, column=column
                )
            current.sets.append(one)

    @property
    def key(self) -> str:
        """Stable across files and layouts: the start to the minute and the name."""
        source = f"{self.start:%Y-%m-%dT%H:%M}\x1f{self.name.casefold()}"
        return hashlib.blake2b(source.encode(), digest_size=16).hexdigest()

    def body(self) -> dict[str, Any] | None:
        """The workout as a create body of the workouts table; None when it holds no set."""
        exercises = [e.body() for e in self.exercises if e.sets]
        if not exercises:
            return None
        sets = [s for e in exercises for s in e["setList"]]
        cardio = all(s["reps"] is None for s in sets)
        minutes = round((self.seconds or 0) / 60)
        body: dict[str, Any] = {
            "date": self.start.date().isoformat(),
            "type": "cardio" if cardio else "strength",
            "name": self.name or None,
            "duration": min(MAX_DURATION_MINUTES, minutes),
            "intensity": "moderate",
            "exercises": exercises,
        }
        notes = "\n".join(dict.fromkeys(n for n in self.notes if n))[:WORKOUT_NOTES_LIMIT]
        if notes:
            body["notes"] = notes
        return body


def check_name(cells: Cells, column: str) -> str:
    name = cells.text(column)
    if len(name) > NAME_LIMIT:
        raise BadFile(f"is longer than {NAME_LIMIT} characters", line=cells.line, column=column)
    return name
