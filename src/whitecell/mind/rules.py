"""Pure rules of the mind module: what a caller sees of a shared quote (docs/api.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from whitecell.core.permissions import Caller


def present_quote(quote: dict[str, Any], caller: Caller) -> dict[str, Any]:
    """`savedBy` would list everyone who saved a quote: each user sees only whether they did."""
    if caller.is_admin:
        return quote
    mine = [caller.id] if caller.id in quote["savedBy"] else []
    return {**quote, "savedBy": mine}
