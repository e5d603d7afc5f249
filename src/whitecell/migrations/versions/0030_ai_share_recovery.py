"""`users.aiShareRecovery` (docs/privacy.md, "The AI coach"): off unless the user turns it on,
the AI coach's model is never told anything of their recovery tracker.

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-04 00:55:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0030"
down_revision: str | None = "0029"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "users",
        sa.Column("aiShareRecovery", sa.Boolean(), server_default=sa.text("false"), nullable=False),
    )


def downgrade() -> None:
    # Not a batch: recreating `users` on SQLite would drop its search triggers.
    op.drop_column("users", "aiShareRecovery")
