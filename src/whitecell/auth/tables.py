"""`sessions` and `otp_tokens` as the data API sees them (SQL schema: migration 0001, mirrored in
`auth/models.py`).

Users list and end their own sessions; nobody ever reads a token or a code hash. Administrators
can see pending sign-in codes (address, expiry, attempts), which helps when someone reports that
no mail arrived.
"""

from __future__ import annotations

from whitecell.auth.models import OtpToken, Session  # noqa: F401  (their SQL schema)
from whitecell.core.tables import (
    Access,
    Table,
    boolean,
    choice,
    integer,
    register,
    string,
    timestamp,
)

SESSIONS = Table(
    "sessions",
    "auth",
    {
        "token": string(max_length=64, private=True),
        "expiresAt": timestamp(server=True),
        "ipAddress": string(required=False, max_length=64, server=True),
        "userAgent": string(required=False, max_length=512, server=True),
        "type": choice("otp", "password", "oauth", server=True),
        "createdAt": timestamp(server=True),
        "isValid": boolean(default=True, server=True),
        "lastSeenAt": timestamp(server=True),
    },
    access=Access(read="owner", create="nobody", update="nobody", delete="owner"),
    indexes=[("userId", "createdAt"), ("expiresAt",)],
    order="-createdAt",
    derive_schema=False,
)

OTP_TOKENS = Table(
    "otp_tokens",
    "auth",
    {
        "email": string(max_length=254, server=True),
        "token": string(max_length=64, private=True),
        "expiresAt": timestamp(server=True),
        "attempts": integer(default=0, server=True),
        "maxAttempts": integer(default=3, server=True),
        "createdAt": timestamp(server=True),
        "isUsed": boolean(default=False, server=True),
    },
    access=Access(read="admin", create="nobody", update="nobody", delete="nobody"),
    owned=False,
    indexes=[("email", "createdAt"), ("expiresAt",)],
    order="-createdAt",
    derive_schema=False,
)

register(SESSIONS, OTP_TOKENS)
