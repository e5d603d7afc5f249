"""Passwordless and password login, sessions and their expiry (rules: docs/security.md)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from whitecell.auth.models import OtpToken, Session
from whitecell.core import security
from whitecell.core.clock import utcnow
from whitecell.core.context import AppContext
from whitecell.core.errors import BadRequest, Forbidden, NotFound, Unauthorized
from whitecell.core.ids import new_id
from whitecell.core.ratelimit import Rule, enforce
from whitecell.users import service as users
from whitecell.users.models import User

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
    session: Session
    user: User


@dataclass(frozen=True)
class Authenticated:
    user: User
    session: Session


def _otp_request_rules(ctx: AppContext, email: str, client: Client) -> tuple[Rule, ...]:
    s = ctx.settings
    return (
        Rule(f"otp:email:{email}", *s.rate_otp_request_email),
        Rule(f"otp:ip:{client.ip}", *s.rate_otp_request_ip),
    )


def _login_rules(ctx: AppContext, email: str, client: Client) -> tuple[Rule, ...]:
    s = ctx.settings
    return (
        Rule(f"login:email:{email}", *s.rate_login_email),
        Rule(f"login:ip:{client.ip}", *s.rate_login_ip),
    )


async def request_otp(ctx: AppContext, email: str, client: Client) -> None:
    """Mail a fresh code; the same work whether or not the address has an account."""
    email = users.normalize_email(email)
    await enforce(ctx.limiter, *_otp_request_rules(ctx, email, client))
    code = security.new_otp_code()
    otp_id = new_id()
    async with ctx.db.writing() as session:
        # A new request makes every older unused code useless (ASVS 6.6.2).
        await session.execute(
            delete(OtpToken).where(OtpToken.email == email, OtpToken.isUsed.is_(False))
        )
        session.add(
            OtpToken(
                id=otp_id,
                email=email,
                token=security.otp_digest(ctx.settings.secret, otp_id, email, code),
                expiresAt=utcnow() + ctx.settings.otp_ttl,
                maxAttempts=ctx.settings.otp_max_attempts,
            )
        )
    minutes = ctx.settings.otp_ttl_seconds // 60
    ctx.mailer.enqueue(
        email,
        f"{code} is your White Cell sign-in code",
        f"Your White Cell sign-in code is {code}\n\n"
        f"It works once and expires in {minutes} minutes. If you did not ask for it, "
        "ignore this email: nobody can sign in without the code.\n",
    )


async def consume_otp(session: AsyncSession, secret: bytes, email: str, code: str) -> bool:
    """Spend one attempt on the address's live code; True if `code` was it (and it is now used).

    The attempt is counted before the code is compared, in one conditional UPDATE, so concurrent
    guesses can never be evaluated more than `maxAttempts` times in total.
    """
    live = (
        select(OtpToken.id)
        .where(OtpToken.email == email, OtpToken.isUsed.is_(False))
        .order_by(OtpToken.createdAt.desc())
        .limit(1)
        .scalar_subquery()
    )
    slot = (
        update(OtpToken)
        .where(
            OtpToken.id == live,
            OtpToken.isUsed.is_(False),
            OtpToken.attempts < OtpToken.maxAttempts,
            OtpToken.expiresAt > utcnow(),
        )
        .values(attempts=OtpToken.attempts + 1)
        .returning(OtpToken.id, OtpToken.token)
        .execution_options(synchronize_session=False)
    )
    row = (await session.execute(slot)).first()
    if row is None or not CODE_PATTERN.fullmatch(code):
        return False
    otp_id, stored = row
    if not security.digests_equal(stored, security.otp_digest(secret, otp_id, email, code)):
        return False
    # Right code: `attempts` counts failures only, so give the attempt back while marking it used.
    used = await session.execute(
        update(OtpToken)
        .where(OtpToken.id == otp_id, OtpToken.isUsed.is_(False))
        .values(isUsed=True, attempts=OtpToken.attempts - 1)
        .returning(OtpToken.id)
        .execution_options(synchronize_session=False)
    )
    return used.first() is not None


def _ensure_may_sign_in(user: User) -> None:
    if user.isBanned:
        raise Forbidden("This account is suspended.")
    if not user.isActive:
        raise Forbidden("This account is deactivated.")


async def _open_session(
    ctx: AppContext, session: AsyncSession, user: User, kind: str, client: Client
) -> Login:
    token = security.new_session_token()
    now = utcnow()
    row = Session(
        userId=user.id,
        token=security.session_token_digest(token),
        expiresAt=now + timedelta(seconds=ctx.settings.session_ttl_seconds),
        ipAddress=client.ip,
        userAgent=(client.user_agent or "")[:512] or None,
        type=kind,
        createdAt=now,
        lastSeenAt=now,
    )
    session.add(row)
    user.lastLogin = now
    await session.flush()
    return Login(token=token, session=row, user=user)


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
    await enforce(ctx.limiter, *_login_rules(ctx, email, client))
    login: Login | None = None
    async with ctx.db.writing() as session:
        if await consume_otp(session, ctx.settings.secret, email, code):
            user = await users.user_by_email(session, email)
            if user is None:
                user = await users.create_user(session, email, name=name, username=username)
            _ensure_may_sign_in(user)
            login = await _open_session(ctx, session, user, "otp", client)
    # Raised after the block so the spent attempt is committed.
    if login is None:
        raise InvalidCode()
    return login


async def password_login(ctx: AppContext, email: str, password: str, client: Client) -> Login:
    email = users.normalize_email(email)
    await enforce(ctx.limiter, *_login_rules(ctx, email, client))
    async with ctx.db.reading() as session:
        user = await users.user_by_email(session, email)
    stored = user.passwordHash if user else None
    if not await security.verify_password(stored, password) or user is None or stored is None:
        raise InvalidCredentials()
    _ensure_may_sign_in(user)
    new_hash = (
        await security.hash_password(password) if security.password_needs_rehash(stored) else None
    )
    async with ctx.db.writing() as session:
        user = await session.merge(user)
        if new_hash:
            user.passwordHash = new_hash
        return await _open_session(ctx, session, user, "password", client)


async def authenticate(ctx: AppContext, token: str) -> Authenticated:
    """The user and session behind a bearer token, or 401/403."""
    digest = security.session_token_digest(token)
    async with ctx.db.reading() as session:
        row = (
            await session.execute(
                select(Session, User)
                .join(User, User.id == Session.userId)
                .where(Session.token == digest)
            )
        ).first()
    now = utcnow()
    if row is None:
        raise Unauthorized("The session token is not valid.")
    current, user = row
    idle_limit = timedelta(seconds=ctx.settings.session_idle_seconds)
    if not current.isValid or current.expiresAt <= now or current.lastSeenAt + idle_limit <= now:
        raise Unauthorized("The session has expired or was signed out.")
    _ensure_may_sign_in(user)
    if now - current.lastSeenAt > timedelta(seconds=ctx.settings.session_touch_seconds):
        async with ctx.db.writing() as session:
            await session.execute(
                update(Session).where(Session.id == current.id).values(lastSeenAt=now)
            )
        current.lastSeenAt = now
    return Authenticated(user=user, session=current)


async def live_sessions(ctx: AppContext, user_id: str) -> list[Session]:
    idle_cutoff = utcnow() - timedelta(seconds=ctx.settings.session_idle_seconds)
    async with ctx.db.reading() as session:
        result = await session.execute(
            select(Session)
            .where(
                Session.userId == user_id,
                Session.isValid,
                Session.expiresAt > utcnow(),
                Session.lastSeenAt > idle_cutoff,
            )
            .order_by(Session.createdAt.desc())
        )
        return list(result.scalars())


async def revoke_session(ctx: AppContext, user_id: str, session_id: str) -> None:
    async with ctx.db.writing() as session:
        result = await session.execute(
            update(Session)
            .where(Session.id == session_id, Session.userId == user_id, Session.isValid)
            .values(isValid=False)
            .returning(Session.id)
        )
        if result.first() is None:
            raise NotFound("No such session.")


async def revoke_sessions(session: AsyncSession, user_id: str, *, keep: str | None = None) -> int:
    """Sign a user out everywhere (except the session `keep`)."""
    query = update(Session).where(Session.userId == user_id, Session.isValid)
    if keep:
        query = query.where(Session.id != keep)
    result = await session.execute(query.values(isValid=False).returning(Session.id))
    return len(result.all())


async def set_password(
    ctx: AppContext,
    auth: Authenticated,
    password: str,
    current_password: str | None,
    *,
    sign_out_others: bool,
) -> None:
    if auth.user.passwordHash is not None and not await security.verify_password(
        auth.user.passwordHash, current_password or ""
    ):
        raise InvalidCredentials()
    new_hash = await security.hash_password(password)
    async with ctx.db.writing() as session:
        await session.execute(
            update(User).where(User.id == auth.user.id).values(passwordHash=new_hash)
        )
        if sign_out_others:
            await revoke_sessions(session, auth.user.id, keep=auth.session.id)


async def delete_account(
    ctx: AppContext, auth: Authenticated, *, code: str | None, password: str | None
) -> None:
    """Delete the signed-in account after it proves itself again with a fresh code or password."""
    user = auth.user
    if password is not None:
        if user.passwordHash is None or not await security.verify_password(
            user.passwordHash, password
        ):
            raise InvalidCredentials()
        async with ctx.db.writing() as session:
            await users.delete_user(session, user.id)
            await session.execute(delete(OtpToken).where(OtpToken.email == user.email))
        return
    deleted = False
    async with ctx.db.writing() as session:
        if await consume_otp(session, ctx.settings.secret, user.email, code or ""):
            await users.delete_user(session, user.id)
            await session.execute(delete(OtpToken).where(OtpToken.email == user.email))
            deleted = True
    if not deleted:
        raise InvalidCode()


async def delete_expired(ctx: AppContext) -> dict[str, int]:
    """Drop sessions and codes that can never be used again (expiry is also checked on read)."""
    now = utcnow()
    idle_cutoff = now - timedelta(seconds=ctx.settings.session_idle_seconds)
    async with ctx.db.writing() as session:
        sessions = await session.execute(
            delete(Session).where(
                or_(
                    Session.expiresAt <= now,
                    Session.isValid.is_(False),
                    Session.lastSeenAt <= idle_cutoff,
                )
            )
        )
        codes = await session.execute(
            delete(OtpToken).where(or_(OtpToken.expiresAt <= now, OtpToken.isUsed))
        )
    return {
        "sessions": int(sessions.rowcount or 0),  # type: ignore[attr-defined]
        "otp_tokens": int(codes.rowcount or 0),  # type: ignore[attr-defined]
    }
