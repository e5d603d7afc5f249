"""Shared Stoic quotes, per user (docs/mind.md, "Stoic wisdom"): the quote of the day with its
reflection prompt, and saving or unsaving a quote (today's, or any by id). The day is the
user's, in their time zone; which quote it shows is `mind/stoic.py`."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Response, status

from whitecell.auth.dependencies import Context, SignedIn
from whitecell.core.clock import local_today
from whitecell.core.context import AppContext
from whitecell.core.crud import get, update_server_row
from whitecell.core.errors import NotFound
from whitecell.core.permissions import Caller
from whitecell.core.resources import CHANGE_SEQ_HEADER, json_response
from whitecell.core.transactions import Tx
from whitecell.mind.rules import present_quote
from whitecell.mind.stoic import DailyPick, daily_pick, reflection_prompt
from whitecell.mind.tables import STOIC_QUOTES

router = APIRouter(prefix="/api/v1/stoic_quotes", tags=["mind"])
NO_QUOTES: dict[int | str, dict[str, Any]] = {404: {"description": "There is no quote at all."}}


# (day, the corpus's fingerprint) -> its pick: every dashboard asks, and the corpus rarely moves.
_PICKS: dict[tuple[int, tuple[Any, ...]], DailyPick] = {}
PICKS_KEPT = 64


async def todays_pick(tx: Tx, day: date) -> DailyPick:
    """The quote `day` shows. Every quote's id and arrival day (a few hundred rows, ranked) are
    read only when the corpus changed since the day's pick was made: one aggregate tells."""
    fingerprint = await tx.one(
        'SELECT count(*), max("createdAt"), min("_id"), max("_id") FROM stoic_quotes'
    )
    key = (day.toordinal(), tuple(fingerprint or ()))
    pick = _PICKS.get(key)
    if pick is not None:
        return pick
    rows = await tx.all('SELECT "_id", "createdAt" FROM stoic_quotes')
    arrivals = [
        (tx.store.read_timestamp(created).date().toordinal(), quote_id)
        for quote_id, created in rows
    ]
    found = daily_pick(day.toordinal(), arrivals)
    if found is None:
        raise NotFound("There are no Stoic quotes yet: run `whitecell db upgrade`.")
    if len(_PICKS) >= PICKS_KEPT:
        _PICKS.clear()
    _PICKS[key] = found
    return found


async def set_saved(tx: Tx, caller: Caller, quote: dict[str, Any], saved: bool) -> dict[str, Any]:
    """`quote` (as stored) saved, or not, by `caller`; the quote as stored now."""
    savers = [u for u in quote["savedBy"] if u != caller.id] + ([caller.id] if saved else [])
    if savers != quote["savedBy"]:
        quote = await update_server_row(tx, STOIC_QUOTES, quote, {"savedBy": savers})
    return quote


def daily_view(caller: Caller, quote: dict[str, Any], pick: DailyPick, day: date) -> dict[str, Any]:
    """The day's quote as the caller sees it, with `saved`, the prompt and the cycle."""
    return {
        "date": day.isoformat(),
        "quote": present_quote(quote, caller),
        "saved": caller.id in quote["savedBy"],
        "prompt": reflection_prompt(quote.get("theme"), day.toordinal()),
        "cycle": {"number": pick.cycle, "day": pick.day, "length": pick.length},
    }


@router.get(
    "/daily", summary="The Stoic quote of my day, with a reflection prompt", responses=NO_QUOTES
)
async def daily_quote(caller: SignedIn, ctx: Context) -> Response:
    """Today's quote in the caller's time zone (everyone whose day it is sees the same one, a
    different one tomorrow, every quote once before any comes back), `saved` by the caller or
    not, a reflection prompt for its theme, and where the day stands in the cycle."""
    day = local_today((caller.user or {}).get("timezone"))
    async with ctx.store.read() as tx:
        pick = await todays_pick(tx, day)
        quote = await get(tx, STOIC_QUOTES, caller, pick.quote_id)
    return json_response(daily_view(caller, quote, pick, day))


async def _save_daily(caller: Caller, ctx: AppContext, saved: bool) -> Response:
    day = local_today((caller.user or {}).get("timezone"))
    async with ctx.store.write() as tx:
        pick = await todays_pick(tx, day)
        quote = await get(tx, STOIC_QUOTES, caller, pick.quote_id)
        quote = await set_saved(tx, caller, quote, saved)
    return json_response(
        daily_view(caller, quote, pick, day), headers={CHANGE_SEQ_HEADER: str(tx.seq)}
    )


@router.put("/daily/saved", summary="Save today's quote to my collection", responses=NO_QUOTES)
async def save_daily_quote(caller: SignedIn, ctx: Context) -> Response:
    return await _save_daily(caller, ctx, True)


@router.delete(
    "/daily/saved", summary="Remove today's quote from my collection", responses=NO_QUOTES
)
async def unsave_daily_quote(caller: SignedIn, ctx: Context) -> Response:
    return await _save_daily(caller, ctx, False)


async def _save(caller: Caller, ctx: AppContext, quote_id: str, saved: bool) -> Response:
    async with ctx.store.write() as tx:
        quote = await get(tx, STOIC_QUOTES, caller, quote_id)
        quote = await set_saved(tx, caller, quote, saved)
    return json_response(present_quote(quote, caller), headers={CHANGE_SEQ_HEADER: str(tx.seq)})


@router.put("/{quote_id}/saved", summary="Save a quote to my collection")
async def save_quote(quote_id: str, caller: SignedIn, ctx: Context) -> Response:
    return await _save(caller, ctx, quote_id, True)


@router.delete("/{quote_id}/saved", summary="Remove a quote from my collection")
async def unsave_quote(quote_id: str, caller: SignedIn, ctx: Context) -> Response:
    response = await _save(caller, ctx, quote_id, False)
    response.status_code = status.HTTP_200_OK
    return response
