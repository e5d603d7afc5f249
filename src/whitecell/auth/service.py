"""Passwordless and password login, sessions and their expiry (rules: docs/users.md)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from whitecell.auth.tables import OTP_TOKENS, SESSIONS
from whitecell.core import crud, security
from whitecell.core.clock import isoformat_z, utcnow
from whitecell.core.context import AppContext
from whitecell.core.documents import codec
from whitecell.core.errors import BadRequest, Forbidden, NotFound, TooManyRequests, Unauthorized
from whitecell.core.ids import new_id
from whitecell.core.ratelimit import (
    Backoff,
    Rule,
    client_network,
    counter_key,
    enforce,
    enforce_backoff,
)
from whitecell.core.store import Tx
from whitecell.users import service as users

CODE_PATTERN = re.compile(r"^\d{6}$")


class InvalidCode(BadRequest):
    """One answer for a wrong, expired, used or exhausted code, and for an address with none."""

    code = "invalid_code"

    def __init__(self) -> None:
        super().__init__("The code is invalid or has expired. Request a new one.")


class InvalidCredentials(BadRequest):
    code = "invalid_credentials"

    def __init__(self) -> None:
        super().__init__("The email or password is incorrect.")


@dataclass(frozen=True)
class Client:
    ip: str
    user_agent: str | None


@dataclass(frozen=True)
class Login:
    token: str
    session: dict[str, Any]
    user: dict[str, Any]
    has_password: bool


@dataclass(frozen=True)
class Authenticated:
    user: dict[str, Any]
    session_id: str


def _otp_request_rules(ctx: AppContext, email: str, client: Client) -> tuple[Rule, ...]:
    """Limits on the asking network only: its requests for this address, and for any address."""
    s = ctx.settings
    network = client_network(client.ip)
    return (
        Rule(counter_key(s.secret, "otp:email-ip", email, network), *s.rate_otp_request_email_ip),
        Rule(counter_key(s.secret, "otp:ip", network), *s.rate_otp_request_ip),
    )


def _known_key(ctx: AppContext, email: str, client: Client) -> str:
    """The mark left by a sign-in to the address from the client's network."""
    return counter_key(ctx.settings.secret, "known", email, client_network(client.ip))


async def _remember_network(ctx: AppContext, email: str, client: Client) -> None:
    """After a sign-in: this network is the owner's for `known_network_days` from now."""
    await ctx.limiter.remember(
        _known_key(ctx, email, client), ctx.settings.known_network_days * 86400
    )


async def _admit_sign_in(ctx: AppContext, email: str, client: Client) -> str:
    """Count one sign-in attempt, or 429 while this network must wait; the key a success forgets.

    Only the attempt's own network can be walled off (its attempts on any address, its run of
    failures on this one). Attempts on the address from every network only decide whether failing
    networks get free failures: a network that has not failed for the address is never held back
    by others, and a network the account signed in from keeps its free failures (docs/security.md,
    "Brute force and lockout").
    """
    s = ctx.settings
    network = client_network(client.ip)
    await enforce(ctx.limiter, Rule(counter_key(s.secret, "login:ip", network), *s.rate_login_ip))
    ceiling = Rule(counter_key(s.secret, "login:email", email), *s.rate_login_email)
    besieged = await ctx.limiter.hit([ceiling]) > 0 and not await ctx.limiter.remembers(
        _known_key(ctx, email, client)
    )
    backoff = Backoff(
        counter_key(s.secret, "login:email-ip", email, network),
        free=0 if besieged else s.login_free_failures,
        cap_seconds=s.login_backoff_cap_seconds,
        memory_seconds=s.login_failure_memory_seconds,
    )
    await enforce_backoff(ctx.limiter, backoff)
    return backoff.key


