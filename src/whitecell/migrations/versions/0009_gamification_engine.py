"""Gamification engine: consumer offsets on the change log, and each XP row's base amount.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-27 04:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "consumer_offsets",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_consumer_offsets")),
    )
    # XP before the streak multiplier and the daily cap: what a source is owed (docs/gamification.md).
    op.add_column(
        "xp_logs", sa.Column("baseXP", sa.BigInteger(), nullable=False, server_default="0")
    )
    # The engine sums a source's XP per action on every change of the source.
    op.create_index(
        "ix_xp_logs_userId_sourceId_action", "xp_logs", ["userId", "sourceId", "action", "_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_xp_logs_userId_sourceId_action", table_name="xp_logs")
    op.drop_column("xp_logs", "baseXP")
    op.drop_table("consumer_offsets")
