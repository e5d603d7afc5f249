"""Column helpers of the legacy ORM mirrors (`users/models.py`, `auth/models.py`): ids,
timestamps, enum checks; and `ID_LENGTH`, the width of every id column."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import CheckConstraint, String, func
from sqlalchemy.orm import Mapped, mapped_column

from whitecell.core.clock import utcnow
from whitecell.core.ids import new_id

ID_LENGTH = 64  # server ids are 26 characters; imported ids (Convex: 32) are kept as they are


def id_column() -> Mapped[str]:
    return mapped_column("_id", String(ID_LENGTH), primary_key=True, default=new_id)


def created_at_column() -> Mapped[datetime]:
    return mapped_column(default=utcnow, server_default=func.current_timestamp())


def updated_at_column() -> Mapped[datetime]:
    return mapped_column(default=utcnow, onupdate=utcnow, server_default=func.current_timestamp())


def enum_check(column: str, values: Iterable[str], name: str | None = None) -> CheckConstraint:
    allowed = ", ".join(f"'{v}'" for v in values)
    return CheckConstraint(f'"{column}" IN ({allowed})', name=name or f"{column}_enum")
