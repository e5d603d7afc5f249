"""Strong and Hevy CSV exports read into workouts: each layout of the reference
(domain-rules.md §5.1, §5.2) from fixtures written by hand from its documented header, and the
line and column named when a file cannot be read."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from whitecell.core.permissions import Caller
from whitecell.fitness.csvrows import BadFile, TooManyRows
from whitecell.fitness.importing import ReadFile, read_export
from whitecell.fitness.imports import preferred_unit

FIXTURES = Path(__file__).parent / "fixtures"


def _read(name: str, **options: Any) -> ReadFile:
    with (FIXTURES / name).open(encoding="utf-8-sig", newline="") as stream:
        return read_export(stream, **options)


def _text(content: str, **options: Any) -> ReadFile:
    return read_export(io.StringIO(content), **options)


def _sets(exercise: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [
        (s["type"], s["reps"], s["weight"], s["unit"], s["distance"], s["time"], s["rpe"])
        for s in exercise["setList"]
    ]


def _exercises(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {exercise["name"]: exercise for exercise in body["exercises"]}


def test_a_legacy_strong_file_reads_its_units_per_row_and_skips_rest_timers_and_notes() -> None:
    read = _read("strong_legacy.csv")
    assert (read.source, read.rows) == ("strong", 11)
    assert (read.skipped["restTimer"], read.skipped["note"]) == (1, 1)
    push, run = (w.body for w in read.workouts)
    assert (push["date"], push["name"], push["type"], push["duration"]) == (
        "2020-03-02",
        "Push Day",
        "strength",
        45,
    )
    assert push["notes"] == "Good session"
    exercises = _exercises(push)
    assert list(exercises) == ["Bench Press (Barbell)", "Push Up", "Running"]
    assert _sets(exercises["Bench Press (Barbell)"]) == [
        ("warmup", 10, 40.0, "kg", None, None, None),
        ("normal", 5, 80.0, "kg", None, None, 8.0),
        ("normal", 5, 80.0, "kg", None, None, None),
        ("failure", 4, 80.0, "kg", None, None, 10.0),
        ("drop", 8, 60.0, "kg", None, None, None),
    ]
    bench = exercises["Bench Press (Barbell)"]
    assert (bench["sets"], bench["reps"], bench["weight"], bench["unit"]) == (4, 5, 80.0, "kg")
    assert bench["rpe"] == 10  # the highest of the working sets
    assert bench["notes"] == "Paused reps"
    # Bodyweight: a weight of 0 is no weight; cardio: a distance and a time, no reps.
    assert _sets(exercises["Push Up"]) == [
        ("normal", 20, None, None, None, None, None),
        ("normal", 15, None, None, None, None, None),
    ]
    assert _sets(exercises["Running"]) == [("normal", None, None, None, 5000.0, 1500.0, None)]
    # A workout of cardio only is a cardio workout; miles become metres.
    assert (run["type"], run["date"], run["duration"]) == ("cardio", "2020-03-05", 20)
    assert run["exercises"][0]["setList"][0]["distance"] == pytest.approx(3.2 * 1609.344, 1e-3)


def test_a_2021_strong_file_takes_the_unit_it_is_given_and_12_hour_dates() -> None:
    read = _read("strong_2021.csv")
    assert read.source == "strong" and read.skipped["restTimer"] == 1
    first, second = (w.body for w in read.workouts)
    # `6:05:00\u202fPM`: the evening of the 10th; `1h 3m` is 63 minutes.
    assert (first["date"], first["duration"], first["name"]) == ("2023-01-10", 63, "Leg Day")
    assert (second["date"], second["duration"]) == ("2023-01-12", 35)
    squat = _exercises(first)["Squat (Barbell)"]
    assert _sets(squat) == [
        ("warmup", 8, 60.0, "kg", None, None, None),
        ("normal", 5, 100.0, "kg", None, None, 8.0),
        ("normal", 5, 100.0, "kg", None, None, 9.0),
        ("drop", 8, 80.0, "kg", None, None, None),
    ]
    assert _exercises(first)["Cycling (Indoor)"]["setList"][0]["distance"] == 10_000
    in_pounds = _read("strong_2021.csv", unit="lbs").workouts[0].body
    squat = _exercises(in_pounds)["Squat (Barbell)"]
    assert {s["unit"] for s in squat["setList"]} == {"lbs"} and squat["unit"] == "lbs"
    # The app's setting covers distances too: miles with pounds.
    cycling = _exercises(in_pounds)["Cycling (Indoor)"]["setList"][0]
    assert cycling["distance"] == pytest.approx(16_093.44)


def test_a_strong_6_file_fully_quoted_with_pounds_and_decimal_commas() -> None:
    read = _read("strong6_lbs.csv", unit="kg")  # the header's unit wins over the option
    assert read.source == "strong"
    assert (read.skipped["restTimer"], read.skipped["note"]) == (1, 1)
    upper, again = (w.body for w in read.workouts)
    assert (upper["duration"], again["duration"]) == (63, 45)
    assert upper["notes"] == "Deload next week"
    exercises = _exercises(upper)
    assert _sets(exercises["Bench Press (Barbell)"]) == [
        ("warmup", 10, 95.0, "lbs", None, None, None),
        ("normal", 5, 185.5, "lbs", None, None, 8.5),
        ("normal", 5, 185.5, "lbs", None, None, 9.0),
        ("failure", 3, 185.5, "lbs", None, None, 10.0),
        ("drop", 10, 135.0, "lbs", None, None, None),
    ]
    assert _sets(exercises["Chin Up"]) == [("normal", 8, None, None, None, None, None)]
    assert _sets(exercises["Rowing (Machine)"]) == [
        ("normal", None, None, None, 2000.0, 480.0, None)
    ]
    # Two sessions named alike on different days stay two workouts, with two keys.
    assert len({w.key for w in read.workouts}) == 2


@pytest.mark.parametrize(
    ("name", "unit", "miles"), [("hevy_kg.csv", "kg", False), ("hevy_lbs.csv", "lbs", True)]
)
def test_a_hevy_file_reads_in_its_own_units(name: str, unit: str, miles: bool) -> None:
    read = _read(name, unit="kg" if unit == "lbs" else "lbs")  # the header decides
    assert (read.source, read.rows) == ("hevy", 9)
    push, cardio = (w.body for w in read.workouts)
    assert (push["date"], push["duration"], push["notes"]) == ("2024-07-29", 63, "Felt good")
    assert (cardio["type"], cardio["duration"]) == ("cardio", 30)
    exercises = _exercises(push)
    bench = exercises["Bench Press (Barbell)"]
    assert [s["type"] for s in bench["setList"]] == [
        "warmup",
        "normal",
        "normal",
        "failure",
        "drop",
    ]
    assert {s["unit"] for s in bench["setList"]} == {unit}
    assert bench["notes"] == "Elbows tucked"
    assert [s["rpe"] for s in bench["setList"]] == [None, 8.0, None, 10.0, None]
    assert _sets(exercises["Push Up"])[0] == ("normal", 20, None, None, None, None, None)
    treadmill = exercises["Treadmill"]["setList"][0]
    assert treadmill["reps"] is None and treadmill["time"] == 900
    expected = 1.5 * 1609.344 if miles else 2500
    assert treadmill["distance"] == pytest.approx(expected, 1e-3)


def test_the_same_workout_has_the_same_key_whichever_file_it_comes_from() -> None:
    kg = [w.key for w in _read("hevy_kg.csv").workouts]
    assert kg == [w.key for w in _read("hevy_lbs.csv").workouts]
    assert kg != [w.key for w in _read("strong_legacy.csv").workouts]


def test_a_comma_separated_fully_quoted_strong_6_file_in_kilograms_reads_too() -> None:
    content = (
        '"Workout #","Date","Workout Name","Duration (sec)","Exercise Name","Set Order",'
        '"Weight (kg)","Reps","RPE","Distance (meters)","Seconds","Notes","Workout Notes"\r\n'
        '"7","2024-09-01 08:00:00","Pull","1800","Deadlift (Barbell)","1","142.5","3","","0",'
        '"0","",""\r\n'
    )
    [workout] = _text(content).workouts
    [deadlift] = workout.body["exercises"]
    assert _sets(deadlift) == [("normal", 3, 142.5, "kg", None, None, None)]
    assert workout.body["duration"] == 30


def _refusal(content: str, **options: Any) -> BadFile:
    with pytest.raises(BadFile) as caught:
        _text(content, **options)
    return caught.value


STRONG_HEADER = (
    "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,"
    "Workout Notes,RPE\n"
)
STRONG_ROW = "2023-01-10 18:05:00,Leg Day,35m,Squat,{order},100,{reps},0,0,,,\n"


def test_a_header_of_neither_app_is_refused_on_line_1() -> None:
    refusal = _refusal("when,what,how much\n2024-01-01,squat,100\n")
    assert refusal.line == 1 and "Strong or Hevy" in refusal.message


def test_a_strong_header_without_reps_is_refused_naming_the_column() -> None:
    refusal = _refusal(STRONG_HEADER.replace(",Reps", ""))
    assert (refusal.line, refusal.column) == (1, "Reps")


def test_a_word_in_reps_is_refused_naming_its_line_and_column() -> None:
    rows = STRONG_ROW.format(order=1, reps=5) * 3 + STRONG_ROW.format(order=2, reps="five")
    refusal = _refusal(STRONG_HEADER + rows)
    assert (refusal.line, refusal.column) == (5, "Reps")
    assert refusal.message == "must be a number"


def test_an_unknown_set_type_is_refused_naming_its_line_and_column() -> None:
    refusal = _refusal(STRONG_HEADER + STRONG_ROW.format(order="X", reps=5))
    assert (refusal.line, refusal.column) == (2, "Set Order")
    hevy = (FIXTURES / "hevy_kg.csv").read_text().replace(",failure,", ",amrap,")
    refusal = _refusal(hevy)
    assert (refusal.line, refusal.column) == (5, "set_type")


def test_a_bad_date_is_refused_naming_its_column() -> None:
    refusal = _refusal(
        STRONG_HEADER + STRONG_ROW.format(order=1, reps=5).replace("2023-01-10", "Tuesday")
    )
    assert (refusal.line, refusal.column) == (2, "Date")


def test_a_file_named_as_the_other_app_is_refused() -> None:
    refusal = _refusal(STRONG_HEADER + STRONG_ROW.format(order=1, reps=5), source="hevy")
    assert refusal.line == 1 and "Strong export, not a Hevy one" in refusal.message


def test_a_quoted_cell_over_several_lines_keeps_the_count_of_lines() -> None:
    rows = STRONG_ROW.format(order=1, reps=5).replace(",,,\n", ',"two\nlines",,\n')
    refusal = _refusal(STRONG_HEADER + rows + STRONG_ROW.format(order=2, reps="x"))
    assert (refusal.line, refusal.column) == (4, "Reps")


def test_more_rows_than_the_cap_are_refused() -> None:
    rows = "".join(STRONG_ROW.format(order=n, reps=5) for n in range(1, 5))
    assert len(_text(STRONG_HEADER + rows, max_rows=4).workouts) == 1
    with pytest.raises(TooManyRows) as caught:
        _text(STRONG_HEADER + rows, max_rows=3)
    assert caught.value.line == 5 and "WHITECELL_WORKOUT_IMPORT_MAX_ROWS" in caught.value.message


def test_a_byte_order_mark_and_windows_line_ends_are_read_through() -> None:
    content = "\ufeff" + (STRONG_HEADER + STRONG_ROW.format(order=1, reps=5)).replace("\n", "\r\n")
    [workout] = _text(content).workouts
    assert workout.body["exercises"][0]["setList"][0]["reps"] == 5


def test_files_without_a_unit_take_the_account_preference_else_kg() -> None:
    assert preferred_unit(Caller({"_id": "u1", "weightUnit": "lbs"})) == "lbs"
    assert preferred_unit(Caller({"_id": "u1"})) == "kg"


def test_workouts_come_out_oldest_first_whatever_the_file_order() -> None:
    newer = STRONG_ROW.format(order=1, reps=5).replace("2023-01-10", "2023-02-01")
    read = _text(STRONG_HEADER + newer + STRONG_ROW.format(order=1, reps=3))
    assert [w.body["date"] for w in read.workouts] == ["2023-01-10", "2023-02-01"]
    assert [w.line for w in read.workouts] == [3, 2]
