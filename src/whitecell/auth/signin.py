"""Signing in: a mailed one-time code or a password, under the brute-force limits, ending in a new
session (rules: docs/users.md; limits: docs/security.md, "Brute force and lockout").

What a session does afterwards (the user behind a token, signing out, changing the password,
deleting the account) is `auth/service.py`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from whitecell.auth.tables import OTP_TOKENS, SESSIONS
from whitecell.core import crud, security
from whitecell.core.clock import isoformat_z, utcnow
from whitecell.core.context import AppContext
from whitecell.core.errors import BadRequest, Forbidden, TooManyRequests
from whitecell.core.ids import new_id
from whitecell.core.ratelimit import (
    Backoff,
    Rule,
    client_network,
    counter_key,
    enforce,
    enforce_backoff,
)
from whitecell.core.transactions import Tx
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


def ensure_may_sign_in(user: dict[str, Any]) -> None:
    """403 unless the account may sign in: neither suspended nor deactivated."""
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
            ensure_may_sign_in(user)
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
    ensure_may_sign_in(user)
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
