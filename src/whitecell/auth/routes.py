"""Auth's one router: `/api/v1/auth` (login by emailed code or password, logout, sessions),
then `/api/v1/users` (`accounts.py`).

The account routes live in auth, not in `users/`: they need the signed-in caller
(`dependencies.py`) and auth's own work (passwords, sessions), and `users/` sits below auth
(style.md, "Floors").
"""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from whitecell.auth import accounts, service, signin
from whitecell.auth.dependencies import CallingClient, Context, CurrentAuth
from whitecell.auth.schemas import (
    LoginOut,
    OtpRequest,
    OtpRequested,
    OtpVerify,
    PasswordLogin,
    SessionList,
    SessionOut,
    SessionsRevoked,
)
from whitecell.auth.signin import Login
from whitecell.core.writelimits import unlimited
from whitecell.users.schemas import UserOut
from whitecell.users.service import own_view

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


def _login_out(login: Login) -> LoginOut:
    return LoginOut(
        token=login.token,
        expiresAt=login.session["expiresAt"],
        user=UserOut.model_validate(own_view(login.user, has_password=login.has_password)),
    )


@router.post("/otp", status_code=status.HTTP_202_ACCEPTED)
async def request_code(body: OtpRequest, ctx: Context, client: CallingClient) -> OtpRequested:
    """Email a 6-digit sign-in code. The answer is the same for every address."""
    await signin.request_otp(ctx, body.email, client)
    return OtpRequested(expiresIn=ctx.settings.otp_ttl_seconds)


@router.post("/otp/verify")
async def verify_code(body: OtpVerify, ctx: Context, client: CallingClient) -> LoginOut:
    """Exchange a code for a session token; the first sign-in of an address creates its account."""
    login = await signin.verify_otp(
        ctx, body.email, body.code, client, name=body.name, username=body.username
    )
    return _login_out(login)


@router.post("/password")
async def login_with_password(body: PasswordLogin, ctx: Context, client: CallingClient) -> LoginOut:
    return _login_out(await signin.password_login(ctx, body.email, body.password, client))


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
@unlimited  # ending sessions works however many writes were made
async def logout(auth: CurrentAuth, ctx: Context) -> Response:
    await service.revoke_session(ctx, auth.user["_id"], auth.session_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT, headers={"Clear-Site-Data": '"cache"'})


@router.get("/sessions")
async def my_sessions(auth: CurrentAuth, ctx: Context) -> SessionList:
    """My signed-in devices (never their tokens); `current` marks the one asking."""
    rows = await service.live_sessions(ctx, auth.user["_id"])
    return SessionList(
        items=[
            SessionOut.model_validate({**r, "current": r["_id"] == auth.session_id}) for r in rows
        ]
    )


@router.delete("/sessions/{session_id}", status_code=status.HTTP_204_NO_CONTENT)
@unlimited
async def revoke_session(session_id: str, auth: CurrentAuth, ctx: Context) -> None:
    await service.revoke_session(ctx, auth.user["_id"], session_id)


@router.delete("/sessions")
@unlimited
async def revoke_other_sessions(auth: CurrentAuth, ctx: Context) -> SessionsRevoked:
    """Sign out every other device, keeping this one."""
    async with ctx.store.write() as tx:
        revoked = await service.revoke_sessions(tx, auth.user["_id"], keep=auth.session_id)
    return SessionsRevoked(revoked=revoked)


# Then the account routes, as their own route objects (`include_router` would wrap them in one
# route that `core/dispatch.py` cannot index by table).
router.routes.extend(accounts.router.routes)
