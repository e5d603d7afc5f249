"""The signed-in browser as the API sees a caller (`core.permissions.Caller`): the pages write
through `core.crud` with it, so a table's access rules, compute hooks and change events are the
ones the API's routes apply."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from whitecell.core.permissions import Caller
from whitecell.web.session import WebUser


async def web_caller(request: Request, user: WebUser) -> Caller:
    host = request.client.host if request.client else "unknown"
    return Caller(user, host, request.headers.get("user-agent"))


WebCaller = Annotated[Caller, Depends(web_caller)]