async def request_otp(ctx: AppContext, email: str, client: Client) -> None:
    """Mail a fresh code; the same work whether or not the address has an account."""
    email = users.normalize_email(email)
    await enforce(ctx.limiter, *_otp_request_rules(ctx, email, client))
    # The ceiling on codes for the address bounds guessing from many networks; the owner, asking
    # from a network the account has signed in from, passes it while strangers flood it.
    s = ctx.settings
    ceiling = Rule(counter_key(s.secret, "otp:email", email), *s.rate_otp_request_email)
    wait = await ctx.limiter.hit([ceiling])
    if wait and not await ctx.limiter.remembers(_known_key(ctx, email, client)):
        raise TooManyRequests(wait)
    code = security.new_otp_code()
    otp_id = new_id()
    now = utcnow()
    async with ctx.store.write() as tx:
        # A new request makes every older unused code useless (ASVS 6.6.2).
        await crud.delete_server_rows(
            tx, OTP_TOKENS, 'email = :email AND "isUsed" = :no', {"email": email, "no": False}
        )
        code_row = {
            "_id": otp_id,
            "email": email,
            "token": security.otp_digest(ctx.settings.secret, otp_id, email, code),
            "expiresAt": isoformat_z(now + ctx.settings.otp_ttl),
            "attempts": 0,
            "maxAttempts": ctx.settings.otp_max_attempts,
            "createdAt": isoformat_z(now),
            "isUsed": False,
        }
        await crud.insert_server_row(tx, OTP_TOKENS, code_row)
    minutes = ctx.settings.otp_ttl_seconds // 60
    ctx.mailer.enqueue(
        email,
        f"{code} is your White Cell sign-in code",
        f"Your White Cell sign-in code is {code}\n\n"
        f"It works once and expires in {minutes} minutes. If you did not ask for it, "
        "ignore this email: nobody can sign in without the code.\n",
    )


async def consume_otp(tx: Tx, secret: bytes, email: str, code: str) -> bool:
    """Spend one attempt on the address's live code; True if `code` was it (and it is now used).

    The attempt is counted before the code is compared, in one conditional UPDATE, so concurrent
    guesses can never be evaluated more than `maxAttempts` times in total.
    """
    spent = await crud.update_server_rows(
        tx,
        OTP_TOKENS,
        '"_id" = (SELECT "_id" FROM otp_tokens WHERE email = :email AND "isUsed" = :no '
        'ORDER BY "createdAt" DESC LIMIT 1) '
        'AND "isUsed" = :no AND attempts < "maxAttempts" AND "expiresAt" > :now',
        {"email": email, "no": False, "now": tx.store.bind_timestamp(utcnow())},
        {},
        increments={"attempts": 1},
    )
    if not spent or not CODE_PATTERN.fullmatch(code):
        return False
    otp_id = spent[0]["_id"]
    # The digest is private: no document carries it.
    stored = await tx.scalar('SELECT token FROM otp_tokens WHERE "_id" = :id', {"id": otp_id})
    if not security.digests_equal(stored, security.otp_digest(secret, otp_id, email, code)):
        return False
    # Right code: `attempts` counts failures only, so give the attempt back while marking it used.
    used = await crud.update_server_rows(
        tx,
        OTP_TOKENS,
        '"_id" = :id AND "isUsed" = :no',
        {"id": otp_id, "no": False},
        {"isUsed": True},
        increments={"attempts": -1},
    )
    return bool(used)


def _ensure_may_sign_in(user: dict[str, Any]) -> None:
    if user["isBanned"]:
        raise Forbidden("This account is suspended.")
    if not user["isActive"]:
        raise Forbidden("This account is deactivated.")


async def open_session(
    ctx: AppContext, tx: Tx, user: dict[str, Any], kind: str, client: Client
) -> Login:
    token = security.new_session_token()
    now = utcnow()
    values = {
        "userId": user["_id"],
        "token": security.session_token_digest(token),
        "expiresAt": isoformat_z(now + timedelta(seconds=ctx.settings.session_ttl_seconds)),
        "ipAddress": client.ip,
        "userAgent": (client.user_agent or "")[:512] or None,
        "type": kind,
        "createdAt": isoformat_z(now),
        "isValid": True,
        "lastSeenAt": isoformat_z(now),
    }
    session = await crud.insert_server_row(tx, SESSIONS, values)
    user = await users.set_fields(tx, user["_id"], {"lastLogin": isoformat_z(now)})
    has_password = await users.password_hash(tx, user["_id"]) is not None
    return Login(token=token, session=session, user=user, has_password=has_password)


