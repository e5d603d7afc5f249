"""Creator additions (docs/creator.md): content items link to the idea they were promoted from
and the template they were made from, and carry their board position and their status and
metrics histories; ideas record the item they became and when.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 10:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.add_column("content_items", sa.Column("ideaId", sa.String(64), nullable=True))
    op.add_column("content_items", sa.Column("templateId", sa.String(64), nullable=True))
    op.add_column(
        "content_items", sa.Column("position", sa.BigInteger(), server_default="0", nullable=False)
    )
    for name in ("statusHistory", "metricsHistory"):
        column = sa.Column(name, JSON, server_default=sa.text("'[]'"), nullable=False)
        op.add_column("content_items", column)
    op.add_column("content_ideas", sa.Column("promotedTo", sa.String(64), nullable=True))
    op.add_column("content_ideas", sa.Column("usedAt", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_column("content_ideas", "usedAt")
    op.drop_column("content_ideas", "promotedTo")
    op.drop_column("content_items", "metricsHistory")
    op.drop_column("content_items", "statusHistory")
    op.drop_column("content_items", "position")
    op.drop_column("content_items", "templateId")
    op.drop_column("content_items", "ideaId")
