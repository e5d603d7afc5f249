"""workout_exercises replaces workout_sets: one derived row per exercise of a workout, holding its
sets in order and the totals of its working sets, instead of one row per set (docs/fitness.md,
"Workouts, sets and exercises"). A workout of 5 exercises x 4 sets writes 5 rows, not 20; history
and weekly volume read the totals; records read the sets of the rows from a point on.

Upgrade fills the new rows from the set rows; downgrade writes the set rows back.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03 15:00:00
"""

from collections.abc import Iterator, Sequence
from itertools import groupby
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from whitecell.core.ids import new_id

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
PLACE = ("userId", "workoutId", "exerciseKey", "exercise", "date", "exerciseIndex", "source")
VALUES = (
    "type",
    "reps",
    "weight",
    "unit",
    "weightKg",
    "distance",
    "time",
    "e1rm",
    "volume",
    "pace",
)
BATCH = 1000

SETS = sa.table("workout_sets", *(sa.column(n) for n in (*PLACE, "_id", "setIndex", *VALUES)))
EXERCISES = sa.table(
    "workout_exercises",
    *(sa.column(n) for n in (*PLACE, "_id", "workingSets", "topWeightKg", "topReps", "topE1rm")),
    sa.column("volume"),
    sa.column("sets", JSON),
)


