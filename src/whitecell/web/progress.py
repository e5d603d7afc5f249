"""Progress beside others: the badge catalogue with how far I am toward each badge
(`/me/badges`), the leaderboard (`/leaderboard`), both read through the API's own functions
(`gamification.progress`); and the badges' icons (`/badges/<type>.svg`, the links the API gives),
served from the package (`static/badges/`)."""

from __future__ import annotations

import re
from importlib.resources import files

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from whitecell.core.clock import utcnow
from whitecell.core.errors import NotFound
from whitecell.gamification import progress
from whitecell.web.headers import A_YEAR
from whitecell.web.render import asset_version, render
from whitecell.web.session import Ctx, WebUser, protect

router = APIRouter(dependencies=[Depends(protect)], include_in_schema=False)
ICON_NAME = re.compile(r"[a-z0-9_]{1,64}")
ICON_CACHE = "public, max-age=86400"  # an unversioned link (the API's): a day
# An icon is an image: it may run nothing and load nothing.
ICON_POLICY = "default-src 'none'; style-src 'unsafe-inline'"
LEADERBOARD_SIZE = 50
PERIODS = {"week": "This week", "month": "This month", "all": "All time"}


def icon_link(badge_type: str) -> str:
    """A badge's icon, versioned by its bytes (cached for a year); the default for an unknown
    type."""
    name = badge_type if _icon(badge_type) is not None else "default"
    return f"/badges/{name}.svg?v={asset_version(f'badges/{name}.svg')}"


def _icon(name: str) -> bytes | None:
    if not ICON_NAME.fullmatch(name):
        return None
    resource = files("whitecell.web").joinpath("static", "badges", f"{name}.svg")
    return resource.read_bytes() if resource.is_file() else None


@router.get("/badges/{name}.svg")
async def badge_icon(name: str, request: Request) -> Response:
    data = _icon(name)
    if data is None:
        raise NotFound("No such badge icon.")
    versioned = "v" in request.query_params
    headers = {
        "Cache-Control": A_YEAR.decode() if versioned else ICON_CACHE,
        "Content-Security-Policy": ICON_POLICY,
    }
    return Response(data, media_type="image/svg+xml", headers=headers)


@router.get("/me/badges")
async def badges_page(request: Request, user: WebUser, ctx: Ctx) -> Response:
    async with ctx.store.read() as tx:
        catalog = await progress.badge_catalog(tx, user["_id"])
    for badge in catalog["items"]:
        badge["iconLink"] = icon_link(badge["badgeType"])
    # Earned first (the latest first), then the nearest to being earned.
    earned = sorted(
        (b for b in catalog["items"] if b["earned"]), key=lambda b: b["earnedAt"], reverse=True
    )
    waiting = sorted(
        (b for b in catalog["items"] if not b["earned"]), key=lambda b: -b["progress"]["percent"]
    )
    context = {"catalog": catalog, "earned": earned, "waiting": waiting}
    return render(request, "me/badges.html", context)


@router.get("/leaderboard")
async def leaderboard_page(request: Request, user: WebUser, ctx: Ctx) -> Response:
    period = request.query_params.get("period", "week")
    if period not in PERIODS:
        period = "week"
    async with ctx.store.read() as tx:
        board = await progress.leaderboard(tx, user["_id"], period, LEADERBOARD_SIZE, utcnow())
    context = {"board": board, "period": period, "periods": PERIODS}
    return render(request, "me/leaderboard.html", context)
