"""Legacy ORM mirror of the `sessions` and `otp_tokens` SQL tables (spec: User & Authentication
Tables): their schema, not a way to reach them.

Nothing reads or writes through these classes. Queries are SQL through `core/store.py`
(`auth/signin.py`, `auth/service.py`), and what the API shows of the two tables is their
declaration in `auth/tables.py`. The mirror exists because these tables were created (migration
0001) before declarations could derive a schema, and their SQL differs from what `core/ddl.py`
would derive (index and constraint names, the unique token): the declarations say
`derive_schema=False`, and the exact schema reaches `Base.metadata` from here, where the
migrations are compared with it (`tests/core/test_migrations.py`) and the test suite empties the
tables between tests. A column changes here, in `auth/tables.py` and in a migration together.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from whitecell.core.columns import ID_LENGTH, created_at_column, enum_check, id_column
from whitecell.core.db import Base

SESSION_TYPES = ("otp", "password", "oauth")


class Session(Base):
    __tablename__ = "sessions"

    id: Mapped[str] = id_column()
    userId: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("users._id", ondelete="CASCADE"), index=True
    )
    # SHA-256 (hex) of the bearer token; the token itself is never stored.
    token: Mapped[str] = mapped_column(String(64), unique=True)
    expiresAt: Mapped[datetime] = mapped_column(index=True)
    ipAddress: Mapped[str | None] = mapped_column(String(64))
    userAgent: Mapped[str | None] = mapped_column(String(512))
    type: Mapped[str] = mapped_column(String(16))
    createdAt: Mapped[datetime] = created_at_column()
    isValid: Mapped[bool] = mapped_column(default=True, server_default=text("true"))
    # Addition to the spec: last use, for the inactivity timeout (refreshed every few minutes).
    lastSeenAt: Mapped[datetime] = created_at_column()

    __table_args__ = (enum_check("type", SESSION_TYPES),)


class OtpToken(Base):
    __tablename__ = "otp_tokens"

    id: Mapped[str] = id_column()
    email: Mapped[str] = mapped_column(String(254))
    # HMAC-SHA256 (hex) of the code, keyed with the server secret, bound to this row's id and email.
    token: Mapped[str] = mapped_column(String(64))
    expiresAt: Mapped[datetime] = mapped_column(index=True)
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    maxAttempts: Mapped[int] = mapped_column(default=3, server_default="3")
    createdAt: Mapped[datetime] = created_at_column()
    isUsed: Mapped[bool] = mapped_column(default=False, server_default=text("false"))

    __table_args__ = (Index("ix_otp_tokens_email_createdAt", "email", "createdAt"),)
