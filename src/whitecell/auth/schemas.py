"""API shapes of login, sessions and re-confirmation."""

from __future__ import annotations

from typing import Annotated, Self

from pydantic import BaseModel, EmailStr, Field, StrictBool, model_validator

from whitecell.core.schemas import ReadModel, UTCDatetime, WriteModel
from whitecell.users.schemas import DisplayName, Username, UserOut

Code = Annotated[str, Field(min_length=1, max_length=16)]
# Bounded so a megabyte "password" cannot make argon2 the attack (ASVS 6.2: at least 64 allowed).
Password = Annotated[str, Field(min_length=8, max_length=128)]


class OtpRequest(WriteModel):
    email: EmailStr


class OtpRequested(BaseModel):
    detail: str = "If this address can receive mail, a sign-in code is on its way."
    expiresIn: int


class OtpVerify(WriteModel):
    email: EmailStr
    code: Code
    # Used only when this sign-in creates the account.
    name: DisplayName | None = None
    username: Username | None = None


class PasswordLogin(WriteModel):
    email: EmailStr
    password: Annotated[str, Field(min_length=1, max_length=128)]


class LoginOut(BaseModel):
    token: str
    expiresAt: UTCDatetime
    user: UserOut


class SessionOut(ReadModel):
    id: str = Field(alias="_id")
    userId: str
    type: str
    createdAt: UTCDatetime
    expiresAt: UTCDatetime
    lastSeenAt: UTCDatetime
    ipAddress: str | None
    userAgent: str | None
    isValid: bool
    current: bool = False


class SessionList(BaseModel):
    items: list[SessionOut]


class SessionsRevoked(BaseModel):
    revoked: int


class PasswordSet(WriteModel):
    password: Password
    currentPassword: Annotated[str, Field(max_length=128)] | None = None
    signOutOtherSessions: StrictBool = True


class Reconfirm(WriteModel):
    """Proof for a destructive action: a fresh emailed code or the account's password."""

    code: Code | None = None
    password: Annotated[str, Field(max_length=128)] | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Self:
        if (self.code is None) == (self.password is None):
            raise ValueError("send exactly one of code or password")
        return self