def upgrade() -> None:
    op.create_table(
        "workout_exercises",
        sa.Column("_id", sa.String(length=64), nullable=False),
        sa.Column("userId", sa.String(length=64), nullable=False),
        sa.Column("workoutId", sa.String(length=64), nullable=False),
        sa.Column("exerciseKey", sa.String(length=200), nullable=False),
        sa.Column("exercise", sa.String(length=200), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("exerciseIndex", sa.BigInteger(), nullable=False),
        sa.Column("source", sa.String(length=7), nullable=False),
        sa.Column("sets", JSON, nullable=False),
        sa.Column("workingSets", sa.BigInteger(), nullable=False),
        sa.Column("topWeightKg", sa.Float(), nullable=True),
        sa.Column("topReps", sa.BigInteger(), nullable=True),
        sa.Column("topE1rm", sa.Float(), nullable=True),
        sa.Column("volume", sa.Float(), nullable=True),
        sa.CheckConstraint(
            '"exerciseIndex" >= 0', name=op.f("ck_workout_exercises_exerciseIndex_range")
        ),
        sa.CheckConstraint(
            "\"source\" IN ('workout', 'import')", name=op.f("ck_workout_exercises_source_enum")
        ),
        sa.CheckConstraint('"topE1rm" >= 0', name=op.f("ck_workout_exercises_topE1rm_range")),
        sa.CheckConstraint('"topReps" >= 0', name=op.f("ck_workout_exercises_topReps_range")),
        sa.CheckConstraint(
            '"topWeightKg" >= 0', name=op.f("ck_workout_exercises_topWeightKg_range")
        ),
        sa.CheckConstraint('"volume" >= 0', name=op.f("ck_workout_exercises_volume_range")),
        sa.CheckConstraint(
            '"workingSets" >= 0', name=op.f("ck_workout_exercises_workingSets_range")
        ),
        sa.CheckConstraint(
            'length("exercise") <= 200', name=op.f("ck_workout_exercises_exercise_length")
        ),
        sa.CheckConstraint(
            'length("exerciseKey") <= 200', name=op.f("ck_workout_exercises_exerciseKey_length")
        ),
        sa.CheckConstraint(
            'length("workoutId") <= 64', name=op.f("ck_workout_exercises_workoutId_length")
        ),
        sa.ForeignKeyConstraint(
            ["userId"],
            ["users._id"],
            name=op.f("fk_workout_exercises_userId_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("_id", name=op.f("pk_workout_exercises")),
    )
    with op.batch_alter_table("workout_exercises", schema=None) as batch_op:
        batch_op.create_index(
            "ix_workout_exercises_userId_exerciseKey_date_workoutId",
            ["userId", "exerciseKey", "date", "workoutId", "_id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_workout_exercises_userId_workoutId", ["userId", "workoutId", "_id"], unique=False
        )
    _insert(EXERCISES, _exercise_rows())
    with op.batch_alter_table("workout_sets", schema=None) as batch_op:
        batch_op.drop_index("ix_workout_sets_userId_workoutId")
        batch_op.drop_index("ix_workout_sets_userId_exerciseKey_date_workoutId")
        batch_op.drop_index("ix_workout_sets_userId_date")
    op.drop_table("workout_sets")


def _exercise_rows() -> Iterator[dict[str, Any]]:
    """One row per (workout, exercise index) of the set rows, as `fitness/sets.py` writes it."""
    ordered = sa.select(SETS).order_by(SETS.c.workoutId, SETS.c.exerciseIndex, SETS.c.setIndex)
    result = op.get_bind().execute(ordered.execution_options(yield_per=BATCH))
    rows = (row._mapping for row in result)
    for _, group in groupby(rows, key=lambda r: (r["workoutId"], r["exerciseIndex"])):
        sets = list(group)
        values = [{n: s[n] for n in VALUES} for s in sets]
        working = [s for s in values if s["type"] != "warmup"]
        volumes = [s["volume"] for s in working if s["volume"] is not None]
        yield {n: sets[0][n] for n in PLACE} | {
            "_id": new_id(),
            "sets": values,
            "workingSets": len(working),
            "topWeightKg": _top(s["weightKg"] for s in working),
            "topReps": _top(s["reps"] for s in working),
            "topE1rm": _top(s["e1rm"] for s in working),
            "volume": round(sum(volumes), 6) if volumes else None,
        }


def _top(values: Iterator[Any]) -> Any:
    return max((v for v in values if v is not None), default=None)


def _insert(table: Any, rows: Iterator[dict[str, Any]]) -> None:
    """Insert `rows` in batches (the reading cursor stays open: rows come as they are read)."""
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            op.get_bind().execute(sa.insert(table), batch)
            batch = []
    if batch:
        op.get_bind().execute(sa.insert(table), batch)


def downgrade() -> None:
    op.create_table(
        "workout_sets",
        sa.Column("_id", sa.String(length=64), nullable=False),
        sa.Column("userId", sa.String(length=64), nullable=False),
        sa.Column("workoutId", sa.String(length=64), nullable=False),
        sa.Column("exerciseKey", sa.String(length=200), nullable=False),
        sa.Column("exercise", sa.String(length=200), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("exerciseIndex", sa.BigInteger(), nullable=False),
        sa.Column("setIndex", sa.BigInteger(), nullable=False),
        sa.Column("type", sa.String(length=7), nullable=False),
        sa.Column("source", sa.String(length=7), nullable=False),
        sa.Column("reps", sa.BigInteger(), nullable=True),
        sa.Column("weight", sa.Float(), nullable=True),
        sa.Column("unit", sa.String(length=3), nullable=True),
        sa.Column("weightKg", sa.Float(), nullable=True),
        sa.Column("distance", sa.Float(), nullable=True),
        sa.Column("time", sa.Float(), nullable=True),
        sa.Column("e1rm", sa.Float(), nullable=True),
        sa.Column("volume", sa.Float(), nullable=True),
        sa.Column("pace", sa.Float(), nullable=True),
        sa.CheckConstraint('"distance" >= 0', name=op.f("ck_workout_sets_distance_range")),
        sa.CheckConstraint('"e1rm" >= 0', name=op.f("ck_workout_sets_e1rm_range")),
        sa.CheckConstraint(
            '"exerciseIndex" >= 0', name=op.f("ck_workout_sets_exerciseIndex_range")
        ),
        sa.CheckConstraint('"pace" >= 0', name=op.f("ck_workout_sets_pace_range")),
        sa.CheckConstraint('"reps" >= 0', name=op.f("ck_workout_sets_reps_range")),
        sa.CheckConstraint('"setIndex" >= 0', name=op.f("ck_workout_sets_setIndex_range")),
        sa.CheckConstraint(
            "\"source\" IN ('workout', 'import')", name=op.f("ck_workout_sets_source_enum")
        ),
        sa.CheckConstraint('"time" >= 0', name=op.f("ck_workout_sets_time_range")),
        sa.CheckConstraint(
            "\"type\" IN ('normal', 'warmup', 'drop', 'failure')",
            name=op.f("ck_workout_sets_type_enum"),
        ),
        sa.CheckConstraint("\"unit\" IN ('kg', 'lbs')", name=op.f("ck_workout_sets_unit_enum")),
        sa.CheckConstraint('"volume" >= 0', name=op.f("ck_workout_sets_volume_range")),
        sa.CheckConstraint('"weight" >= 0', name=op.f("ck_workout_sets_weight_range")),
        sa.CheckConstraint('"weightKg" >= 0', name=op.f("ck_workout_sets_weightKg_range")),
        sa.CheckConstraint(
            'length("exercise") <= 200', name=op.f("ck_workout_sets_exercise_length")
        ),
        sa.CheckConstraint(
            'length("exerciseKey") <= 200', name=op.f("ck_workout_sets_exerciseKey_length")
        ),
        sa.CheckConstraint(
            'length("workoutId") <= 64', name=op.f("ck_workout_sets_workoutId_length")
        ),
        sa.ForeignKeyConstraint(
            ["userId"], ["users._id"], name=op.f("fk_workout_sets_userId_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("_id", name=op.f("pk_workout_sets")),
    )
    with op.batch_alter_table("workout_sets", schema=None) as batch_op:
        batch_op.create_index(
            "ix_workout_sets_userId_date", ["userId", "date", "_id"], unique=False
        )
        batch_op.create_index(
            "ix_workout_sets_userId_exerciseKey_date_workoutId",
            ["userId", "exerciseKey", "date", "workoutId", "_id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_workout_sets_userId_workoutId", ["userId", "workoutId", "_id"], unique=False
        )
    _insert(SETS, _set_rows())
    with op.batch_alter_table("workout_exercises", schema=None) as batch_op:
        batch_op.drop_index("ix_workout_exercises_userId_workoutId")
        batch_op.drop_index("ix_workout_exercises_userId_exerciseKey_date_workoutId")
    op.drop_table("workout_exercises")


def _set_rows() -> Iterator[dict[str, Any]]:
    result = op.get_bind().execute(sa.select(EXERCISES).execution_options(yield_per=BATCH))
    for row in result:
        place = {n: row._mapping[n] for n in PLACE}
        for j, entry in enumerate(row._mapping["sets"]):
            yield place | {"_id": new_id(), "setIndex": j} | {n: entry.get(n) for n in VALUES}
