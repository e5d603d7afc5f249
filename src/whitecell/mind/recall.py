"""Scoring a memory palace drill, pure (docs/mind.md, "Memory palaces"): how an answer is
compared with an item, and how one location's answers are scored.

- Compared as written loosely: case, accents and other diacritics, punctuation, runs of white
  space and a leading article ("a", "an", "the") do not count ("The Café!" is "cafe").
- An item may carry its image after a colon ("Hydrogen (H): a fire hydrant in the doorway"): the
  part before the colon, without its parentheses, is what is recalled ("hydrogen"); the whole
  item is accepted too.
- Spelling: a few slips are forgiven, by the length of what is recalled (after the above): up
  to 3 characters, none; 4 to 7, one; 8 or more, two. A slip is one character inserted, deleted,
  replaced, or two neighbours swapped (optimal string alignment distance).
- Order: an answer in the item's own place is `correct` (1 point); the right item in another
  place of the same location is `misplaced` (half a point); anything else is `wrong`, and an item
  nobody named is `missed`. Answers beyond the location's items are `extra` and cost nothing.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any

ARTICLES = ("a", "an", "the")
POINTS = {"correct": 1.0, "misplaced": 0.5, "wrong": 0.0, "missed": 0.0}


def normalized(text: str) -> str:
    """`text` as answers are compared: no case, diacritics, punctuation or leading article."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    words = re.sub(r"[\W_]+", " ", bare).split()
    if len(words) > 1 and words[0] in ARTICLES:
        words = words[1:]
    return " ".join(words)


def recalled_forms(item: str) -> tuple[str, ...]:
    """The ways an item may be recalled, normalised: the whole item, and the part before a colon
    without its parentheses."""
    forms = [normalized(item)]
    head, colon, _ = item.partition(":")
    if colon:
        forms.append(normalized(re.sub(r"\([^)]*\)", " ", head)))
    return tuple(form for form in dict.fromkeys(forms) if form)


def slips_allowed(length: int) -> int:
    """The spelling slips forgiven in a recalled text of `length` characters."""
    return 0 if length <= 3 else 1 if length <= 7 else 2


def slips(a: str, b: str, limit: int) -> int:
    """The optimal string alignment distance of `a` and `b`, or `limit + 1` once it exceeds
    `limit` (rows cut short: answers are short, items a few words)."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], before[j - 2] + 1)
        if min(current) > limit and min(previous) > limit:  # a swap reaches back two rows
            return limit + 1
        before, previous = previous, current
    return min(previous[-1], limit + 1)


def matches(answer: str, item: str) -> int | None:
    """The slips by which `answer` recalls `item` (0: exactly), or None if it does not."""
    given = normalized(answer)
    if not given:
        return None
    found = [
        distance
        for form in recalled_forms(item)
        if (distance := slips(given, form, slips_allowed(len(form)))) <= slips_allowed(len(form))
    ]
    return min(found) if found else None


@dataclass(frozen=True)
class Verdict:
    position: int  # the item's place in the location (or the answer's, for an extra answer)
    expected: str | None  # the item, None for an extra answer
    answer: str | None  # what was answered in its place (or for it, when misplaced)
    verdict: str  # correct, misplaced, wrong, missed, extra
    exact: bool  # recalled without a slip

    def as_json(self) -> dict[str, Any]:
        return {
            "position": self.position,
            "expected": self.expected,
            "answer": self.answer,
            "verdict": self.verdict,
            "exact": self.exact,
        }


def score_location(items: list[str], answers: list[str]) -> tuple[list[Verdict], float]:
    """Each item's verdict (then the extra answers') and the points earned (see the module)."""
    slips_at: dict[int, int] = {}
    for place, (item, answer) in enumerate(zip(items, answers, strict=False)):
        found = matches(answer, item)
        if found is not None:
            slips_at[place] = found
    # The answers not in their place may name another item still unclaimed: nearest first.
    left = [place for place in range(len(answers)) if place not in slips_at]
    open_items = [place for place in range(len(items)) if place not in slips_at]
    candidates = sorted(
        (found, answer_place, item_place)
        for answer_place in left
        for item_place in open_items
        if (found := matches(answers[answer_place], items[item_place])) is not None
    )
    moved: dict[int, tuple[int, int]] = {}  # item place: (answer place, slips)
    used: set[int] = set()
    for found, answer_place, item_place in candidates:
        if item_place not in moved and answer_place not in used:
            moved[item_place] = (answer_place, found)
            used.add(answer_place)
    verdicts: list[Verdict] = []
    for place, item in enumerate(items):
        if place in slips_at:
            verdicts.append(Verdict(place, item, answers[place], "correct", slips_at[place] == 0))
        elif place in moved:
            answer_place, found = moved[place]
            verdicts.append(Verdict(place, item, answers[answer_place], "misplaced", found == 0))
        elif place < len(answers) and normalized(answers[place]) and place not in used:
            verdicts.append(Verdict(place, item, answers[place], "wrong", False))
        else:
            verdicts.append(Verdict(place, item, None, "missed", False))
    for place in range(len(items), len(answers)):
        if place not in used and normalized(answers[place]):
            verdicts.append(Verdict(place, None, answers[place], "extra", False))
    points = sum(POINTS.get(v.verdict, 0.0) for v in verdicts)
    return verdicts, points


def location_result(
    location: dict[str, Any], answers: list[str]
) -> tuple[dict[str, Any], int, int]:
    """One location of a palace (`id`, `name`, `items`) scored against `answers`: the result a
    drill keeps (`locationId`, `name`, `items` with their verdicts, `points`), and how many items
    were correct and misplaced."""
    verdicts, points = score_location(location["items"], answers)
    result = {
        "locationId": location["id"],
        "name": location["name"],
        "items": [verdict.as_json() for verdict in verdicts],
        "points": points,
    }
    correct = sum(v.verdict == "correct" for v in verdicts)
    return result, correct, sum(v.verdict == "misplaced" for v in verdicts)


def finished_drill(drill: dict[str, Any], started: datetime, now: datetime) -> dict[str, Any]:
    """The fields that close a drill whose last location is answered: its items (those asked,
    whatever the palace became meanwhile), its score in percent, when and how long."""
    total = sum(1 for r in drill["results"] for item in r["items"] if item["expected"] is not None)
    return {
        "status": "finished",
        "finishedAt": now,
        "durationSeconds": max(0, int((now - started).total_seconds())),
        "itemsTotal": total,
        "score": round(100 * drill["points"] / total, 1) if total else 0.0,
    }
