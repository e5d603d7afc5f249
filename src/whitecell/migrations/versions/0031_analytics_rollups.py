"""Analytics rollups (docs/operations.md, "Analytics"): `analytics_daily`, the count of events
per UTC day, event and module; `analytics_active`, who sent an event on which day. Upgrade fills
them from the events already stored.

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-04 01:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0031"
down_revision: str | None = "0030"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "analytics_daily",
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("event", sa.String(length=100), nullable=False),
        sa.Column("module", sa.String(length=50), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("day", "event", "module", name=op.f("pk_analytics_daily")),
    )
    op.create_table(
        "analytics_active",
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("userId", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["userId"], ["users._id"], name=op.f("fk_analytics_active_userId_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("day", "userId", name=op.f("pk_analytics_active")),
    )  # fmt: skip
    op.create_index("ix_analytics_active_userId", "analytics_active", ["userId"], unique=False)
    sqlite = op.get_bind().dialect.name == "sqlite"
    day = (
        'substr("timestamp", 1, 10)'
        if sqlite
        else "to_char(\"timestamp\" AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
    )
    op.execute(
        f"INSERT INTO analytics_daily (day, event, module, count) "
        f"SELECT {day}, event, coalesce(module, ''), count(*) FROM analytics "
        f"GROUP BY {day}, event, coalesce(module, '')"
    )
    op.execute(
        f'INSERT INTO analytics_active (day, "userId") SELECT DISTINCT {day}, a."userId" '
        'FROM analytics a JOIN users u ON u."_id" = a."userId"'
    )


def downgrade() -> None:
    op.drop_index("ix_analytics_active_userId", table_name="analytics_active")
    op.drop_table("analytics_active")
    op.drop_table("analytics_daily")
