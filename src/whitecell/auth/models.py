"""The `sessions` and `otp_tokens` tables (spec: User & Authentication Tables)."""

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
