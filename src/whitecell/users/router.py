"""HTTP for `/api/v1/users`: my account, my profile, public profiles."""

from __future__ import annotations

from fastapi import APIRouter, status

from whitecell.auth import service as auth_service
from whitecell.auth.dependencies import Context, CurrentAuth
from whitecell.auth.schemas import PasswordSet, Reconfirm
from whitecell.users import service
from whitecell.users.schemas import ProfileUpdate, PublicProfile, UserOut

router = APIRouter(prefix="/api/v1/users", tags=["users"])


@router.get("/me")
async def me(auth: CurrentAuth) -> UserOut:
    return UserOut.of(auth.user)


@router.patch("/me")
async def update_me(body: ProfileUpdate, auth: CurrentAuth, ctx: Context) -> UserOut:
    changes = body.model_dump(exclude_unset=True)
    if changes.get("avatar") is not None:
        changes["avatar"] = str(changes["avatar"])
    async with ctx.db.writing() as session:
        user = await service.update_profile(session, auth.user.id, changes)
    return UserOut.of(user)


@router.put("/me/password", status_code=status.HTTP_204_NO_CONTENT)
async def set_password(body: PasswordSet, auth: CurrentAuth, ctx: Context) -> None:
    """Set or change my password; by default every other session is signed out (ASVS 7.4.3)."""
    await auth_service.set_password(
        ctx,
        auth,
        body.password,
        body.currentPassword,
        sign_out_others=body.signOutOtherSessions,
    )


@router.delete("/me", status_code=status.HTTP_204_NO_CONTENT)
async def delete_me(body: Reconfirm, auth: CurrentAuth, ctx: Context) -> None:
    """Delete my account and everything it owns, after a fresh code or my password."""
    await auth_service.delete_account(ctx, auth, code=body.code, password=body.password)


@router.get("/{username}")
async def profile(username: str, ctx: Context) -> PublicProfile:
    """Anyone's public profile, readable without signing in; never the email or private fields."""
    async with ctx.db.reading() as session:
        return PublicProfile.model_validate(await service.public_profile(session, username))
