"""Body metrics, progress photos and fitness goals (docs/fitness.md): an uploaded photo's
`thumbnailUrl`, `width`, `height` and `contentType`, an index to find the photo of an angle
nearest a day, and a fitness goal's `exercise` and `startValue`.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03 12:05:59
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("fitness_goals") as batch:
        batch.add_column(sa.Column("exercise", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("startValue", sa.Float(), nullable=True))
        batch.create_check_constraint(
            op.f("ck_fitness_goals_exercise_length"), 'length("exercise") <= 200'
        )
    with op.batch_alter_table("progress_photos") as batch:
        batch.add_column(sa.Column("thumbnailUrl", sa.String(length=2048), nullable=True))
        batch.add_column(sa.Column("width", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("height", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("contentType", sa.String(length=32), nullable=True))
        batch.create_check_constraint(
            op.f("ck_progress_photos_thumbnailUrl_length"), 'length("thumbnailUrl") <= 2048'
        )
        batch.create_check_constraint(op.f("ck_progress_photos_width_range"), '"width" >= 1')
        batch.create_check_constraint(op.f("ck_progress_photos_height_range"), '"height" >= 1')
        batch.create_check_constraint(
            op.f("ck_progress_photos_contentType_length"), 'length("contentType") <= 32'
        )
    op.create_index(
        "ix_progress_photos_userId_angle_date",
        "progress_photos",
        ["userId", "angle", "date", "_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_progress_photos_userId_angle_date", table_name="progress_photos")
    with op.batch_alter_table("progress_photos") as batch:
        for name in ("thumbnailUrl_length", "width_range", "height_range", "contentType_length"):
            batch.drop_constraint(op.f(f"ck_progress_photos_{name}"), type_="check")
        for column in ("contentType", "height", "width", "thumbnailUrl"):
            batch.drop_column(column)
    with op.batch_alter_table("fitness_goals") as batch:
        batch.drop_constraint(op.f("ck_fitness_goals_exercise_length"), type_="check")
        batch.drop_column("startValue")
        batch.drop_column("exercise")
