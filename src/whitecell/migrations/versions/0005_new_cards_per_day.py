"""users.newCardsPerDay: the daily limit of new flashcards in the review queue (as Anki has).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 02:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "users", sa.Column("newCardsPerDay", sa.Integer(), server_default="20", nullable=False)
    )


def downgrade() -> None:
    op.drop_column("users", "newCardsPerDay")
