"""Progress photos side by side (docs/fitness.md, "Progress photos"): the photo of one angle
nearest on or before each of two days, and the weight change between them. The upload itself is
the storage layer's (`core/uploads.py`, `core/images.py`)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response

from whitecell.auth.dependencies import Context, SignedIn
from whitecell.core.crud import select_documents
from whitecell.core.documents import codec
from whitecell.core.errors import ValidationFailed
from whitecell.core.resources import json_response
from whitecell.core.transactions import Tx
from whitecell.fitness.body import DECIMALS
from whitecell.fitness.trends import convert_mass

router = APIRouter(prefix="/api/v1/progress_photos", tags=["fitness"])

Angle = Literal["front", "side", "back", "flexed"]


async def _nearest(tx: Tx, table: str, where: str, params: dict[str, Any], day: date) -> Any:
    """The user's latest row of `table` on or before `day` matching `where`, or None."""
    c = codec(table, tx.dialect.name)
    rows = await select_documents(
        tx,
        table,
        f'"userId" = :me AND "date" <= :day{where}',
        {**params, "day": c.bind("date", day.isoformat())},
        'ORDER BY "date" DESC, "_id" DESC LIMIT 1',
    )
    return rows[0] if rows else None


async def _weighed(tx: Tx, me: str, photo: dict[str, Any] | None) -> dict[str, Any] | None:
    """The latest measurement on or before the photo's day."""
    if photo is None:
        return None
    day = date.fromisoformat(str(photo["date"]))
    found: dict[str, Any] | None = await _nearest(tx, "measurements", "", {"me": me}, day)
    return found


def weight_change(
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    weighed: tuple[dict[str, Any] | None, dict[str, Any] | None],
) -> tuple[float | None, str | None]:
    """From the measurements on or before each photo's day (in the later one's unit), else
    from the two photos' own `weight` (in whatever unit they were written)."""
    first, last = weighed
    if first is not None and last is not None and first["_id"] != last["_id"]:
        start = convert_mass(float(first["weight"]), first["unit"], last["unit"])
        if start is not None:
            return round(float(last["weight"]) - start, DECIMALS), str(last["unit"])
    if before and after and before.get("weight") is not None and after.get("weight") is not None:
        return round(float(after["weight"]) - float(before["weight"]), DECIMALS), None
    if first is not None and last is not None:
        return 0.0, str(last["unit"])
    return None, None


@router.get("/compare", summary="Two of my progress photos of one angle, and the change between")
async def compare(
    caller: SignedIn,
    ctx: Context,
    angle: Annotated[Angle, Query()],
    start: Annotated[date, Query(alias="from")],
    end: Annotated[date, Query(alias="to")],
) -> Response:
    """`from` and `to`: the photo of `angle` nearest on or before each day (null when there is
    none), `days` between them, and `weightChange` (later minus earlier) with its `unit`: from
    the measurements on or before each photo's day, else from the photos' own `weight` (then
    `unit` is null). Each photo's files open through its `imageUrl` and `thumbnailUrl` (with the
    token) or a signed link (`POST /api/v1/progress_photos/{id}/image/link`)."""
    if start > end:
        raise ValidationFailed.field("from", "must be on or before `to`")
    me = str(caller.id)
    async with ctx.store.read() as tx:
        where, params = " AND angle = :angle", {"me": me, "angle": angle}
        before = await _nearest(tx, "progress_photos", where, params, start)
        after = await _nearest(tx, "progress_photos", where, params, end)
        weighed = (await _weighed(tx, me, before), await _weighed(tx, me, after))
    change, unit = weight_change(before, after, weighed) if before and after else (None, None)
    days = None
    if before and after:
        days = (date.fromisoformat(after["date"]) - date.fromisoformat(before["date"])).days
    payload = {
        "angle": angle,
        "from": before,
        "to": after,
        "days": days,
        "weightChange": change,
        "unit": unit,
    }
    return json_response(payload)
