"""The realtime message protocol (docs/realtime.md): what clients send, what the server answers,
and the close codes."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
)

# Close codes (WebSocket) / `reason` codes of the final `error` (SSE).
GOING_AWAY = 1001  # the server is shutting down: reconnect and resume
SESSION_ENDED = 4401  # no usable session: signed out, revoked, expired, or never authenticated
ACCOUNT_CHANGED = 4403  # banned, deactivated, deleted, or its role changed
IDLE = 4408  # nothing heard from the client for too long
TOO_MANY = 4429  # the user's connection limit on this server
TOO_SLOW = 4503  # fell too far behind: reconnect and resume with `since`

FilterValue = StrictStr | StrictInt | StrictFloat | StrictBool | list[StrictStr | StrictInt]
ClientId = Annotated[StrictStr, Field(min_length=1, max_length=64)]


def _no_nul(value: str) -> str:
    # PostgreSQL text cannot hold NUL: refused here rather than failing in the query.
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


DocumentId = Annotated[StrictStr, Field(min_length=1, max_length=64), AfterValidator(_no_nul)]


class _Message(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class Auth(_Message):
    type: Literal["auth"]
    token: Annotated[StrictStr, Field(min_length=1, max_length=200)]


class Subscribe(_Message):
    type: Literal["subscribe"]
    id: ClientId
    table: Annotated[StrictStr, Field(min_length=1, max_length=64)]
    # The list endpoint's filters: {"date": "2026-11-24"} or {"date[gte]": "2026-11-01"}.
    filter: dict[Annotated[StrictStr, Field(max_length=64)], FilterValue] = Field(
        default_factory=dict, max_length=20
    )
    documentId: DocumentId | None = None
    scope: Literal["public"] | None = None
    order: Annotated[StrictStr, Field(max_length=64)] | None = None
    limit: Annotated[StrictInt, Field(ge=1, le=100)] | None = None
    since: Annotated[StrictInt, Field(ge=0)] | None = None


class Unsubscribe(_Message):
    type: Literal["unsubscribe"]
    id: ClientId


class Ping(_Message):
    type: Literal["ping"]


class Pong(_Message):
    type: Literal["pong"]


ClientMessage = Annotated[Auth | Subscribe | Unsubscribe | Ping | Pong, Field(discriminator="type")]


def error(code: str, message: str, subscription: str | None = None, **extra: Any) -> dict[str, Any]:
    return {"type": "error", "id": subscription, "code": code, "message": message, **extra}


def filter_params(message: Subscribe) -> list[tuple[str, str]]:
    """The subscription's filters as the list endpoint's query parameters."""

    def text(value: Any) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)

    params = [
        (key, ",".join(text(v) for v in value) if isinstance(value, list) else text(value))
        for key, value in message.filter.items()
    ]
    if message.scope:
        params.append(("scope", message.scope))
    if message.order:
        params.append(("order", message.order))
    if message.limit:
        params.append(("limit", str(message.limit)))
    return params
