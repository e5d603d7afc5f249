"""exercises.bests: each exercise's best workout-derived value per record type, kept with the
exercise so a new workout's records need no seek for their baselines (docs/fitness.md). Null on
the rows already there: the server reads those bests from the records once, when next needed.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03 13:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.add_column("exercises", sa.Column("bests", JSON, nullable=True))


def downgrade() -> None:
    op.drop_column("exercises", "bests")
