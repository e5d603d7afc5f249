"""Liveness and readiness probes."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from whitecell.auth.dependencies import Context
from whitecell.core.migrations import current_revisions

router = APIRouter(tags=["system"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is up (no dependencies checked)."""
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"description": "Not ready"}})
async def readyz(ctx: Context) -> JSONResponse:
    """The database answers and its schema is at the migration head this build expects."""
    try:
        async with ctx.db.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
            current = await connection.run_sync(current_revisions)
    except Exception as exc:  # any failure to reach the database means "not ready"
        return JSONResponse({"status": "unavailable", "database": type(exc).__name__}, 503)
    expected = ctx.expected_revisions
    if current != expected:
        return JSONResponse(
            {"status": "migrations pending", "current": sorted(current), "head": sorted(expected)},
            503,
        )
    return JSONResponse({"status": "ready", "revision": sorted(current)})
