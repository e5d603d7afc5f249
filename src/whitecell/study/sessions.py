"""Study time statistics from `study_sessions` (docs/study.md)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Response

from whitecell.auth.dependencies import Context, SignedIn
from whitecell.core.clock import utcnow
from whitecell.core.documents import codec
from whitecell.core.resources import json_response

router = APIRouter(prefix="/api/v1/study_sessions", tags=["study"])


@router.get("/stats", summary="Minutes studied per subject, day and week; a year's heat-map")
async def stats(
    caller: SignedIn,
    ctx: Context,
    days: Annotated[int, Query(ge=1, le=366)] = 365,
) -> Response:
    """Over the last `days` days (in the user's time zone, today included): minutes per subject
    per day and per ISO week, totals per subject, and `heatmap`: every day with its minutes."""
    zone = ZoneInfo((caller.user or {}).get("timezone") or "UTC")
    today = utcnow().astimezone(zone).date()
    first = today - timedelta(days=days - 1)
    async with ctx.store.read() as tx:
        c = codec("study_sessions", tx.dialect.name)
        rows = await tx.all(
            'SELECT "date", subject, duration FROM study_sessions '
            'WHERE "userId" = :me AND "date" >= :first AND "date" <= :today',
            {
                "me": caller.id,
                "first": c.bind("date", first.isoformat()),
                "today": c.bind("date", today.isoformat()),
            },
        )
    per_day: dict[tuple[str, str], int] = defaultdict(int)
    per_week: dict[tuple[str, str], int] = defaultdict(int)
    per_subject: dict[str, int] = defaultdict(int)
    heat: dict[str, int] = defaultdict(int)
    for day_value, subject, minutes in rows:
        day = day_value if isinstance(day_value, date) else date.fromisoformat(str(day_value))
        year, week, _ = day.isocalendar()
        per_day[(day.isoformat(), subject)] += int(minutes)
        per_week[(f"{year}-W{week:02d}", subject)] += int(minutes)
        per_subject[subject] += int(minutes)
        heat[day.isoformat()] += int(minutes)
    every_day = [(first + timedelta(days=n)).isoformat() for n in range(days)]
    heatmap = [{"date": d, "minutes": heat.get(d, 0)} for d in every_day]
    payload: dict[str, Any] = {
        "from": first.isoformat(),
        "to": today.isoformat(),
        "subjects": [
            {"subject": s, "minutes": m}
            for s, m in sorted(per_subject.items(), key=lambda i: -i[1])
        ],
        "days": [{"date": d, "subject": s, "minutes": m} for (d, s), m in sorted(per_day.items())],
        "weeks": [
            {"week": w, "subject": s, "minutes": m} for (w, s), m in sorted(per_week.items())
        ],
        "heatmap": heatmap,
        "studyDays": sum(1 for minutes in heat.values() if minutes > 0),
    }
    return json_response(payload)
