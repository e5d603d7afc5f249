"""Daily quotas of the AI coach by plan (docs/ai.md, "Quotas"): requests to the model and the
tokens they used, per user per calendar day of the user's own time zone, in `ai_usage`.

A request is counted when it is made, before the model is asked (so a failed or abandoned reply
still counts: the provider was called), and its tokens when it is answered. Answers given
without a model (the offline coach) cost nothing and are counted apart, never refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from whitecell.ai.provider import ChatMessage, Provider
from whitecell.ai.tables import AI_USAGE
from whitecell.core import crud
from whitecell.core.clock import day_start, isoformat_z, user_zone, utcnow
from whitecell.core.config import Settings
from whitecell.core.context import AppContext
from whitecell.core.documents import codec
from whitecell.core.errors import AppError
from whitecell.core.permissions import Caller
from whitecell.core.transactions import Tx

PLANS = ("free", "basic", "premium")


class QuotaExhausted(AppError):
    status, code = 429, "quota_exhausted"

    def __init__(self, what: str, resets_at: datetime, now: datetime) -> None:
        wait = max(1, int((resets_at - now).total_seconds()) + 1)
        super().__init__(
            f"Today's AI {what} quota of your plan is used up; it resets at midnight in your "
            f"time zone ({isoformat_z(resets_at)}, in {wait} seconds). Answers from your own "
            "data without a model stay available.",
            headers={"Retry-After": str(wait)},
        )


@dataclass(frozen=True)
class Allowance:
    """What a user may use today and has used."""

    plan: str  # the plan in force: the subscription, or free once it expired
    subscription: str  # the plan on the account
    day: date
    resets_at: datetime  # the next midnight of the user's zone, in UTC
    requests: int
    request_limit: int
    prompt_tokens: int
    completion_tokens: int
    token_limit: int
    offline_requests: int

    def as_json(self) -> dict[str, Any]:
        return {
            "plan": self.plan,
            "subscription": self.subscription,
            "day": self.day.isoformat(),
            "resetsAt": isoformat_z(self.resets_at),
            "requests": self.requests,
            "requestLimit": self.request_limit,
            "promptTokens": self.prompt_tokens,
            "completionTokens": self.completion_tokens,
            "tokens": self.prompt_tokens + self.completion_tokens,
            "tokenLimit": self.token_limit,
            "offlineRequests": self.offline_requests,
        }


def plan_of(user: dict[str, Any], now: datetime) -> str:
    """The plan in force: a paid plan whose `subscriptionExpiry` has passed is free again."""
    plan = str(user.get("subscription") or "free")
    expiry = user.get("subscriptionExpiry")
    expired = expiry is not None and datetime.fromisoformat(str(expiry)) <= now
    return plan if plan in PLANS and not expired else "free"


def _limits(settings: Settings, plan: str) -> tuple[int, int]:
    return (
        int(getattr(settings, f"ai_requests_per_day_{plan}")),
        int(getattr(settings, f"ai_tokens_per_day_{plan}")),
    )


def _today(user: dict[str, Any], now: datetime) -> tuple[date, datetime]:
    zone = user_zone(user)
    today = now.astimezone(zone).date()
    return today, day_start(today + timedelta(days=1), zone)


async def _row(tx: Tx, user_id: str, today: date) -> dict[str, Any] | None:
    c = codec(AI_USAGE.name, tx.dialect.name)
    found = await tx.one(
        f'SELECT {c.select_list} FROM "{AI_USAGE.name}" WHERE "userId" = :me AND "day" = :day',
        {"me": user_id, "day": c.bind("day", today.isoformat())},
    )
    return None if found is None else c.document(found)


async def allowance(tx: Tx, settings: Settings, user: dict[str, Any], now: datetime) -> Allowance:
    today, resets = _today(user, now)
    plan = plan_of(user, now)
    request_limit, token_limit = _limits(settings, plan)
    row = await _row(tx, user["_id"], today) or {}
    return Allowance(
        plan,
        str(user.get("subscription") or "free"),
        today,
        resets,
        int(row.get("requests", 0)),
        request_limit,
        int(row.get("promptTokens", 0)),
        int(row.get("completionTokens", 0)),
        token_limit,
        int(row.get("offlineRequests", 0)),
    )


async def _add(
    tx: Tx,
    user_id: str,
    today: date,
    increments: dict[str, int],
    condition: str = "",
    limits: dict[str, int] | None = None,
) -> bool:
    """Add to the user's row of `today` (made first at the day's first request) where
    `condition` holds, in one statement, so racing requests cannot both take the last one.
    Whether it did."""
    await crud.insert_server_row_once(
        tx, AI_USAGE, {"userId": user_id, "day": today.isoformat()}, unique=("userId", "day")
    )
    day = codec(AI_USAGE.name, tx.dialect.name).bind("day", today.isoformat())
    changed = await crud.update_server_rows(
        tx,
        AI_USAGE,
        f'"userId" = :me AND "day" = :day{condition}',
        {"me": user_id, "day": day, **(limits or {})},
        {},
        increments=increments,
    )
    return bool(changed)


async def take_request(
    tx: Tx, settings: Settings, user: dict[str, Any], now: datetime, *, offline: bool
) -> date:
    """Count one request of the user's today, or refuse it (429 with `Retry-After`) when the
    plan's requests or tokens for today are used up. Offline requests are counted, never
    refused. The day counted, for the tokens that follow (`add_tokens`)."""
    today, resets = _today(user, now)
    if offline:
        await _add(tx, user["_id"], today, {"offlineRequests": 1})
        return today
    request_limit, token_limit = _limits(settings, plan_of(user, now))
    taken = await _add(
        tx,
        user["_id"],
        today,
        {"requests": 1},
        ' AND "requests" < :requests AND "promptTokens" + "completionTokens" < :tokens',
        {"requests": request_limit, "tokens": token_limit},
    )
    if not taken:
        used = await allowance(tx, settings, user, now)
        raise QuotaExhausted("request" if used.requests >= request_limit else "token", resets, now)
    return today


async def add_tokens(tx: Tx, user_id: str, day: date, prompt: int, completion: int) -> None:
    if prompt or completion:
        await _add(tx, user_id, day, {"promptTokens": prompt, "completionTokens": completion})


async def counted_completion(
    ctx: AppContext,
    caller: Caller,
    provider: Provider,
    messages: Sequence[ChatMessage],
    max_tokens: int,
) -> str:
    """One whole answer of the model for a generator (cards, a quiz, a debate's reply): a
    request of the caller's quota taken first (429 past it), the tokens counted after. The
    quota's transactions are short: none is held while the model answers."""
    assert caller.user is not None and caller.id is not None
    async with ctx.store.write() as tx:
        day = await take_request(tx, ctx.settings, caller.user, utcnow(), offline=False)
    text, usage = await provider.complete(messages, max_tokens=max_tokens)
    async with ctx.store.write() as tx:
        await add_tokens(tx, caller.id, day, usage.prompt_tokens, usage.completion_tokens)
    return text
