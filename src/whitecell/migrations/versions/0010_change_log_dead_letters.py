"""Change-log dead letters: rows a consumer could not process, set aside so the rest moves on.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-28 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "change_log_dead_letters",
        sa.Column("consumer", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("table", sa.String(length=64), nullable=False),
        sa.Column("op", sa.String(length=8), nullable=False),
        sa.Column("docId", sa.String(length=64), nullable=False),
        sa.Column("userId", sa.String(length=64), nullable=True),
        sa.Column("committedAt", sa.DateTime(timezone=True), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("firstFailedAt", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lastFailedAt", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("consumer", "seq", name=op.f("pk_change_log_dead_letters")),
    )


def downgrade() -> None:
    op.drop_table("change_log_dead_letters")
