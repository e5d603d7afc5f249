"""API shapes of `users`: the owner's view, the public profile and the profile update."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import AfterValidator, Field, HttpUrl

from whitecell.core.schemas import ReadModel, UTCDatetime, WriteModel, with_server_owned
from whitecell.core.types import Text
from whitecell.users.service import check_timezone, check_username

Username = Annotated[str, AfterValidator(check_username)]
Timezone = Annotated[str, Field(max_length=64), AfterValidator(check_timezone)]
DisplayName = Annotated[Text, Field(min_length=1, max_length=100)]


class PublicProfile(ReadModel):
    id: str = Field(alias="_id")
    name: str
    username: str
    avatar: str | None
    bio: str | None
    role: str
    totalXP: int
    currentLevel: int
    currentStreak: int
    longestStreak: int
    createdAt: UTCDatetime


class UserOut(PublicProfile):
    """The signed-in user's own document: every spec field, plus `timezone` and `hasPassword`."""

    email: str
    subscription: str
    subscriptionExpiry: UTCDatetime | None
    updatedAt: UTCDatetime
    lastLogin: UTCDatetime | None
    isActive: bool
    isBanned: bool
    timezone: str
    newCardsPerDay: int
    scheduler: str
    weightUnit: str = "kg"
    aiShareRecovery: bool = False
    hasPassword: bool = False


class _ProfileChanges(WriteModel):
    name: DisplayName | None = None
    username: Username | None = None
    avatar: HttpUrl | None = Field(None, max_length=2048)
    bio: Text | None = Field(None, max_length=500)
    timezone: Timezone | None = None
    newCardsPerDay: int | None = Field(None, ge=0, le=9999, strict=True)
    scheduler: Literal["sm2", "fsrs"] | None = None
    weightUnit: Literal["kg", "lbs"] | None = None
    aiShareRecovery: bool | None = Field(
        None,
        strict=True,
        description="let the AI coach's model see my recovery tracker's figures (docs/privacy.md)",
    )


# Every other field of the document is the server's: sending one is a 422 naming it.
if TYPE_CHECKING:
    ProfileUpdate = _ProfileChanges
else:
    ProfileUpdate = with_server_owned(
        _ProfileChanges,
        [
            "_id", "email", "role", "subscription", "subscriptionExpiry", "createdAt",
            "updatedAt", "lastLogin", "isActive", "isBanned", "totalXP", "currentLevel",
            "currentStreak", "longestStreak", "hasPassword",
        ],
    )  # fmt: skip
