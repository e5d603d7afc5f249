"""Recurring daily tasks: the `task_recurrences` table, and each task's `recurrenceId` with one
instance per user, recurrence and day (docs/discipline.md, "Daily tasks").

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 10:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "task_recurrences",
        sa.Column("_id", sa.String(length=64), nullable=False),
        sa.Column("userId", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("category", sa.String(length=100), server_default="general", nullable=False),
        sa.Column("priority", sa.BigInteger(), server_default="3", nullable=False),
        sa.Column("dueTime", sa.String(length=5), nullable=True),
        sa.Column("frequency", sa.String(length=8), server_default="daily", nullable=False),
        sa.Column("interval", sa.BigInteger(), server_default="1", nullable=False),
        sa.Column(
            "weekdays",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            server_default=sa.text("'[]'"),
            nullable=False,
        ),
        sa.Column("startDate", sa.Date(), nullable=False),
        sa.Column("endDate", sa.Date(), nullable=True),
        sa.Column("materializedThrough", sa.Date(), nullable=True),
        sa.CheckConstraint('length("title") <= 500', name=op.f("ck_task_recurrences_title_length")),
        sa.CheckConstraint(
            'length("category") <= 100', name=op.f("ck_task_recurrences_category_length")
        ),
        sa.CheckConstraint(
            '"priority" BETWEEN 1 AND 5', name=op.f("ck_task_recurrences_priority_range")
        ),
        sa.CheckConstraint(
            "length(\"dueTime\") = 5 AND substr(\"dueTime\", 3, 1) = ':' AND substr(\"dueTime\", 1, 2) BETWEEN '00' AND '23' AND substr(\"dueTime\", 4, 2) BETWEEN '00' AND '59'",
            name=op.f("ck_task_recurrences_dueTime_hhmm"),
        ),
        sa.CheckConstraint(
            "\"frequency\" IN ('daily', 'weekdays', 'weekly')",
            name=op.f("ck_task_recurrences_frequency_enum"),
        ),
        sa.CheckConstraint(
            '"interval" BETWEEN 1 AND 365', name=op.f("ck_task_recurrences_interval_range")
        ),
        sa.ForeignKeyConstraint(
            ["userId"],
            ["users._id"],
            name=op.f("fk_task_recurrences_userId_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("_id", name=op.f("pk_task_recurrences")),
    )
    op.create_index(
        "ix_task_recurrences_userId_startDate",
        "task_recurrences",
        ["userId", "startDate", "_id"],
        unique=False,
    )
    with op.batch_alter_table("daily_tasks") as batch:
        batch.add_column(sa.Column("recurrenceId", sa.String(length=64), nullable=True))
        batch.create_unique_constraint(
            "uq_daily_tasks_userId_recurrenceId_date", ["userId", "recurrenceId", "date"]
        )


def downgrade() -> None:
    with op.batch_alter_table("daily_tasks") as batch:
        batch.drop_constraint("uq_daily_tasks_userId_recurrenceId_date", type_="unique")
        batch.drop_column("recurrenceId")
    op.drop_index("ix_task_recurrences_userId_startDate", table_name="task_recurrences")
    op.drop_table("task_recurrences")
