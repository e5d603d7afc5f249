"""FSRS as a per-user scheduler: users.scheduler and the FSRS memory state of each flashcard.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 03:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.add_column(
        "users", sa.Column("scheduler", sa.String(8), server_default="sm2", nullable=False)
    )
    op.add_column("flashcards", sa.Column("fsrsState", JSON, nullable=True))


def downgrade() -> None:
    op.drop_column("flashcards", "fsrsState")
    op.drop_column("users", "scheduler")
