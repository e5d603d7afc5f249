"""Sessions after sign-in (rules: docs/users.md): the user behind a bearer token, listing and ending
sessions, changing the password, deleting the account after a fresh proof. Dropping what expired
is auth's periodic work (`auth/jobs.py`).

Signing in itself (codes, passwords, brute-force limits, opening a session) is `auth/signin.py`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from whitecell.auth.remembered import RememberedSignIns, SignIn
from whitecell.auth.signin import (
    InvalidCode,
    InvalidCredentials,
    consume_otp,
    ensure_may_sign_in,
)
from whitecell.auth.tables import SESSIONS
from whitecell.core import crud, security
from whitecell.core.clock import isoformat_z, utcnow
from whitecell.core.context import AppContext
from whitecell.core.documents import codec
from whitecell.core.errors import NotFound, Unauthorized
from whitecell.core.permissions import Caller
from whitecell.core.transactions import Tx
from whitecell.users import service as users
from whitecell.users.tables import USERS


@dataclass(frozen=True)
class Authenticated:
    user: dict[str, Any]
    session_id: str


async def authenticate(ctx: AppContext, token: str) -> Authenticated:
    """The user behind a bearer token, or 401/403: remembered for a moment by this process
    (auth/remembered.py), else one indexed query."""
    settings = ctx.settings
    now = utcnow()
    idle_since = now - timedelta(seconds=settings.session_idle_seconds)
    digest = security.session_token_digest(token)
    remembered = _remembered(ctx)
    sign_in = remembered.recall(digest, now, idle_since) if remembered else None
    if sign_in is None:
        mark = remembered.mark() if remembered else 0
        sign_in = await _read_sign_in(ctx, digest, now, idle_since)
        if remembered:
            remembered.remember(digest, sign_in, mark)
    ensure_may_sign_in(sign_in.user)
    if sign_in.last_seen_at < now - timedelta(seconds=settings.session_touch_seconds):
        # Its change event makes this process read the session again next time.
        async with ctx.store.write() as tx:
            await crud.update_server_rows(
                tx,
                SESSIONS,
                '"_id" = :id',
                {"id": sign_in.session_id},
                {"lastSeenAt": isoformat_z(now)},
            )
    # A copy: the remembered document is shared by this token's next requests.
    return Authenticated(user=dict(sign_in.user), session_id=sign_in.session_id)


def _remembered(ctx: AppContext) -> RememberedSignIns | None:
    try:
        remembered = ctx.service(RememberedSignIns)
    except KeyError:  # a context wired without it
        return None
    return remembered if remembered.active else None


async def _read_sign_in(
    ctx: AppContext, digest: str, now: datetime, idle_since: datetime
) -> SignIn:
    store = ctx.store
    c = codec("users", store.dialect.name)
    async with store.read() as tx:
        row = await tx.one(
            'SELECT sessions."_id", sessions."expiresAt", sessions."lastSeenAt", '
            f"{c.select_list} "
            'FROM sessions JOIN users ON users."_id" = sessions."userId" '
            'WHERE sessions.token = :token AND sessions."isValid" = :yes '
            'AND sessions."expiresAt" > :now AND sessions."lastSeenAt" > :idle',
            {
                "token": digest,
                "yes": True,
                "now": store.bind_timestamp(now),
                "idle": store.bind_timestamp(idle_since),
            },
        )
    if row is None:
        raise Unauthorized("The session is not valid: it expired, was signed out or never existed.")
    return SignIn(
        session_id=row[0],
        user=c.document(row[3:]),
        expires_at=store.read_timestamp(row[1]),
        last_seen_at=store.read_timestamp(row[2]),
        read_at=time.monotonic(),
    )


async def live_sessions(ctx: AppContext, user_id: str) -> list[dict[str, Any]]:
    store = ctx.store
    now = utcnow()
    c = codec("sessions", store.dialect.name)
    async with store.read() as tx:
        rows = await tx.all(
            f'SELECT {c.select_list} FROM sessions WHERE "userId" = :user AND "isValid" = :yes '
            'AND "expiresAt" > :now AND "lastSeenAt" > :idle ORDER BY "createdAt" DESC, "_id" DESC',
            {
                "user": user_id,
                "yes": True,
                "now": store.bind_timestamp(now),
                "idle": store.bind_timestamp(
                    now - timedelta(seconds=ctx.settings.session_idle_seconds)
                ),
            },
        )
    return [c.document(row) for row in rows]


async def revoke_sessions(
    tx: Tx, user_id: str, *, only: str | None = None, keep: str | None = None
) -> int:
    """Sign a user out of one session (`only`), or everywhere except `keep`."""
    clauses = ['"userId" = :user', '"isValid" = :yes']
    params: dict[str, Any] = {"user": user_id, "yes": True}
    if only:
        clauses.append('"_id" = :only')
        params["only"] = only
    if keep:
        clauses.append('"_id" <> :keep')
        params["keep"] = keep
    revoked = await crud.update_server_rows(
        tx, SESSIONS, " AND ".join(clauses), params, {"isValid": False}
    )
    return len(revoked)


async def administer_user(
    tx: Tx, caller: Caller, user_id: str, changes: dict[str, Any], *, reason: str | None = None
) -> dict[str, Any]:
    """An administrator's change to an account (role, subscription, activation, ban), audited in
    `admin_logs` with before/after values; a banned or deactivated account is signed out
    everywhere at once. The account as stored. The API's `PATCH /api/v1/users/{id}` and
    `whitecell admin` both write through here."""
    user = await crud.update(tx, USERS, caller, user_id, changes, reason=reason)
    if user["isBanned"] or not user["isActive"]:
        await revoke_sessions(tx, user_id)
    return user


async def revoke_every_session(tx: Tx) -> int:
    """Sign every user out of every device; how many sessions ended."""
    revoked = await crud.update_server_rows(
        tx, SESSIONS, '"isValid" = :yes', {"yes": True}, {"isValid": False}
    )
    return len(revoked)


async def revoke_session(ctx: AppContext, user_id: str, session_id: str) -> None:
    async with ctx.store.write() as tx:
        if not await revoke_sessions(tx, user_id, only=session_id):
            raise NotFound("No such session.")


async def set_password(
    ctx: AppContext,
    auth: Authenticated,
    password: str,
    current_password: str | None,
    *,
    sign_out_others: bool,
) -> None:
    user_id = auth.user["_id"]
    async with ctx.store.read() as tx:
        stored = await users.password_hash(tx, user_id)
    if stored is not None and not await security.verify_password(stored, current_password or ""):
        raise InvalidCredentials()
    new_hash = await security.hash_password(password)
    async with ctx.store.write() as tx:
        await users.set_fields(tx, user_id, {"passwordHash": new_hash})
        if sign_out_others:
            await revoke_sessions(tx, user_id, keep=auth.session_id)


async def delete_account(
    ctx: AppContext, auth: Authenticated, *, code: str | None, password: str | None
) -> None:
    """Delete the signed-in account after it proves itself again with a fresh code or password."""
    user = auth.user
    if password is not None:
        async with ctx.store.read() as tx:
            stored = await users.password_hash(tx, user["_id"])
        if stored is None or not await security.verify_password(stored, password):
            raise InvalidCredentials()
        async with ctx.store.write() as tx:
            await users.delete_user(tx, user["_id"], user["email"])
        return
    deleted = False
    async with ctx.store.write() as tx:
        if await consume_otp(tx, ctx.settings.secret, user["email"], code or ""):
            await users.delete_user(tx, user["_id"], user["email"])
            deleted = True
    if not deleted:
        raise InvalidCode()
