"""Request dependencies every domain uses: the signed-in user and the calling client."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from whitecell.auth import service
from whitecell.auth.service import Authenticated
from whitecell.auth.signin import Client
from whitecell.core.context import AppContext, get_context
from whitecell.core.errors import Unauthorized
from whitecell.core.permissions import Caller

# The web app's session cookie (web/cookies.py): the same opaque token as a bearer token. The
# API reads it only on the realtime feed, which a browser's EventSource and WebSocket open
# without headers of their own (docs/web.md).
SESSION_COOKIE = "wc_session"

_bearer = HTTPBearer(auto_error=False, description="A session token from a login endpoint.")

Context = Annotated[AppContext, Depends(get_context)]
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


async def client_of(request: Request) -> Client:
    return Client(
        ip=request.client.host if request.client else "unknown",
        user_agent=request.headers.get("user-agent"),
    )


async def current_auth(request: Request, ctx: Context, credentials: Credentials) -> Authenticated:
    if credentials is None:
        if request.headers.get("authorization"):
            raise Unauthorized("Send the token as `Authorization: Bearer <token>`.")
        raise Unauthorized("Sign in and send the token as `Authorization: Bearer <token>`.")
    auth = await service.authenticate(ctx, credentials.credentials)
    request.state.user_id = auth.user["_id"]
    # Every signed-in API request passes here: where its writes are counted (core/writelimits.py).
    await ctx.write_limits.count(request.scope, auth.user["_id"])
    return auth


async def optional_caller(request: Request, ctx: Context, credentials: Credentials) -> Caller:
    """The caller, signed in or not; a token that is sent must be valid (401 otherwise)."""
    client = await client_of(request)
    if credentials is None and not request.headers.get("authorization"):
        return Caller(None, client.ip, client.user_agent)
    auth = await current_auth(request, ctx, credentials)
    return Caller(auth.user, client.ip, client.user_agent)


async def signed_in_caller(caller: Annotated[Caller, Depends(optional_caller)]) -> Caller:
    """The caller, who must be signed in (401 otherwise): for routes on one's own data."""
    if caller.id is None:
        raise Unauthorized("Sign in and send the token as `Authorization: Bearer <token>`.")
    return caller


CurrentAuth = Annotated[Authenticated, Depends(current_auth)]
CallingClient = Annotated[Client, Depends(client_of)]
OptionalCaller = Annotated[Caller, Depends(optional_caller)]
SignedIn = Annotated[Caller, Depends(signed_in_caller)]
