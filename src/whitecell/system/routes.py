"""System's one router: liveness and readiness probes, the feature flags on for the caller,
analytics (`analytics.py`) and a person's own export (`export.py`)."""

from __future__ import annotations

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse

from whitecell.auth.dependencies import Context, SignedIn
from whitecell.core.resources import json_response
from whitecell.system import analytics, export
from whitecell.system.flags import FlagBook

router = APIRouter(tags=["system"])
# The features' own route objects (`include_router` would wrap them in one route that
# `core/dispatch.py` cannot index by table).
for feature in (export, analytics):
    router.routes.extend(feature.router.routes)


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is up (no dependencies checked)."""
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"description": "Not ready"}})
async def readyz(ctx: Context) -> JSONResponse:
    """The database answers and its schema is at the migration head this build expects."""
    try:
        async with ctx.store.read() as tx:
            current = {row[0] for row in await tx.all("SELECT version_num FROM alembic_version")}
    except Exception as exc:  # any failure (no database, no schema yet) means "not ready"
        if "alembic_version" not in str(exc):
            return JSONResponse({"status": "unavailable", "database": type(exc).__name__}, 503)
        current = set()
    expected = ctx.expected_revisions
    if current != expected:
        return JSONResponse(
            {"status": "migrations pending", "current": sorted(current), "head": sorted(expected)},
            503,
        )
    return JSONResponse({"status": "ready", "revision": sorted(current)})


@router.get(
    "/api/v1/feature_flags/evaluate",
    summary="The feature flags on for me",
    tags=["system"],
)
async def evaluate_flags(caller: SignedIn, ctx: Context) -> Response:
    """`{"flags": [names]}`: the flags on for the caller, in name order (docs/operations.md,
    "Feature flags"). Flags that are off for them are not named. Costs no query: the flags are
    kept in memory and read again after any change."""
    assert caller.user is not None
    return json_response({"flags": await ctx.service(FlagBook).on_for(caller.user)})
