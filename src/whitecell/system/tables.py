"""System tables: analytics, feature_flags, admin_logs."""

from __future__ import annotations

from whitecell.core import defaults
from whitecell.core.errors import ValidationFailed
from whitecell.core.tables import (
    ADMIN_ONLY,
    Access,
    ComputeContext,
    Kind,
    Table,
    boolean,
    integer,
    json_object,
    list_of,
    reference,
    register,
    string,
    timestamp,
)
from whitecell.users.models import ROLES

ANALYTICS = Table(
    "analytics",
    "system",
    {
        # Set by the server from the caller's session (absent for anonymous clients).
        "userId": reference("users", scope="any", server=True),
        "event": string(max_length=100),
        "module": string(required=False, max_length=50),
        "metadata": json_object(max_bytes=8 * 1024),  # a few properties of one event
        "timestamp": timestamp(default=defaults.now),
        "sessionId": string(required=False, max_length=100),
        "ipAddress": string(required=False, max_length=64, server=True),
        "userAgent": string(required=False, max_length=512, server=True),
    },
    # Anyone may send events, through system/analytics.py's routes (one or a batch): they
    # count them per network, keep the network rather than the address, and the rollups.
    access=Access(read="admin", create="nobody", update="nobody", delete="admin"),
    owned=False,
    indexes=[("timestamp",), ("event",), ("userId",)],
    order="-timestamp",
    events=False,  # not a user-visible document: no change log, no realtime (docs/realtime.md)
)


async def _feature_flag(ctx: ComputeContext) -> None:
    # A role nobody has would target nobody, silently: refuse it (docs/operations.md).
    for role in ctx.document.get("targetRoles") or ():
        if role not in ROLES:
            raise ValidationFailed.field(
                "targetRoles", f"{role!r} is not a role (the roles are {', '.join(ROLES)})"
            )


FEATURE_FLAGS = Table(
    "feature_flags",
    "system",
    {
        "name": string(max_length=100),
        "description": string(required=False, max_length=1000),
        "isEnabled": boolean(),
        "rolloutPercentage": integer(ge=0, le=100, default=0),
        "targetUsers": list_of(Kind.ID, ref="users", ref_scope="any", max_items=10_000),
        "targetRoles": list_of(Kind.STRING, max_length=20, max_items=10),
        "createdAt": timestamp(),
        "updatedAt": timestamp(),
    },
    access=ADMIN_ONLY,
    owned=False,
    indexes=[("updatedAt",)],
    unique=[("name",)],
    order="-updatedAt",
    created_at="createdAt",
    updated_at="updatedAt",
    compute=_feature_flag,
)

ADMIN_LOGS = Table(
    "admin_logs",
    "system",
    {
        # Not a foreign key: the audit trail outlives the administrator's account.
        "adminId": string(max_length=64),
        "action": string(max_length=100),
        "targetId": string(required=False, max_length=64),
        "targetType": string(required=False, max_length=20, choices=("user", "content", "system")),
        "changes": json_object(),
        "reason": string(required=False, max_length=1000),
        "timestamp": timestamp(),
        "ipAddress": string(required=False, max_length=64),
    },
    access=Access(read="admin", create="nobody", update="nobody", delete="nobody"),
    owned=False,
    indexes=[("adminId",), ("timestamp",), ("targetId",)],
    order="-timestamp",
)

register(ANALYTICS, FEATURE_FLAGS, ADMIN_LOGS)
