"""Platform core: users, sessions, otp_tokens and the shared rate-limit counters.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.String(64)


def timestamp(name: str, *, nullable: bool = False, now: bool = False) -> sa.Column:
    default = sa.func.current_timestamp() if now else None
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable, server_default=default)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("_id", ID, nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("username", sa.String(30), nullable=False),
        sa.Column("avatar", sa.String(2048), nullable=True),
        sa.Column("bio", sa.String(500), nullable=True),
        sa.Column("role", sa.String(16), server_default="user", nullable=False),
        sa.Column("subscription", sa.String(16), server_default="free", nullable=False),
        timestamp("subscriptionExpiry", nullable=True),
        timestamp("createdAt", now=True),
        timestamp("updatedAt", now=True),
        timestamp("lastLogin", nullable=True),
        sa.Column("isActive", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("isBanned", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("totalXP", sa.Integer(), server_default="0", nullable=False),
        sa.Column("currentLevel", sa.Integer(), server_default="1", nullable=False),
        sa.Column("currentStreak", sa.Integer(), server_default="0", nullable=False),
        sa.Column("longestStreak", sa.Integer(), server_default="0", nullable=False),
        sa.Column("timezone", sa.String(64), server_default="UTC", nullable=False),
        sa.Column("passwordHash", sa.String(255), nullable=True),
        sa.CheckConstraint('"bio" IS NULL OR length("bio") <= 500', name="ck_users_bio_length"),
        sa.CheckConstraint('"currentLevel" BETWEEN 1 AND 100', name="ck_users_current_level_range"),
        sa.CheckConstraint('"currentStreak" >= 0', name="ck_users_current_streak_nonnegative"),
        sa.CheckConstraint('"longestStreak" >= 0', name="ck_users_longest_streak_nonnegative"),
        sa.CheckConstraint("\"role\" IN ('user', 'creator', 'admin')", name="ck_users_role_enum"),
        sa.CheckConstraint(
            "\"subscription\" IN ('free', 'basic', 'premium')", name="ck_users_subscription_enum"
        ),
        sa.CheckConstraint('"totalXP" >= 0', name="ck_users_total_xp_nonnegative"),
        sa.PrimaryKeyConstraint("_id", name="pk_users"),
        sa.UniqueConstraint("email", name="uq_users_email"),
    )
    op.create_index("uq_users_username_ci", "users", [sa.text("lower(username)")], unique=True)

    op.create_table(
        "sessions",
        sa.Column("_id", ID, nullable=False),
        sa.Column("userId", ID, nullable=False),
        sa.Column("token", sa.String(64), nullable=False),
        timestamp("expiresAt"),
        sa.Column("ipAddress", sa.String(64), nullable=True),
        sa.Column("userAgent", sa.String(512), nullable=True),
        sa.Column("type", sa.String(16), nullable=False),
        timestamp("createdAt", now=True),
        sa.Column("isValid", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        timestamp("lastSeenAt", now=True),
        sa.CheckConstraint(
            "\"type\" IN ('otp', 'password', 'oauth')", name="ck_sessions_type_enum"
        ),
        sa.ForeignKeyConstraint(
            ["userId"], ["users._id"], name="fk_sessions_userId_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("_id", name="pk_sessions"),
        sa.UniqueConstraint("token", name="uq_sessions_token"),
    )
    op.create_index("ix_sessions_userId", "sessions", ["userId"])
    op.create_index("ix_sessions_expiresAt", "sessions", ["expiresAt"])

    op.create_table(
        "otp_tokens",
        sa.Column("_id", ID, nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("token", sa.String(64), nullable=False),
        timestamp("expiresAt"),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("maxAttempts", sa.Integer(), server_default="3", nullable=False),
        timestamp("createdAt", now=True),
        sa.Column("isUsed", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.PrimaryKeyConstraint("_id", name="pk_otp_tokens"),
    )
    op.create_index("ix_otp_tokens_email_createdAt", "otp_tokens", ["email", "createdAt"])
    op.create_index("ix_otp_tokens_expiresAt", "otp_tokens", ["expiresAt"])

    op.create_table(
        "rate_limits",
        sa.Column("key", sa.String(255), nullable=False),
        timestamp("windowStart"),
        sa.Column("hits", sa.Integer(), nullable=False),
        timestamp("expiresAt"),
        sa.PrimaryKeyConstraint("key", name="pk_rate_limits"),
    )
    op.create_index("ix_rate_limits_expiresAt", "rate_limits", ["expiresAt"])


def downgrade() -> None:
    op.drop_table("rate_limits")
    op.drop_table("otp_tokens")
    op.drop_table("sessions")
    op.drop_table("users")
