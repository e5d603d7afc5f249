"""Request dependencies every domain uses: the signed-in user and the calling client."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from whitecell.auth import service
from whitecell.auth.service import Authenticated, Client
from whitecell.core.context import AppContext, get_context
from whitecell.core.errors import Unauthorized

_bearer = HTTPBearer(auto_error=False, description="A session token from a login endpoint.")

Context = Annotated[AppContext, Depends(get_context)]


async def current_auth(
    request: Request,
    ctx: Context,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Authenticated:
    if credentials is None:
        raise Unauthorized("Sign in and send the token as `Authorization: Bearer <token>`.")
    auth = await service.authenticate(ctx, credentials.credentials)
    request.state.user_id = auth.user.id
    return auth


def client_of(request: Request) -> Client:
    return Client(
        ip=request.client.host if request.client else "unknown",
        user_agent=request.headers.get("user-agent"),
    )


CurrentAuth = Annotated[Authenticated, Depends(current_auth)]
CallingClient = Annotated[Client, Depends(client_of)]
