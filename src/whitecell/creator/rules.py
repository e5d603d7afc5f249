"""Pure rules of the creator module (docs/creator.md): which platforms a row may name, the
board's pipeline and the histories an item keeps, and when publishing pays."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from whitecell.core.errors import ValidationFailed

# The spec's platforms (content_items.platform, content_templates.platforms).
PLATFORMS = ("instagram", "youtube", "tiktok", "twitter")


def known_platforms(field: str, names: Iterable[str]) -> list[str]:
    """`names` in lowercase, each once, in the order given; a 422 naming `field` and the allowed
    values if one is not a platform of the spec (compared case-insensitively)."""
    chosen: list[str] = []
    for name in names:
        lowered = name.strip().lower()
        if lowered not in PLATFORMS:
            raise ValidationFailed.field(
                field, f"{name!r} is not a platform; use one of: {', '.join(PLATFORMS)}"
            )
        if lowered not in chosen:
            chosen.append(lowered)
    return chosen


# -- the board ---------------------------------------------------------------------------------

# The columns of the board, in pipeline order (content_items.status).
PIPELINE = ("ideation", "scripting", "production", "publishing")
# The most entries `statusHistory` and `metricsHistory` keep (the oldest go first).
HISTORY_KEPT = 200


def status_change(status: str, at: str, via: str) -> dict[str, str]:
    """One `statusHistory` entry: the status entered, when, and how (create, move or edit)."""
    return {"status": status, "at": at, "via": via}


def moved_into_publishing(entry: dict[str, Any]) -> bool:
    return entry["status"] == "publishing" and entry["via"] == "move"


def published_through_board(item: dict[str, Any]) -> bool:
    """Whether the item was moved into `publishing` on the board after it was created: what the
    publishing XP pays for (docs/creator.md). An item created or edited into `publishing` was not.
    A row with no history at all dates from before revision 0012, when reaching `publishing` by
    any means paid: it keeps that while it stays there."""
    history = item.get("statusHistory") or []
    if not history:
        return item.get("status") == "publishing"
    return any(moved_into_publishing(entry) for entry in history)


def kept_history(history: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`history` cut to its last `HISTORY_KEPT` entries, always keeping the first move into
    `publishing` (the XP rests on it)."""
    if len(history) <= HISTORY_KEPT:
        return history
    first_move = next((e for e in history if moved_into_publishing(e)), None)
    tail = history[-HISTORY_KEPT:]
    if first_move is None or first_move in tail:
        return tail
    return [first_move, *tail[1:]]


def inserted_at(ids: list[str], item_id: str, position: int) -> list[str]:
    """A column's ids (in order, without `item_id`) with `item_id` placed at `position` (past
    the end: last)."""
    order = [i for i in ids if i != item_id]
    order.insert(min(max(position, 0), len(order)), item_id)
    return order


def metrics_point(metrics: dict[str, Any], at: str) -> dict[str, Any]:
    """One `metricsHistory` entry: the metrics as they were set, and when."""
    return {"at": at, **{k: metrics.get(k) for k in ("views", "likes", "comments", "shares")}}
