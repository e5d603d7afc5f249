"""Realtime: the row before each change in the change log, and the log's trim horizon.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.add_column("change_log", sa.Column("previous", JSON, nullable=True))
    op.create_table(
        "change_log_horizon",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_log_horizon")),
    )


def downgrade() -> None:
    op.drop_table("change_log_horizon")
    # SQLite 3.35+ drops a column in place (no table copy that could lose AUTOINCREMENT).
    op.drop_column("change_log", "previous")
