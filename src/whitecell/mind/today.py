"""Mind's part of the home screen (home/router.py): the Stoic quote of the user's day, as
`GET /api/v1/stoic_quotes/daily` answers it (docs/mind.md, "Stoic wisdom")."""

from __future__ import annotations

from datetime import date
from typing import Any

from whitecell.core.crud import get
from whitecell.core.errors import NotFound
from whitecell.core.permissions import Caller
from whitecell.core.transactions import Tx
from whitecell.mind.quotes import daily_view, todays_pick
from whitecell.mind.tables import STOIC_QUOTES


async def today_summary(tx: Tx, user: dict[str, Any], day: date) -> dict[str, Any]:
    """`quote`: the day's quote, whether I saved it and its reflection prompt (null when the
    corpus is empty)."""
    caller = Caller(user, "", None)
    try:
        pick = await todays_pick(tx, day)
    except NotFound:
        return {"quote": None}
    quote = await get(tx, STOIC_QUOTES, caller, pick.quote_id)
    return {"quote": daily_view(caller, quote, pick, day)}
