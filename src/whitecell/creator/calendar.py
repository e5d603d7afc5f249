"""The content calendar: a month of due and scheduled items, by day in the user's time zone
(docs/creator.md, "Calendar")."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from whitecell.auth.dependencies import Context, SignedIn
from whitecell.core import crud
from whitecell.core.clock import day_start, user_zone
from whitecell.core.documents import codec
from whitecell.core.errors import ValidationFailed
from whitecell.core.resources import json_response

router = APIRouter(prefix="/api/v1/content_items", tags=["creator"])


def _month(text: str) -> tuple[date, date]:
    """The first day of the month `YYYY-MM` and of the month after; a 422 on `month` otherwise."""
    try:
        first = datetime.strptime(text, "%Y-%m").date()
    except ValueError:
        raise ValidationFailed.field("month", "must be a month as YYYY-MM") from None
    if not 2 <= first.year <= 9998:  # a day's bounds in any zone stay inside datetime's range
        raise ValidationFailed.field("month", "must be between 0002-01 and 9998-12")
    after = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return first, after


@router.get("/calendar", summary="My content items due or scheduled in a month, by day")
async def calendar(
    caller: SignedIn,
    ctx: Context,
    month: Annotated[str, Query(pattern=r"^[0-9]{4}-[0-9]{2}$", examples=["2026-12"])],
) -> Response:
    """`days`: each day of `month` (in the user's time zone) with items, oldest first, each
    `{date, due, scheduled}`: items whose `dueDate` is that day, and items whose `scheduledDate`
    falls on that local day."""
    first, after = _month(month)
    zone = user_zone(caller.user)
    async with ctx.store.read() as tx:
        c = codec("content_items", tx.dialect.name)
        params = {
            "me": caller.id,
            "first": c.bind("dueDate", first.isoformat()),
            "after": c.bind("dueDate", after.isoformat()),
            "start": tx.store.bind_timestamp(day_start(first, zone)),
            "end": tx.store.bind_timestamp(day_start(after, zone)),
        }
        items = await crud.select_documents(
            tx,
            "content_items",
            '"userId" = :me AND (("dueDate" >= :first AND "dueDate" < :after) '
            'OR ("scheduledDate" >= :start AND "scheduledDate" < :end))',
            params,
            'ORDER BY "_id"',
        )
    days: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(
        lambda: {"due": [], "scheduled": []}
    )
    for item in items:
        due = item.get("dueDate")
        if due is not None and first.isoformat() <= due < after.isoformat():
            days[due]["due"].append(item)
        scheduled = item.get("scheduledDate")
        if scheduled is not None:
            local = datetime.fromisoformat(scheduled).astimezone(zone).date()
            if first <= local < after:
                days[local.isoformat()]["scheduled"].append(item)
    return json_response(
        {
            "month": month,
            "timezone": str(zone),
            "days": [{"date": day, **days[day]} for day in sorted(days)],
        }
    )
