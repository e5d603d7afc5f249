"""A quiz the AI coach's model wrote (docs/ai.md, "Generated content"): its draft says so until it
is submitted, and the graded quiz's `isAIGenerated` comes from there.

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-04 00:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0029"
down_revision: str | None = "0028"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("quiz_drafts", recreate="auto") as batch:
        batch.add_column(
            sa.Column(
                "isAIGenerated", sa.Boolean(), server_default=sa.text("false"), nullable=False
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("quiz_drafts", recreate="auto") as batch:
        batch.drop_column("isAIGenerated")
