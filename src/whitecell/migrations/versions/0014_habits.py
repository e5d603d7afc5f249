"""habit_stacks.habitsDone: the days a stack was partly done, and which of its habits.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 10:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.add_column("habit_stacks", sa.Column("habitsDone", JSON, nullable=True))


def downgrade() -> None:
    op.drop_column("habit_stacks", "habitsDone")
