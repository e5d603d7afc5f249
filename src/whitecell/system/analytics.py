"""Analytics in batches and their aggregates (docs/operations.md, "Analytics").

`POST /api/v1/analytics/events` takes up to 500 events in one call, from anyone (counted per
client network, as the generated single-event route is). Each is stored with the caller's id
(none for anonymous clients), their network rather than their address and a reduced user agent
(`clients.py`), and counted in the day's rollups (`rollups.py`) in the same transaction. Events
are not user-visible documents: they write no change event, so a burst of them neither fills
the change log nor reaches realtime subscribers (`analytics` has `events=False`).

`GET /api/v1/analytics/summary` (administrators) answers active users per day, week and month,
events per module and per event, and retention by signup-week cohort, from the rollups.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Query, Response
from pydantic import Field

from whitecell.auth.dependencies import Context, OptionalCaller, SignedIn
from whitecell.core import crud
from whitecell.core.bodies import create_body
from whitecell.core.clock import isoformat_z, utcnow
from whitecell.core.context import AppContext
from whitecell.core.errors import Forbidden, ValidationFailed
from whitecell.core.openapi import SIGN_IN_OPTIONAL
from whitecell.core.permissions import Caller
from whitecell.core.ratelimit import Rule, client_network, counter_key, enforce
from whitecell.core.resources import json_response
from whitecell.core.schemas import WriteModel
from whitecell.core.transactions import Tx
from whitecell.core.types import parse_timestamp
from whitecell.system import rollups
from whitecell.system.clients import reduced_user_agent, truncated_ip
from whitecell.system.tables import ANALYTICS

router = APIRouter(prefix="/api/v1/analytics", tags=["system"])
MAX_EVENTS = 500
# An event's own time is kept when it is at most this far ahead of the server's clock (clock
# skew) and at most a week old (a client that buffered while offline); otherwise a 422.
AHEAD = timedelta(minutes=5)
OLDEST = timedelta(days=7)
MAX_DAYS = 366  # of a summary

if TYPE_CHECKING:
    AnalyticsEvent = WriteModel
else:
    AnalyticsEvent = create_body(ANALYTICS.name)


class EventBatch(WriteModel):
    events: list[AnalyticsEvent] = Field(min_length=1, max_length=MAX_EVENTS)


def event_time(sent: Any, now: datetime, index: int, *, field: str = "") -> datetime:
    """When an event happened: as sent, if within the last week (and not ahead of the clock);
    at the API's millisecond precision."""
    moment = now if sent is None else parse_timestamp(sent) if isinstance(sent, str) else sent
    moment = moment.replace(microsecond=moment.microsecond // 1000 * 1000)
    if sent is None:
        return moment
    if moment > now + AHEAD or moment < now - OLDEST:
        raise ValidationFailed.field(
            field or f"events.{index}.timestamp",
            "must be within the last 7 days (and not ahead of now)",
        )
    return moment


@router.post(
    "/events",
    status_code=201,
    summary="Send up to 500 analytics events",
    responses={429: {"description": "Too many calls from this network (`Retry-After`)."}},
    openapi_extra=SIGN_IN_OPTIONAL,
)
async def send_events(body: EventBatch, caller: OptionalCaller, ctx: Context) -> Response:
    """`201 {"stored": n}`. Anonymous clients may send too; calls are counted per network
    (`WHITECELL_RATE_ANALYTICS_IP`), whatever their size. One bad event refuses the batch (a
    `422` naming it, `events.3.timestamp`) and nothing of it is stored."""
    await _throttle(caller, ctx)
    now = utcnow()
    sent: list[Any] = list(body.events)
    moments = [event_time(e.timestamp, now, n) for n, e in enumerate(sent)]
    async with ctx.store.write() as tx:
        await store_events(tx, caller, sent, moments, ctx.settings.analytics_full_ip)
    return json_response({"stored": len(sent)}, 201)


@router.post(
    "",
    status_code=201,
    summary="Send one analytics event",
    responses={429: {"description": "Too many calls from this network (`Retry-After`)."}},
    openapi_extra=SIGN_IN_OPTIONAL,
)
async def send_event(body: AnalyticsEvent, caller: OptionalCaller, ctx: Context) -> Response:
    """The event as stored: `userId` the caller's (null when anonymous), `ipAddress` their
    network and `userAgent` reduced, as for a batch."""
    await _throttle(caller, ctx)
    event: Any = body
    moment = event_time(event.timestamp, utcnow(), 0, field="timestamp")
    async with ctx.store.write() as tx:
        rows = await store_events(tx, caller, [event], [moment], ctx.settings.analytics_full_ip)
        # Read back: the answer is the event as stored (a JSON number the database keeps as an
        # integer reads back as one), as a later GET shows it.
        stored = await crud.select_documents(
            tx, ANALYTICS.name, '"_id" = :id', {"id": rows[0]["_id"]}
        )
    return json_response(stored[0], 201)


async def _throttle(caller: Caller, ctx: AppContext) -> None:
    network = client_network(caller.ip or "unknown")
    key = counter_key(ctx.settings.secret, "create:analytics", network)
    await enforce(ctx.limiter, Rule(key, *ctx.settings.rate_analytics_ip))


async def store_events(
    tx: Tx, caller: Caller, events: list[Any], moments: list[datetime], full_ip: bool
) -> list[dict[str, Any]]:
    """Insert the events (no change events: one statement run for them all) and count them in
    the rollups; returns the rows as stored."""
    address = (caller.ip or None) if full_ip else truncated_ip(caller.ip)
    agent = reduced_user_agent(caller.user_agent)
    rows = []
    for event, moment in zip(events, moments, strict=True):
        sent = event.model_dump(mode="json", exclude_unset=True)
        rows.append({
            "userId": caller.id,
            "event": sent["event"],
            "module": sent.get("module"),
            "metadata": sent.get("metadata") or {},
            "timestamp": isoformat_z(moment),
            "sessionId": sent.get("sessionId"),
            "ipAddress": address,
            "userAgent": agent,
        })  # fmt: skip
    stored = await crud.insert_server_rows(tx, ANALYTICS, rows)
    counted = zip(moments, stored, strict=True)
    await rollups.count_events(
        tx, ((moment, row["event"], row["module"], caller.id) for moment, row in counted)
    )
    return stored


@router.get("/summary", summary="Active users, events per module and type, retention (admins)")
async def summary(
    caller: SignedIn,
    ctx: Context,
    from_: Annotated[date, Query(alias="from")],
    to: Annotated[date, Query()],
    weeks: Annotated[int, Query(ge=0, le=52)] = 12,
) -> Response:
    """Over the UTC days `from` to `to` (at most 366): distinct active users (signed-in users
    who sent an event) per day, ISO week (by its Monday) and month; events per module and per
    event (the 100 most frequent); and for each week of signups in the range, how many of those
    users were active that week and each of the `weeks` weeks after."""
    if not caller.is_admin:
        raise Forbidden("Only administrators read analytics.")
    if to < from_:
        raise ValidationFailed.field("to", "is before from")
    if (to - from_).days >= MAX_DAYS:
        raise ValidationFailed.field("to", f"is more than {MAX_DAYS} days after from")
    async with ctx.store.read() as tx:
        active = await rollups.active_users(tx, from_, to)
        modules = await rollups.event_counts(tx, from_, to, "module")
        events = await rollups.event_counts(tx, from_, to, "event")
        cohorts = await rollups.retention(tx, from_, to, weeks)
    return json_response(
        {
            "from": from_.isoformat(),
            "to": to.isoformat(),
            "activeUsers": active,
            "byModule": modules,
            "byEvent": events,
            "retention": cohorts,
        }
    )
