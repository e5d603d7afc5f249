"""Generated quizzes awaiting submission (their answer keys stay on the server).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 03:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "quiz_drafts",
        sa.Column("_id", sa.String(length=64), nullable=False),
        sa.Column("userId", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("subject", sa.String(length=100), nullable=False),
        sa.Column("difficulty", sa.String(length=6), nullable=False),
        sa.Column("questions", JSON, nullable=False),
        sa.Column("timeLimit", sa.BigInteger(), nullable=True),
        sa.Column("createdAt", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["userId"], ["users._id"], name=op.f("fk_quiz_drafts_userId_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("_id", name=op.f("pk_quiz_drafts")),
    )
    op.create_index(
        "ix_quiz_drafts_userId_createdAt", "quiz_drafts", ["userId", "createdAt"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_quiz_drafts_userId_createdAt", table_name="quiz_drafts")
    op.drop_table("quiz_drafts")
