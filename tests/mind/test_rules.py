"""Mind rules, called directly: what each caller sees of a shared stoic quote's `savedBy`."""

from __future__ import annotations

from typing import Any

from whitecell.core.permissions import Caller
from whitecell.mind.rules import present_quote

QUOTE: dict[str, Any] = {
    "_id": "q1",
    "quote": "The impediment to action advances action.",
    "author": "Marcus Aurelius",
    "savedBy": ["ann", "bob"],
}


def caller(user_id: str | None, role: str = "user") -> Caller:
    return Caller({"_id": user_id, "role": role} if user_id else None)


def test_someone_who_saved_the_quote_sees_only_themselves() -> None:
    assert present_quote(QUOTE, caller("bob"))["savedBy"] == ["bob"]


def test_someone_who_did_not_save_it_sees_nobody() -> None:
    assert present_quote(QUOTE, caller("cat"))["savedBy"] == []


def test_an_anonymous_reader_sees_nobody() -> None:
    assert present_quote(QUOTE, caller(None))["savedBy"] == []


def test_an_administrator_sees_everyone_who_saved_it() -> None:
    assert present_quote(QUOTE, caller("root", role="admin")) == QUOTE


def test_the_rest_of_the_quote_is_shown_as_stored_and_the_stored_one_is_untouched() -> None:
    shown = present_quote(QUOTE, caller("ann"))
    assert {k: v for k, v in shown.items() if k != "savedBy"} == {
        k: v for k, v in QUOTE.items() if k != "savedBy"
    }
    assert QUOTE["savedBy"] == ["ann", "bob"]