async def verify_otp(
    ctx: AppContext,
    email: str,
    code: str,
    client: Client,
    *,
    name: str | None = None,
    username: str | None = None,
) -> Login:
    """Sign in with a mailed code; the first sign-in of an unknown address creates the account."""
    email = users.normalize_email(email)
    attempt = await _admit_sign_in(ctx, email, client)
    login: Login | None = None
    async with ctx.store.write() as tx:
        if await consume_otp(tx, ctx.settings.secret, email, code):
            user = await users.user_by_email(tx, email)
            if user is None:
                user = await users.create_user(tx, email, name=name, username=username)
            _ensure_may_sign_in(user)
            login = await open_session(ctx, tx, user, "otp", client)
    # Raised after the block so the spent attempt is committed.
    if login is None:
        raise InvalidCode()
    await ctx.limiter.forget([attempt])
    await _remember_network(ctx, email, client)
    return login


async def password_login(ctx: AppContext, email: str, password: str, client: Client) -> Login:
    email = users.normalize_email(email)
    attempt = await _admit_sign_in(ctx, email, client)
    async with ctx.store.read() as tx:
        user = await users.user_by_email(tx, email)
        stored = await users.password_hash(tx, user["_id"]) if user else None
    if not await security.verify_password(stored, password) or user is None or stored is None:
        raise InvalidCredentials()
    _ensure_may_sign_in(user)
    new_hash = (
        await security.hash_password(password) if security.password_needs_rehash(stored) else None
    )
    async with ctx.store.write() as tx:
        if new_hash:
            await users.set_fields(tx, user["_id"], {"passwordHash": new_hash})
        login = await open_session(ctx, tx, user, "password", client)
    await ctx.limiter.forget([attempt])
    await _remember_network(ctx, email, client)
    return login


async def authenticate(ctx: AppContext, token: str) -> Authenticated:
    """The user behind a bearer token, or 401/403. One indexed query on the hot path."""
    store = ctx.store
    now = utcnow()
    c = codec("users", store.dialect.name)
    settings = ctx.settings
    async with store.read() as tx:
        row = await tx.one(
            f'SELECT sessions."_id", sessions."lastSeenAt" < :touch, {c.select_list} '
            'FROM sessions JOIN users ON users."_id" = sessions."userId" '
            'WHERE sessions.token = :token AND sessions."isValid" = :yes '
            'AND sessions."expiresAt" > :now AND sessions."lastSeenAt" > :idle',
            {
                "token": security.session_token_digest(token),
                "yes": True,
                "now": store.bind_timestamp(now),
                "idle": store.bind_timestamp(
                    now - timedelta(seconds=settings.session_idle_seconds)
                ),
                "touch": store.bind_timestamp(
                    now - timedelta(seconds=settings.session_touch_seconds)
                ),
            },
        )
    if row is None:
        raise Unauthorized("The session is not valid: it expired, was signed out or never existed.")
    session_id, stale = row[0], row[1]
    user = c.document(row[2:])
    _ensure_may_sign_in(user)
    if stale:
        async with store.write() as tx:
            await crud.update_server_rows(
                tx, SESSIONS, '"_id" = :id', {"id": session_id}, {"lastSeenAt": isoformat_z(now)}
            )
    return Authenticated(user=user, session_id=session_id)


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


async def delete_expired(ctx: AppContext) -> dict[str, int]:
    """Drop sessions and codes that can never be used again (expiry is also checked on read)."""
    store = ctx.store
    now = utcnow()
    idle_cutoff = now - timedelta(seconds=ctx.settings.session_idle_seconds)
    async with store.write() as tx:
        sessions = await crud.delete_server_rows(
            tx,
            SESSIONS,
            '"expiresAt" <= :now OR "isValid" = :no OR "lastSeenAt" <= :idle',
            {
                "now": store.bind_timestamp(now),
                "no": False,
                "idle": store.bind_timestamp(idle_cutoff),
            },
        )
        codes = await crud.delete_server_rows(
            tx,
            OTP_TOKENS,
            '"expiresAt" <= :now OR "isUsed" = :yes',
            {"now": store.bind_timestamp(now), "yes": True},
        )
    return {"sessions": len(sessions), "otp_tokens": len(codes)}
