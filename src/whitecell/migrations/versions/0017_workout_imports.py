"""Workout imports from Strong and Hevy: each workout's `importSource` and `importKey`, one
imported workout per user and key (docs/fitness.md, "Imports (Strong, Hevy)").

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 12:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("workouts") as batch:
        batch.add_column(sa.Column("importSource", sa.String(length=6), nullable=True))
        batch.add_column(sa.Column("importKey", sa.String(length=64), nullable=True))
        batch.create_check_constraint(
            op.f("ck_workouts_importSource_enum"), "\"importSource\" IN ('strong', 'hevy')"
        )
        batch.create_check_constraint(
            op.f("ck_workouts_importKey_length"), 'length("importKey") <= 64'
        )
        batch.create_unique_constraint(
            op.f("uq_workouts_userId_importKey"), ["userId", "importKey"]
        )


def downgrade() -> None:
    with op.batch_alter_table("workouts") as batch:
        batch.drop_constraint(op.f("uq_workouts_userId_importKey"), type_="unique")
        batch.drop_constraint(op.f("ck_workouts_importKey_length"), type_="check")
        batch.drop_constraint(op.f("ck_workouts_importSource_enum"), type_="check")
        batch.drop_column("importKey")
        batch.drop_column("importSource")
