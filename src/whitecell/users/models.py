"""Legacy ORM mirror of the `users` SQL table (spec: User & Authentication Tables, plus
`timezone`, `newCardsPerDay`, `scheduler` and `passwordHash`): its schema, not a way to reach it.

Nothing reads or writes through this class. Queries are SQL through `core/store.py`
(`users/service.py`), and what the API shows of the table is its declaration in
`users/tables.py`. The mirror exists because `users` was created (migration 0001) before
declarations could derive a schema, and its SQL has what `core/ddl.py` cannot derive (the unique
e-mail address, the case-insensitive unique username index, its CHECK names): the declaration says
`derive_schema=False`, and the exact schema reaches `Base.metadata` from here, where the
migrations are compared with it (`tests/core/test_migrations.py`) and the test suite empties the
table between tests. A column changes here, in `users/tables.py` and in a migration together.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Index, String, func, text
from sqlalchemy.orm import Mapped, mapped_column

from whitecell.core.columns import created_at_column, enum_check, id_column, updated_at_column
from whitecell.core.db import Base

ROLES = ("user", "creator", "admin")
SUBSCRIPTIONS = ("free", "basic", "premium")


class User(Base):
    __tablename__ = "users"

    id: Mapped[str] = id_column()
    # Stored lower-cased: addresses are matched case-insensitively (see docs/users.md).
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    username: Mapped[str] = mapped_column(String(30))
    avatar: Mapped[str | None] = mapped_column(String(2048))
    bio: Mapped[str | None] = mapped_column(String(500))
    role: Mapped[str] = mapped_column(String(16), default="user", server_default="user")
    subscription: Mapped[str] = mapped_column(String(16), default="free", server_default="free")
    subscriptionExpiry: Mapped[datetime | None]
    createdAt: Mapped[datetime] = created_at_column()
    updatedAt: Mapped[datetime] = updated_at_column()
    lastLogin: Mapped[datetime | None]
    isActive: Mapped[bool] = mapped_column(default=True, server_default=text("true"))
    isBanned: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    totalXP: Mapped[int] = mapped_column(default=0, server_default="0")
    currentLevel: Mapped[int] = mapped_column(default=1, server_default="1")
    currentStreak: Mapped[int] = mapped_column(default=0, server_default="0")
    longestStreak: Mapped[int] = mapped_column(default=0, server_default="0")
    # Additions to the spec: the user's IANA zone (for "today" and streaks) and an optional
    # argon2id password hash for the spec's "password" session type.
    timezone: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")
    # Anki's "new cards/day": how many never-reviewed cards the daily queue introduces.
    newCardsPerDay: Mapped[int] = mapped_column(default=20, server_default="20")
    # Which spaced-repetition scheduler reviews use: "sm2" or "fsrs" (docs/study.md).
    scheduler: Mapped[str] = mapped_column(String(8), default="sm2", server_default="sm2")
    # The unit a weight without one is read in: "kg" or "lbs" (docs/fitness.md).
    weightUnit: Mapped[str] = mapped_column(String(3), default="kg", server_default="kg")
    passwordHash: Mapped[str | None] = mapped_column(String(255))
    # Whether the AI coach's model may be told figures of the recovery tracker (docs/privacy.md).
    aiShareRecovery: Mapped[bool] = mapped_column(default=False, server_default=text("false"))

    __table_args__ = (
        Index("uq_users_username_ci", func.lower(username), unique=True),
        enum_check("role", ROLES),
        enum_check("subscription", SUBSCRIPTIONS),
        CheckConstraint('"bio" IS NULL OR length("bio") <= 500', name="bio_length"),
        CheckConstraint('"totalXP" >= 0', name="total_xp_nonnegative"),
        CheckConstraint('"currentLevel" BETWEEN 1 AND 100', name="current_level_range"),
        CheckConstraint('"currentStreak" >= 0', name="current_streak_nonnegative"),
        CheckConstraint('"longestStreak" >= 0', name="longest_streak_nonnegative"),
    )
