"""Spaced repetition: SM-2 exactly as `supermemo2` 3.0.1 computes it, and FSRS through py-fsrs
as a per-user alternative (docs/study.md).

Reading A of the reference (domain-rules.md §1.2): the interval uses the E-Factor from before this
review's update; a fraction rounds up; the E-Factor is updated after every grade, failures
included, and never falls below 1.3; a grade below 3 restarts the repetitions.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from whitecell.core.clock import isoformat_z

MIN_EASE = 1.3
START_EASE = 2.5
PASS = 3  # grades 3-5 are recalled, 0-2 are lapses
# Status thresholds (docs/study.md): `learning` until two successful repetitions in a row,
# `review` after, `mastered` once the interval reaches three weeks (Anki's "mature" cards).
REVIEW_AFTER = 2
MASTERED_DAYS = 21


@dataclass(frozen=True)
class Sm2State:
    ease: float = START_EASE
    interval: int = 0
    repetitions: int = 0  # successful repetitions since the last lapse


def sm2(state: Sm2State, quality: int) -> Sm2State:
    """One review: the new E-Factor, interval (days) and repetition count."""
    if quality < PASS:
        interval, repetitions = 1, 0
    else:
        if state.repetitions == 0:
            interval = 1
        elif state.repetitions == 1:
            interval = 6
        else:
            interval = math.ceil(state.interval * state.ease)
        repetitions = state.repetitions + 1
    lapse = 5 - quality
    ease = max(MIN_EASE, state.ease + (0.1 - lapse * (0.08 + lapse * 0.02)))
    return Sm2State(ease, interval, repetitions)


def repetitions_of(history: Sequence[dict[str, Any]]) -> int:
    """SM-2's n: the trailing run of passing grades (not `reviewCount`, which counts lapses)."""
    count = 0
    for item in reversed(history):
        if item["quality"] < PASS:
            break
        count += 1
    return count


def status_of(state: Sm2State) -> str:
    if state.repetitions < REVIEW_AFTER:
        return "learning"
    return "mastered" if state.interval >= MASTERED_DAYS else "review"


def review_card(
    card: dict[str, Any], quality: int, time_spent: float, reviewed_at: datetime
) -> dict[str, Any]:
    """The card's scheduler fields after a review at `reviewed_at` (an aware datetime)."""

    history = list(card.get("reviewHistory") or [])
    before = Sm2State(
        card["easeFactor"], card["interval"] if history else 0, repetitions_of(history)
    )
    after = sm2(before, quality)
    moment = isoformat_z(reviewed_at)
    history.append(
        {
            "date": moment,
            "quality": quality,
            "easeFactor": after.ease,
            "interval": after.interval,
            "timeSpent": time_spent,
        }
    )
    return {
        "easeFactor": after.ease,
        "interval": after.interval,
        "reviewCount": card["reviewCount"] + 1,
        "lastReviewDate": moment,
        "nextReviewDate": isoformat_z(reviewed_at + timedelta(days=after.interval)),
        "reviewHistory": history,
        "status": status_of(after),
    }


# -- FSRS (py-fsrs), a per-user alternative ---------------------------------------------------

# SM-2's six grades on FSRS's four buttons: every failure is Again (docs/study.md).
FSRS_RATING = {0: 1, 1: 1, 2: 1, 3: 2, 4: 3, 5: 4}  # Again=1, Hard=2, Good=3, Easy=4


@lru_cache(maxsize=2)
def fsrs_scheduler(fuzzing: bool) -> Any:
    from fsrs import Scheduler

    return Scheduler(enable_fuzzing=fuzzing)


def _fsrs_id(card_id: str) -> int:
    return int.from_bytes(hashlib.sha256(card_id.encode()).digest()[:6], "big")


def _fsrs_card(card: dict[str, Any], scheduler: Any) -> Any:
    """The card's FSRS memory: as stored when it reflects the whole history, otherwise rebuilt
    by replaying `reviewHistory` (how switching from SM-2 keeps what the card has been through)."""
    from fsrs import Card, Rating

    history = card.get("reviewHistory") or []
    stored = card.get("fsrsState")
    if stored and stored.get("reviews") == len(history):
        return Card.from_dict(stored["card"])
    memory = Card(card_id=_fsrs_id(card["_id"]))
    for item in history:
        moment = datetime.fromisoformat(item["date"]).astimezone(UTC)
        memory, _ = scheduler.review_card(
            memory, Rating(FSRS_RATING[item["quality"]]), review_datetime=moment
        )
    return memory


def review_card_fsrs(
    card: dict[str, Any],
    quality: int,
    time_spent: float,
    reviewed_at: datetime,
    *,
    fuzzing: bool = True,
) -> dict[str, Any]:
    """The card after a review scheduled by FSRS; SM-2's `easeFactor` is left as it was."""
    from fsrs import Rating, State

    scheduler = fsrs_scheduler(fuzzing)
    memory = _fsrs_card(card, scheduler)
    reviewed_at = reviewed_at.astimezone(UTC)
    memory, _ = scheduler.review_card(
        memory,
        Rating(FSRS_RATING[quality]),
        review_datetime=reviewed_at,
        review_duration=round(time_spent * 1000),
    )
    interval = max(0, (memory.due - reviewed_at).days)  # learning steps are minutes: 0 days
    if memory.state == State.Review:
        status = "mastered" if interval >= MASTERED_DAYS else "review"
    else:
        status = "learning"
    moment = isoformat_z(reviewed_at)
    history = [
        *(card.get("reviewHistory") or []),
        {
            "date": moment,
            "quality": quality,
            "easeFactor": card["easeFactor"],
            "interval": interval,
            "timeSpent": time_spent,
        },
    ]
    return {
        "interval": interval,
        "reviewCount": card["reviewCount"] + 1,
        "lastReviewDate": moment,
        "nextReviewDate": isoformat_z(memory.due),
        "reviewHistory": history,
        "status": status,
        "fsrsState": {"card": memory.to_dict(), "reviews": len(history)},
    }
