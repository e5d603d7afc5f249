"""The change log's writers no longer wait for each other on PostgreSQL: each row keeps the id of
the transaction that wrote it (`xid`), which tells a live subscription whether its snapshot
already holds the change (docs/realtime.md, "Ordering without a writer lock"). Null on SQLite
and for rows written before.

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-04 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0032"
down_revision: str | None = "0031"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("change_log", sa.Column("xid", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    op.drop_column("change_log", "xid")
