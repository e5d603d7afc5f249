"""Accounts: creation with unique names, profile changes, deletion."""

from __future__ import annotations

import re
import secrets
import unicodedata
from functools import cache
from typing import Any
from zoneinfo import available_timezones

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from whitecell.core.errors import Conflict, FieldError, NotFound, ValidationFailed
from whitecell.users.models import User

USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{2,29}$")
# Names that would shadow routes (`/users/me`) or impersonate the service.
RESERVED_USERNAMES = frozenset(
    {"me", "admin", "administrator", "root", "system", "support", "whitecell", "api", "null"}
)


@cache
def _timezones() -> frozenset[str]:
    return frozenset(available_timezones())


def check_timezone(name: str) -> str:
    if name not in _timezones():
        raise ValueError("is not an IANA time zone name (for example Europe/Paris)")
    return name


def check_username(name: str) -> str:
    if not USERNAME_PATTERN.fullmatch(name):
        raise ValueError(
            "must be 3-30 letters, digits, '_', '.' or '-', not starting with '.' or '-'"
        )
    if name.lower() in RESERVED_USERNAMES:
        raise ValueError("is reserved")
    return name


def normalize_email(email: str) -> str:
    return email.strip().lower()


async def user_by_email(session: AsyncSession, email: str) -> User | None:
    result = await session.execute(select(User).where(User.email == normalize_email(email)))
    return result.scalar_one_or_none()


async def username_taken(session: AsyncSession, username: str, *, except_id: str = "") -> bool:
    query = select(User.id).where(
        func.lower(User.username) == username.lower(), User.id != except_id
    )
    return (await session.execute(query.limit(1))).first() is not None


def _username_base(email: str) -> str:
    local = unicodedata.normalize("NFKD", email.split("@", 1)[0])
    base = re.sub(r"[^a-z0-9_]", "", local.encode("ascii", "ignore").decode().lower())[:24]
    base = base if len(base) >= 3 else (base + "user")[:24]
    return base if base not in RESERVED_USERNAMES else base + "_"


async def _free_username(session: AsyncSession, email: str) -> str:
    base = _username_base(email)
    candidates = [base] + [f"{base}{secrets.randbelow(10**4):04d}" for _ in range(8)]
    for candidate in candidates:
        if not await username_taken(session, candidate):
            return candidate
    return f"{base[:16]}{secrets.token_hex(5)}"


def _name_from_email(email: str) -> str:
    words = re.split(r"[._+-]+", email.split("@", 1)[0])
    return " ".join(w.capitalize() for w in words if w)[:100] or "White Cell user"


async def create_user(
    session: AsyncSession,
    email: str,
    *,
    name: str | None = None,
    username: str | None = None,
    role: str = "user",
) -> User:
    """A new account; a chosen username must be free (409), a derived one is made unique."""
    email = normalize_email(email)
    if username is not None and await username_taken(session, username):
        raise Conflict(
            "That username is taken.", errors=[FieldError("username", "is already taken")]
        )
    user = User(
        email=email,
        name=name or _name_from_email(email),
        username=username or await _free_username(session, email),
        role=role,
    )
    session.add(user)
    await session.flush()
    return user


async def update_profile(session: AsyncSession, user_id: str, changes: dict[str, Any]) -> User:
    user = await session.get(User, user_id)
    if user is None:
        raise NotFound("No such user.")
    for field in ("name", "username"):
        if field in changes and changes[field] is None:
            raise ValidationFailed.field(field, "cannot be null")
    if "username" in changes and await username_taken(
        session, changes["username"], except_id=user.id
    ):
        raise Conflict(
            "That username is taken.", errors=[FieldError("username", "is already taken")]
        )
    for field, value in changes.items():
        setattr(user, field, value)
    await session.flush()
    return user


async def public_profile(session: AsyncSession, username: str) -> User:
    query = select(User).where(
        func.lower(User.username) == username.lower(), User.isActive, User.isBanned.is_(False)
    )
    user = (await session.execute(query)).scalar_one_or_none()
    if user is None:
        raise NotFound("No such user.")
    return user


async def delete_user(session: AsyncSession, user_id: str) -> None:
    """Delete the account; every row it owns goes with it through ON DELETE CASCADE."""
    await session.execute(delete(User).where(User.id == user_id))
