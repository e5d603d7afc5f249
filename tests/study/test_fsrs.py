"""FSRS as a per-user scheduler: the library's own schedule, kept beside SM-2's fields, and
switching schedulers keeps the card's history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fsrs import Card, Rating, Scheduler

from tests.samples import sample_body
from tests.support import Api, ClientFactory, person
from whitecell.study.scheduling import review_card, review_card_fsrs

T0 = datetime(2024, 1, 1, tzinfo=UTC)


def _new_card() -> dict[str, Any]:
    return {
        "_id": "card-1",
        "easeFactor": 2.5,
        "interval": 1,
        "reviewCount": 0,
        "reviewHistory": [],
        "fsrsState": None,
    }


def test_the_reference_s_fsrs_sequence() -> None:
    """domain-rules.md §2.4: Good, Good (+10 min) → +2 d; Good → +11 d; Good → +46 d;
    Again → relearning +10 min; Good → +3 d (no fuzz)."""
    card, when, seen = _new_card(), T0, []
    for grade, wait in [(4, None), (4, "due"), (4, "due"), (4, "due"), (1, "due"), (4, "due")]:
        if wait == "due":
            when = datetime.fromisoformat(card["nextReviewDate"])
        card = {**card, **review_card_fsrs(card, grade, 5.0, when, fuzzing=False)}
        seen.append((datetime.fromisoformat(card["nextReviewDate"]) - when, card["status"]))
    assert seen == [
        (timedelta(minutes=10), "learning"),
        (timedelta(days=2), "review"),
        (timedelta(days=11), "review"),
        (timedelta(days=46), "mastered"),
        (timedelta(minutes=10), "learning"),
        (timedelta(days=3), "review"),
    ]
    assert card["fsrsState"]["reviews"] == 6


@pytest.mark.parametrize("grades", [[4, 4, 3, 5, 1, 4], [5, 5, 5], [0, 2, 3, 4, 4, 4, 4]])
def test_each_step_is_the_library_s_own_answer(grades: list[int]) -> None:
    scheduler = Scheduler(enable_fuzzing=False)
    theirs = Card(card_id=1)
    card, when = _new_card(), T0
    for grade in grades:
        card = {**card, **review_card_fsrs(card, grade, 3.0, when, fuzzing=False)}
        rating = Rating({0: 1, 1: 1, 2: 1, 3: 2, 4: 3, 5: 4}[grade])
        theirs, _ = scheduler.review_card(theirs, rating, review_datetime=when)
        ours = card["fsrsState"]["card"]
        assert ours["stability"] == pytest.approx(theirs.stability)
        assert ours["difficulty"] == pytest.approx(theirs.difficulty)
        assert card["nextReviewDate"][:19] == theirs.due.isoformat()[:19]
        when = theirs.due + timedelta(hours=1)


def test_switching_from_sm2_replays_the_history_into_fsrs() -> None:
    card, when = _new_card(), T0
    for grade in (4, 4, 5):
        card = {**card, **review_card(card, grade, 3.0, when)}
        when = datetime.fromisoformat(card["nextReviewDate"])
    switched = {**card, **review_card_fsrs(card, 4, 3.0, when, fuzzing=False)}
    assert len(switched["reviewHistory"]) == 4
    scheduler = Scheduler(enable_fuzzing=False)
    replayed = Card(card_id=1)
    for item in switched["reviewHistory"]:
        rating = Rating({3: 2, 4: 3, 5: 4}[item["quality"]])
        moment = datetime.fromisoformat(item["date"])
        replayed, _ = scheduler.review_card(replayed, rating, review_datetime=moment)
    assert switched["fsrsState"]["card"]["stability"] == pytest.approx(replayed.stability)
    # And back: SM-2 carries on from its own fields and the same history.
    back = {**switched, **review_card(switched, 4, 3.0, when + timedelta(days=30))}
    assert len(back["reviewHistory"]) == 5 and back["easeFactor"] == switched["easeFactor"]


async def test_a_user_who_chooses_fsrs_gets_fsrs_schedules(make_client: ClientFactory) -> None:
    client = await make_client(fsrs_fuzzing=False)
    context = client.app.state.context  # type: ignore[attr-defined]
    ada = await person(context, "ada@example.com")
    api = Api(client, context, ada, ada, ada)
    response = await client.patch(
        "/api/v1/users/me", json={"scheduler": "fsrs"}, headers=ada.headers
    )
    assert response.json()["scheduler"] == "fsrs"
    card = await api.create(ada, "flashcards", sample_body("flashcards"))
    reviewed = (
        await client.post(
            f"/api/v1/flashcards/{card['_id']}/review", json={"quality": 5}, headers=ada.headers
        )
    ).json()
    # Easy on a new card: FSRS graduates it straight to review, 8 days out (SM-2 would say 1).
    assert (reviewed["status"], reviewed["interval"]) == ("review", 8)
    assert reviewed["fsrsState"]["card"]["stability"] == pytest.approx(8.2956)
    bad = await client.patch("/api/v1/users/me", json={"scheduler": "anki"}, headers=ada.headers)
    assert bad.status_code == 422
