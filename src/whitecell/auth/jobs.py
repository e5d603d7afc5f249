"""Auth's periodic work (run by the cleanup job, `whitecell/cleanup.py`): deleting sessions and
sign-in codes that can never be used again. Expiry never waits for it: every request checks it
(docs/users.md)."""

from __future__ import annotations

from datetime import timedelta

from whitecell.auth.tables import OTP_TOKENS, SESSIONS
from whitecell.core import crud
from whitecell.core.clock import utcnow
from whitecell.core.context import AppContext


async def delete_expired_sign_ins(ctx: AppContext) -> dict[str, int]:
    """Drop sessions and codes that can never be used again: how many of each."""
    store = ctx.store
    now = utcnow()
    idle_cutoff = now - timedelta(seconds=ctx.settings.session_idle_seconds)
    async with store.write() as tx:
        sessions = await crud.delete_server_rows(
            tx,
            SESSIONS,
            '"expiresAt" <= :now OR "isValid" = :no OR "lastSeenAt" <= :idle',
            {
                "now": store.bind_timestamp(now),
                "no": False,
                "idle": store.bind_timestamp(idle_cutoff),
            },
        )
        codes = await crud.delete_server_rows(
            tx,
            OTP_TOKENS,
            '"expiresAt" <= :now OR "isUsed" = :yes',
            {"now": store.bind_timestamp(now), "yes": True},
        )
    return {"sessions": len(sessions), "otp_tokens": len(codes)}
