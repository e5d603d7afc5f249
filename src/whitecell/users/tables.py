"""`users` as the data API sees it (its SQL schema: migration 0001, mirrored in `users/models.py`).

Through `/api/v1/users` administrators list and read accounts and change `role`, `subscription`,
`subscriptionExpiry`, `isActive` and `isBanned`; people change their own profile through
`/api/v1/users/me`.
"""

from __future__ import annotations

from whitecell.core.tables import (
    Access,
    Table,
    boolean,
    choice,
    integer,
    register,
    string,
    timestamp,
)
from whitecell.users.models import User  # noqa: F401  (its SQL schema)

USERS = Table(
    "users",
    "users",
    {
        "email": string(max_length=254, server=True),
        "name": string(max_length=100, server=True),
        "username": string(max_length=30, server=True),
        "avatar": string(required=False, max_length=2048, server=True),
        "bio": string(required=False, max_length=500, server=True),
        "role": choice("user", "creator", "admin", default="user"),
        "subscription": choice("free", "basic", "premium", default="free"),
        "subscriptionExpiry": timestamp(required=False),
        "createdAt": timestamp(),
        "updatedAt": timestamp(),
        "lastLogin": timestamp(required=False, server=True),
        "isActive": boolean(default=True),
        "isBanned": boolean(default=False),
        "totalXP": integer(default=0, server=True),
        "currentLevel": integer(ge=1, le=100, default=1, server=True),
        "currentStreak": integer(default=0, server=True),
        "longestStreak": integer(default=0, server=True),
        "timezone": string(max_length=64, default="UTC", server=True),
        "newCardsPerDay": integer(ge=0, le=9999, default=20, server=True),
        "scheduler": choice("sm2", "fsrs", default="sm2", server=True),
        "weightUnit": choice("kg", "lbs", default="kg", server=True),
        "aiShareRecovery": boolean(default=False, server=True),
        "passwordHash": string(required=False, max_length=255, private=True),
    },
    access=Access(read="admin", create="nobody", update="admin", delete="nobody"),
    owned=False,
    indexes=[("role",), ("createdAt",), ("isBanned",)],
    search=("name", "username"),
    order="-createdAt",
    created_at="createdAt",
    updated_at="updatedAt",
    derive_schema=False,
)

register(USERS)
