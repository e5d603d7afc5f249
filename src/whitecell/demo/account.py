"""The demo account: (re)created with a password and a ready session, by the same services the
HTTP API uses, so every ordinary sign-in path (emailed code, password, bearer token) works."""

from __future__ import annotations

from typing import Any

from whitecell.auth import signin
from whitecell.auth.signin import Client, Login
from whitecell.core.context import AppContext
from whitecell.core.transactions import Tx
from whitecell.users import service as users

NAME = "Alex Morgan"
TIMEZONE = "Europe/London"
# The mark that says "`whitecell demo` made this account": only such an account is ever replaced.
BIO = "Demo account made by `whitecell demo`: a student who studies, lifts, cubes and journals."
CLIENT = Client(ip="127.0.0.1", user_agent="whitecell demo")


class NotADemoAccount(Exception):
    """The address belongs to a real account, which the demo must never delete."""


async def replace_account(tx: Tx, email: str, password_hash: str) -> dict[str, Any]:
    """A fresh demo account at `email`; a previous demo account there is deleted with its rows.

    Deleting the user is what account deletion does (owned rows go by ON DELETE CASCADE, shared
    rows forget it), so a re-run starts from nothing and ends with the same data.
    """
    previous = await users.user_by_email(tx, email)
    if previous is not None:
        if previous.get("bio") != BIO:
            raise NotADemoAccount(
                f"{previous['email']} is an existing account that `whitecell demo` did not create;"
                " choose another --email (the demo replaces only its own account)"
            )
        await users.delete_user(tx, previous["_id"], previous["email"])
    user = await users.create_user(tx, email, name=NAME)
    return await users.set_fields(
        tx, user["_id"], {"bio": BIO, "timezone": TIMEZONE, "passwordHash": password_hash}
    )


async def open_session(ctx: AppContext, tx: Tx, user: dict[str, Any]) -> Login:
    """A password session, exactly as `POST /api/v1/auth/password` would open it."""
    return await signin.open_session(ctx, tx, user, "password", CLIENT)
