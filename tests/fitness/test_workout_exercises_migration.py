"""Revision 0021 turns the set rows of `workout_sets` into one `workout_exercises` row per
exercise of a workout, its sets in order and the totals of its working sets; its downgrade
writes the set rows back (docs/fitness.md, "Workouts, sets and exercises")."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import create_engine

from tests.support import scratch_database
from whitecell.core import migrations
from whitecell.core.db import sync_url

USERS = sa.table(
    "users", *(sa.column(n) for n in ("_id", "email", "name", "username")),
    sa.column("createdAt", sa.DateTime(timezone=True)),
)  # fmt: skip
SET_COLUMNS = ("_id", "userId", "workoutId", "exerciseKey", "exercise", "exerciseIndex",
               "setIndex", "type", "source", "reps", "weight", "unit", "weightKg", "e1rm",
               "volume")  # fmt: skip
SETS = sa.table("workout_sets", *(sa.column(n) for n in SET_COLUMNS), sa.column("date", sa.Date))


def _set(
    n: int, workout: str, key: str, index: int, j: int, kg: float, kind: str
) -> dict[str, Any]:
    return {"_id": f"s{n:02d}", "userId": "u1", "workoutId": workout, "exerciseKey": key,
            "exercise": key.title(), "exerciseIndex": index, "setIndex": j, "type": kind,
            "source": "workout", "reps": 5, "weight": kg, "unit": "kg", "weightKg": kg,
            "e1rm": round(kg * 36 / 32, 6), "volume": kg * 5, "date": date(2026, 1, 2)}  # fmt: skip


ROWS = [
    _set(1, "w1", "back squat", 0, 0, 60.0, "warmup"),
    _set(2, "w1", "back squat", 0, 1, 100.0, "normal"),
    _set(3, "w1", "back squat", 0, 2, 105.0, "normal"),
    _set(4, "w1", "bench press", 1, 0, 80.0, "normal"),
    _set(5, "w2", "bench press", 0, 0, 40.0, "warmup"),
]


def test_set_rows_become_exercise_rows_and_come_back(tmp_path: Path) -> None:
    with scratch_database(tmp_path) as url:
        migrations.upgrade(url, "0020")
        engine = create_engine(sync_url(url))
        try:
            with engine.begin() as connection:
                connection.execute(
                    USERS.insert(),
                    {"_id": "u1", "email": "u1@x.io", "name": "u1", "username": "u1",
                     "createdAt": datetime(2026, 1, 1, tzinfo=UTC)},
                )  # fmt: skip
                connection.execute(SETS.insert(), ROWS)
            migrations.upgrade(url, "0021")
            with engine.connect() as connection:
                rows = connection.execute(
                    sa.text(
                        'SELECT "workoutId", "exerciseKey", "exerciseIndex", "workingSets", '
                        '"topWeightKg", "topReps", volume, sets FROM workout_exercises '
                        'ORDER BY "workoutId", "exerciseIndex"'
                    )
                ).all()
            shown = [tuple(row[:7]) for row in rows]
            assert shown == [
                ("w1", "back squat", 0, 2, 105.0, 5, 1025.0),
                ("w1", "bench press", 1, 1, 80.0, 5, 400.0),
                ("w2", "bench press", 0, 0, None, None, None),  # warm-ups only: no totals
            ]
            stored = rows[0][7]  # JSONB comes back decoded, SQLite's JSON as text
            squat_sets = stored if isinstance(stored, list) else json.loads(stored)
            assert [(s["type"], s["weight"]) for s in squat_sets] == [
                ("warmup", 60.0), ("normal", 100.0), ("normal", 105.0)
            ]  # fmt: skip
            migrations.downgrade(url, "0020")
            with engine.connect() as connection:
                back = connection.execute(
                    sa.text(
                        'SELECT "workoutId", "exerciseIndex", "setIndex", type, weight, volume '
                        'FROM workout_sets ORDER BY "workoutId", "exerciseIndex", "setIndex"'
                    )
                ).all()
            assert [tuple(row) for row in back] == [
                (r["workoutId"], r["exerciseIndex"], r["setIndex"], r["type"], r["weight"],
                 r["volume"]) for r in sorted(ROWS, key=lambda r: (r["workoutId"],
                 r["exerciseIndex"], r["setIndex"]))
            ]  # fmt: skip
        finally:
            engine.dispose()
