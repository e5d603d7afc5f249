"""Accounts: creation with unique names, profile changes, public profiles, deletion."""

from __future__ import annotations

import re
import secrets
import unicodedata
from functools import cache
from typing import Any
from zoneinfo import available_timezones

from whitecell.core import crud
from whitecell.core.clock import isoformat_z, local_today, utcnow
from whitecell.core.documents import codec
from whitecell.core.errors import Conflict, FieldError, NotFound, ValidationFailed
from whitecell.core.tables import REGISTRY
from whitecell.core.transactions import Tx
from whitecell.users.rules import streak_on
from whitecell.users.tables import USERS

USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{2,29}$")
# Names that would shadow routes (`/users/me`) or impersonate the service.
RESERVED_USERNAMES = frozenset(
    {"me", "admin", "administrator", "root", "system", "support", "whitecell", "api", "null"}
)
PUBLIC_FIELDS = (
    "_id", "name", "username", "avatar", "bio", "role", "totalXP", "currentLevel",
    "currentStreak", "longestStreak", "createdAt",
)  # fmt: skip


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


def public_profile_of(user: dict[str, Any]) -> dict[str, Any]:
    return {name: user[name] for name in PUBLIC_FIELDS}


def own_view(user: dict[str, Any], *, has_password: bool) -> dict[str, Any]:
    """The signed-in user's own document: every spec field, `timezone` and `hasPassword`."""
    return {**user, "hasPassword": has_password}


async def user_by(tx: Tx, column: str, value: str) -> dict[str, Any] | None:
    c = codec("users", tx.dialect.name)
    row = await tx.one(
        f'SELECT {c.select_list} FROM users WHERE "{column}" = :value', {"value": value}
    )
    return c.document(row) if row else None


async def user_by_email(tx: Tx, email: str) -> dict[str, Any] | None:
    return await user_by(tx, "email", normalize_email(email))


async def password_hash(tx: Tx, user_id: str) -> str | None:
    value = await tx.scalar('SELECT "passwordHash" FROM users WHERE "_id" = :id', {"id": user_id})
    return str(value) if value is not None else None


async def username_taken(tx: Tx, username: str, *, except_id: str = "") -> bool:
    row = await tx.one(
        'SELECT 1 FROM users WHERE lower(username) = :name AND "_id" <> :id',
        {"name": username.lower(), "id": except_id},
    )
    return row is not None


def _username_base(email: str) -> str:
    local = unicodedata.normalize("NFKD", email.split("@", 1)[0])
    base = re.sub(r"[^a-z0-9_]", "", local.encode("ascii", "ignore").decode().lower())[:24]
    base = base if len(base) >= 3 else (base + "user")[:24]
    return base if base not in RESERVED_USERNAMES else base + "_"


async def _free_username(tx: Tx, email: str) -> str:
    base = _username_base(email)
    candidates = [base] + [f"{base}{secrets.randbelow(10**4):04d}" for _ in range(8)]
    for candidate in candidates:
        if not await username_taken(tx, candidate):
            return candidate
    return f"{base[:16]}{secrets.token_hex(5)}"


def _name_from_email(email: str) -> str:
    words = re.split(r"[._+-]+", email.split("@", 1)[0])
    return " ".join(w.capitalize() for w in words if w)[:100] or "White Cell user"


def _taken() -> Conflict:
    return Conflict("That username is taken.", errors=[FieldError("username", "is already taken")])


async def _write(tx: Tx, user_id: str, changes: dict[str, Any]) -> dict[str, Any]:
    changes = {**changes, "updatedAt": isoformat_z(utcnow())}
    stored = await crud.update_server_rows(tx, USERS, '"_id" = :id', {"id": user_id}, changes)
    if not stored:
        raise NotFound("No such user.")
    return stored[0]


async def create_user(
    tx: Tx,
    email: str,
    *,
    name: str | None = None,
    username: str | None = None,
    role: str = "user",
) -> dict[str, Any]:
    """A new account; a chosen username must be free (409), a derived one is made unique."""
    email = normalize_email(email)
    if username is not None and await username_taken(tx, username):
        raise _taken()
    now = isoformat_z(utcnow())
    values = {
        "email": email,
        "name": name or _name_from_email(email),
        "username": username or await _free_username(tx, email),
        "role": role,
        "createdAt": now,
        "updatedAt": now,
    }
    return await crud.insert_server_row(tx, USERS, values)


async def update_profile(tx: Tx, user_id: str, changes: dict[str, Any]) -> dict[str, Any]:
    for field in (
        "name",
        "username",
        "timezone",
        "newCardsPerDay",
        "scheduler",
        "weightUnit",
        "aiShareRecovery",
    ):
        if field in changes and changes[field] is None:
            raise ValidationFailed.field(field, "cannot be null")
    if "username" in changes and await username_taken(tx, changes["username"], except_id=user_id):
        raise _taken()
    return await _write(tx, user_id, changes)


async def set_fields(tx: Tx, user_id: str, changes: dict[str, Any]) -> dict[str, Any]:
    """Server-side changes (lastLogin, password, roles): no profile rules applied."""
    return await _write(tx, user_id, changes)


async def with_live_streak(tx: Tx, user: dict[str, Any]) -> dict[str, Any]:
    """`currentStreak` as it stands today in the user's time zone: the stored value until a
    whole day passes without activity, then 0, even before the engine next writes it."""
    if not user.get("currentStreak"):
        return user
    # The day the stored count was last true for: the engine's `daily_activity` row, read by
    # table name (as the engine reads domain tables); the rule is ours (`users/rules.py`).
    last = await tx.scalar(
        'SELECT "lastActiveDate" FROM streaks WHERE "userId" = :me '
        "AND \"streakType\" = 'daily_activity'",
        {"me": user["_id"]},
    )
    last_active = str(last)[:10] if last else None
    live = streak_on(int(user["currentStreak"]), last_active, local_today(user.get("timezone")))
    return user if live == user["currentStreak"] else {**user, "currentStreak": live}


async def public_profile(tx: Tx, username: str) -> dict[str, Any]:
    c = codec("users", tx.dialect.name)
    row = await tx.one(
        f"SELECT {c.select_list} FROM users WHERE lower(username) = :name "
        'AND "isActive" = :yes AND "isBanned" = :no',
        {"name": username.lower(), "yes": True, "no": False},
    )
    if row is None:
        raise NotFound("No such user.")
    return public_profile_of(await with_live_streak(tx, c.document(row)))


async def delete_user(tx: Tx, user_id: str, email: str) -> None:
    """Delete the account: owned rows go by ON DELETE CASCADE (no event each: the account's delete
    event stands for them); references to it are released."""
    await crud.delete_server_rows(tx, USERS, '"_id" = :id', {"id": user_id})
    # Sign-in codes are auth's table, known here by name (auth builds on users, not the reverse).
    await crud.delete_server_rows(tx, REGISTRY["otp_tokens"], "email = :email", {"email": email})
    # Rows a consumer set aside name the account and the error it met (no foreign key: a row may
    # be set aside after its owner left, and that insert must never fail). Infrastructure: no
    # change event.
    await tx.execute('DELETE FROM change_log_dead_letters WHERE "userId" = :id', {"id": user_id})
    await crud.release_references(tx, "users", user_id, owner=None)
