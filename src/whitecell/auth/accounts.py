"""HTTP for `/api/v1/users`: my account and profile, public profiles, administration."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Request, Response, status
from pydantic import Field

from whitecell.auth import service as auth_service
from whitecell.auth.dependencies import Context, CurrentAuth, OptionalCaller
from whitecell.auth.schemas import PasswordSet, Reconfirm
from whitecell.core.documents import codec
from whitecell.core.errors import Forbidden, NotFound, Unauthorized
from whitecell.core.listing import parse_list_query
from whitecell.core.openapi import SIGN_IN_OPTIONAL
from whitecell.core.pages import list_page
from whitecell.core.resources import CHANGE_SEQ_HEADER, json_response, page_payload
from whitecell.core.schemas import WriteModel
from whitecell.core.types import Text, Timestamp
from whitecell.users import service
from whitecell.users.schemas import ProfileUpdate, PublicProfile, UserOut
from whitecell.users.tables import USERS

router = APIRouter(prefix="/api/v1/users", tags=["users"])


class AdminUserUpdate(WriteModel):
    """What an administrator may change on an account; `reason` goes to the audit log."""

    role: Literal["user", "creator", "admin"] | None = None
    subscription: Literal["free", "basic", "premium"] | None = None
    subscriptionExpiry: Timestamp | None = None
    isActive: bool | None = None
    isBanned: bool | None = None
    reason: Annotated[Text, Field(max_length=1000)] | None = None


async def _own(ctx: Any, auth: auth_service.Authenticated) -> dict[str, Any]:
    async with ctx.store.read() as tx:
        has_password = await service.password_hash(tx, auth.user["_id"]) is not None
        user = await service.with_live_streak(tx, auth.user)
    return service.own_view(user, has_password=has_password)


@router.get("/me", response_model=UserOut)
async def me(auth: CurrentAuth, ctx: Context) -> Response:
    return json_response(await _own(ctx, auth))


@router.patch("/me", response_model=UserOut)
async def update_me(body: ProfileUpdate, auth: CurrentAuth, ctx: Context) -> Response:
    changes = body.model_dump(mode="json", exclude_unset=True)
    async with ctx.store.write() as tx:
        user = await service.update_profile(tx, auth.user["_id"], changes)
        has_password = await service.password_hash(tx, user["_id"]) is not None
    return json_response(
        service.own_view(user, has_password=has_password), headers={CHANGE_SEQ_HEADER: str(tx.seq)}
    )


@router.put("/me/password", status_code=status.HTTP_204_NO_CONTENT)
async def set_password(body: PasswordSet, auth: CurrentAuth, ctx: Context) -> None:
    """Set or change my password; by default every other session is signed out (ASVS 7.4.3)."""
    await auth_service.set_password(
        ctx, auth, body.password, body.currentPassword, sign_out_others=body.signOutOtherSessions
    )


@router.delete("/me", status_code=status.HTTP_204_NO_CONTENT)
async def delete_me(body: Reconfirm, auth: CurrentAuth, ctx: Context) -> None:
    """Delete my account and everything it owns, after a fresh code or my password."""
    await auth_service.delete_account(ctx, auth, code=body.code, password=body.password)


@router.get(
    "",
    summary="List users (administrators)",
    responses={400: {"description": "A filter, order, limit or cursor cannot be used."}},
)
async def list_users(request: Request, caller: OptionalCaller, ctx: Context) -> Response:
    query = parse_list_query(USERS, list(request.query_params.multi_items()))
    async with ctx.store.read() as tx:
        page = await list_page(tx, USERS, caller, query)
    return json_response(page_payload(page))


@router.get("/{key}", response_model=PublicProfile, openapi_extra=SIGN_IN_OPTIONAL)
async def profile(key: str, caller: OptionalCaller, ctx: Context) -> Response:
    """A public profile by username, readable without signing in; never the email or private
    fields. Administrators get the whole document, by `_id` or username."""
    async with ctx.store.read() as tx:
        if caller.is_admin:
            user = await service.user_by(tx, "_id", key)
            if user is None:
                row = await tx.one(
                    f"SELECT {codec('users', tx.dialect.name).select_list} FROM users "
                    "WHERE lower(username) = :name",
                    {"name": key.lower()},
                )
                user = codec("users", tx.dialect.name).document(row) if row else None
            if user is None:
                raise NotFound("No such user.")
            return json_response(user)
        return json_response(await service.public_profile(tx, key))


# `{key}` as in the GET above (here the account's `_id`): OpenAPI counts two templates of one
# path that differ only in a parameter's name as the same path, declared twice.
@router.patch("/{key}", summary="Change an account (administrators)")
async def administer(
    key: str, body: AdminUserUpdate, caller: OptionalCaller, ctx: Context
) -> Response:
    """Change role, subscription, activation or ban of the account whose `_id` is `key`. Banning
    signs the user out everywhere; every change is written to `admin_logs` with before/after
    values, reason and address."""
    user_id = key
    if caller.id is None:
        raise Unauthorized("Sign in and send the token as `Authorization: Bearer <token>`.")
    if not caller.is_admin:
        raise Forbidden("Only administrators may do this.")
    changes = body.model_dump(mode="json", exclude_unset=True)
    reason = changes.pop("reason", None)
    async with ctx.store.write() as tx:
        user = await auth_service.administer_user(tx, caller, user_id, changes, reason=reason)
    return json_response(user, headers={CHANGE_SEQ_HEADER: str(tx.seq)})
