"""Personal records found by the server from every set (docs/fitness.md): the derived
`exercises` and `workout_sets` tables, the record rows' kind, source, workout, set, exercise key
and normalised value, `workouts.isTemplate` and `caloriesEstimated`, and `users.weightUnit`.

Records written before (all manual) keep their values: their `exerciseKey` is their name in
lower case with single spaces, their kind follows their unit, and their normalised value is the
value in kg for lbs.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 12:05:37
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


KG_PER_LB = 0.45359237
TIME_UNITS = {"s", "sec", "secs", "second", "seconds", "ms", "min", "mins", "minute", "minutes",
              "h", "hr", "hrs", "hour", "hours", "time"}  # fmt: skip
RECORD_CHECKS = (
    (
        "ck_personal_records_recordType_enum",
        "\"recordType\" IN ('weight', 'e1rm', 'reps', 'setVolume', 'sessionVolume', 'distance', "
        "'duration', 'pace', 'time')",
    ),
    ("ck_personal_records_source_enum", "\"source\" IN ('workout', 'import', 'manual')"),
    ("ck_personal_records_workoutId_length", 'length("workoutId") <= 64'),
    ("ck_personal_records_exerciseIndex_range", '"exerciseIndex" >= 0'),
    ("ck_personal_records_setIndex_range", '"setIndex" >= 0'),
    ("ck_personal_records_exerciseKey_length", 'length("exerciseKey") <= 200'),
)


def _fill_records() -> None:
    connection = op.get_bind()
    rows = connection.execute(
        sa.text('SELECT "_id", exercise, "value", unit FROM personal_records')
    ).all()
    for record_id, exercise, value, unit in rows:
        cleaned = "".join(ch if ch.isalnum() else " " for ch in exercise.casefold())
        key = " ".join(cleaned.split())[:200] or "exercise"
        unit_key = unit.strip().lower()
        kind = "weight" if unit_key in ("kg", "lbs") else "time" if unit_key in TIME_UNITS else None
        normalised = round(value * KG_PER_LB, 9) if unit_key == "lbs" else value
        connection.execute(
            sa.text(
                'UPDATE personal_records SET "exerciseKey" = :key, "recordType" = :kind, '
                '"normalizedValue" = :value WHERE "_id" = :id'
            ),
            {"key": key, "kind": kind, "value": normalised, "id": record_id},
        )


def upgrade() -> None:
    op.create_table(
        "exercises",
        sa.Column("_id", sa.String(length=64), nullable=False),
        sa.Column("userId", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("usageCount", sa.BigInteger(), nullable=False),
        sa.Column("lastUsed", sa.Date(), nullable=True),
        sa.CheckConstraint('"usageCount" >= 0', name=op.f("ck_exercises_usageCount_range")),
        sa.CheckConstraint('length("key") <= 200', name=op.f("ck_exercises_key_length")),
        sa.CheckConstraint('length("name") <= 200', name=op.f("ck_exercises_name_length")),
        sa.ForeignKeyConstraint(
            ["userId"], ["users._id"], name=op.f("fk_exercises_userId_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("_id", name=op.f("pk_exercises")),
        sa.UniqueConstraint("userId", "key", name="uq_exercises_userId_key"),
    )
    with op.batch_alter_table("exercises", schema=None) as batch_op:
        batch_op.create_index("ix_exercises_userId_key", ["userId", "key", "_id"], unique=False)
        batch_op.create_index(
            "ix_exercises_userId_usageCount", ["userId", "usageCount", "_id"], unique=False
        )

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

    with op.batch_alter_table("personal_records", schema=None) as batch_op:
        batch_op.add_column(sa.Column("recordType", sa.String(length=13), nullable=True))
        batch_op.add_column(
            sa.Column("source", sa.String(length=7), server_default="manual", nullable=False)
        )
        batch_op.add_column(sa.Column("workoutId", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("exerciseIndex", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("setIndex", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("exerciseKey", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("normalizedValue", sa.Float(), nullable=True))
        batch_op.create_index(
            "ix_personal_records_userId_exerciseKey_recordType_date",
            ["userId", "exerciseKey", "recordType", "date", "_id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_personal_records_userId_source", ["userId", "source", "_id"], unique=False
        )

    _fill_records()
    with op.batch_alter_table("personal_records", schema=None) as batch_op:
        batch_op.alter_column("exerciseKey", existing_type=sa.String(length=200), nullable=False)
        batch_op.alter_column("normalizedValue", existing_type=sa.Float(), nullable=False)
        for name, condition in RECORD_CHECKS:
            batch_op.create_check_constraint(op.f(name), condition)

    # Plain ADD COLUMN (no table rebuild, which would drop the users' search triggers).
    op.add_column(
        "users", sa.Column("weightUnit", sa.String(length=3), server_default="kg", nullable=False)
    )
    for name in ("isTemplate", "caloriesEstimated"):
        op.add_column(
            "workouts",
            sa.Column(name, sa.Boolean(), server_default=sa.text("false"), nullable=False),
        )


def downgrade() -> None:
    op.drop_column("workouts", "caloriesEstimated")
    op.drop_column("workouts", "isTemplate")
    op.drop_column("users", "weightUnit")

    with op.batch_alter_table("personal_records", schema=None) as batch_op:
        for name, _condition in RECORD_CHECKS:
            batch_op.drop_constraint(op.f(name), type_="check")
        batch_op.drop_index("ix_personal_records_userId_source")
        batch_op.drop_index("ix_personal_records_userId_exerciseKey_recordType_date")
        batch_op.drop_column("normalizedValue")
        batch_op.drop_column("exerciseKey")
        batch_op.drop_column("setIndex")
        batch_op.drop_column("exerciseIndex")
        batch_op.drop_column("workoutId")
        batch_op.drop_column("source")
        batch_op.drop_column("recordType")

    with op.batch_alter_table("workout_sets", schema=None) as batch_op:
        batch_op.drop_index("ix_workout_sets_userId_workoutId")
        batch_op.drop_index("ix_workout_sets_userId_exerciseKey_date_workoutId")
        batch_op.drop_index("ix_workout_sets_userId_date")

    op.drop_table("workout_sets")
    with op.batch_alter_table("exercises", schema=None) as batch_op:
        batch_op.drop_index("ix_exercises_userId_usageCount")
        batch_op.drop_index("ix_exercises_userId_key")

    op.drop_table("exercises")
