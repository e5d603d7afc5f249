"""Reviewing flashcards through the API and the daily review queue, on both databases."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.samples import sample_body
from tests.support import Api, Person
from whitecell.core.clock import isoformat_z


async def _card(api: Api, who: Person, **fields: Any) -> dict[str, Any]:
    return await api.create(who, "flashcards", sample_body("flashcards", **fields))


async def _review(api: Api, who: Person, card_id: str, **body: Any) -> Any:
    return await api.client.post(
        f"/api/v1/flashcards/{card_id}/review", json=body, headers=who.headers
    )


async def test_a_review_moves_the_schedule_in_one_step(api: Api) -> None:
    card = await _card(api, api.a)
    assert (card["status"], card["reviewCount"], card["reviewHistory"]) == ("new", 0, [])
    before = datetime.now(UTC)
    before = before.replace(microsecond=before.microsecond // 1000 * 1000)  # the API speaks ms
    response = await _review(api, api.a, card["_id"], quality=4, timeSpent=7.5)
    assert response.status_code == 200, response.text
    assert int(response.headers["X-Change-Seq"]) > 0
    reviewed = response.json()
    assert (reviewed["interval"], reviewed["easeFactor"], reviewed["reviewCount"]) == (1, 2.5, 1)
    assert reviewed["status"] == "learning"
    [item] = reviewed["reviewHistory"]
    assert (item["quality"], item["timeSpent"], item["interval"]) == (4, 7.5, 1)
    due = datetime.fromisoformat(reviewed["nextReviewDate"])
    assert timedelta(days=1) <= due - before < timedelta(days=1, seconds=5)
    assert reviewed["lastReviewDate"] == item["date"]
    stored = (await api.get(api.a, f"flashcards/{card['_id']}")).json()
    assert stored == reviewed


async def test_status_goes_learning_review_and_back_on_a_lapse(api: Api) -> None:
    card = await _card(api, api.a)
    statuses = []
    for quality in (5, 5, 5, 1):
        statuses.append((await _review(api, api.a, card["_id"], quality=quality)).json()["status"])
    assert statuses == ["learning", "review", "review", "learning"]


async def test_bad_grades_and_other_people_s_cards_are_refused(api: Api) -> None:
    card = await _card(api, api.a)
    for body in ({"quality": 6}, {"quality": -1}, {"quality": "4"}, {"quality": 4, "x": 1}, {}):
        response = await _review(api, api.a, card["_id"], **body)
        assert response.status_code == 422, body
    assert (await _review(api, api.b, card["_id"], quality=4)).status_code == 404
    assert (
        await api.client.post(f"/api/v1/flashcards/{card['_id']}/review", json={"quality": 4})
    ).status_code == 401
    unchanged = (await api.get(api.a, f"flashcards/{card['_id']}")).json()
    assert unchanged["reviewCount"] == 0
    direct = await api.client.patch(
        f"/api/v1/flashcards/{card['_id']}", json={"interval": 30}, headers=api.a.headers
    )
    assert direct.status_code == 422  # the schedule moves only through reviews


async def test_concurrent_reviews_are_applied_one_on_top_of_the_other(api: Api) -> None:
    card = await _card(api, api.a)
    responses = await asyncio.gather(
        *(_review(api, api.a, card["_id"], quality=5) for _ in range(4))
    )
    assert all(r.status_code == 200 for r in responses)
    stored = (await api.get(api.a, f"flashcards/{card['_id']}")).json()
    assert stored["reviewCount"] == 4 and len(stored["reviewHistory"]) == 4
    assert [i["interval"] for i in stored["reviewHistory"]] == [1, 6, 17, 48]


async def test_a_stale_double_submit_is_refused(api: Api) -> None:
    card = await _card(api, api.a)
    first, second = await asyncio.gather(
        _review(api, api.a, card["_id"], quality=4, expectedReviewCount=0),
        _review(api, api.a, card["_id"], quality=4, expectedReviewCount=0),
    )
    assert sorted([first.status_code, second.status_code]) == [200, 409]
    stored = (await api.get(api.a, f"flashcards/{card['_id']}")).json()
    assert stored["reviewCount"] == 1


async def _age(api: Api, card_id: str, due: datetime) -> None:
    """Move a card's due date (as if reviewed long ago): the server owns the field."""
    async with api.context.store.write() as tx:
        await tx.execute(
            'UPDATE flashcards SET "nextReviewDate" = :due, status = :status WHERE "_id" = :id',
            {"due": tx.store.bind_timestamp(due), "status": "review", "id": card_id},
        )


async def test_the_queue_holds_due_reviews_oldest_first_then_new_cards(api: Api) -> None:
    now = datetime.now(UTC)
    late = await _card(api, api.a, subject="Bio")
    later = await _card(api, api.a, subject="Bio")
    future = await _card(api, api.a, subject="Bio")
    await _age(api, late["_id"], now - timedelta(days=3))
    await _age(api, later["_id"], now - timedelta(days=1))
    await _age(api, future["_id"], now + timedelta(days=5))
    made = [await _card(api, api.a, subject=s) for s in ("Bio", "Bio", "Chem")]
    # New cards by due time, then id: cards made in one millisecond tie on the time.
    new = sorted(made, key=lambda c: (c["nextReviewDate"], c["_id"]))
    await _card(api, api.b, subject="Bio")

    queue = (await api.get(api.a, "flashcards/due")).json()
    assert [c["_id"] for c in queue["items"]] == [late["_id"], later["_id"]] + [
        c["_id"] for c in new
    ]
    assert queue["counts"] == {
        "dueNow": 2, "dueToday": 2, "newRemaining": 3, "newStartedToday": 0, "queued": 5,
    }  # fmt: skip
    chemistry = (await api.get(api.a, "flashcards/due", subject="Chem")).json()
    assert [c["_id"] for c in chemistry["items"]] == [made[2]["_id"]]


async def test_new_cards_per_day_is_a_daily_allowance(api: Api) -> None:
    await api.client.patch("/api/v1/users/me", json={"newCardsPerDay": 2}, headers=api.a.headers)
    made = [await _card(api, api.a) for _ in range(4)]
    # The queue's order (due time, then id); cards made in one millisecond tie on the time.
    cards = sorted(made, key=lambda c: (c["nextReviewDate"], c["_id"]))
    queue = (await api.get(api.a, "flashcards/due")).json()
    assert [c["_id"] for c in queue["items"]] == [cards[0]["_id"], cards[1]["_id"]]
    await _review(api, api.a, cards[0]["_id"], quality=2)  # started today, due again tomorrow
    queue = (await api.get(api.a, "flashcards/due")).json()
    assert queue["counts"]["newStartedToday"] == 1 and queue["counts"]["newRemaining"] == 1
    assert [c["_id"] for c in queue["items"]] == [cards[1]["_id"]]


async def test_today_ends_at_the_user_s_midnight(api: Api) -> None:
    # Far east of UTC, "today" ends earlier in UTC terms than it does for a UTC user.
    await api.client.patch(
        "/api/v1/users/me", json={"timezone": "Pacific/Kiritimati"}, headers=api.a.headers
    )
    zone_end = await _end_of_today(api, "Pacific/Kiritimati")
    card = await _card(api, api.a)
    await _age(api, card["_id"], zone_end + timedelta(minutes=1))
    queue = (await api.get(api.a, "flashcards/due")).json()
    assert queue["counts"]["dueToday"] == 0
    await _age(api, card["_id"], zone_end - timedelta(minutes=1))
    queue = (await api.get(api.a, "flashcards/due")).json()
    assert queue["counts"]["dueToday"] == 1


async def _end_of_today(api: Api, zone_name: str) -> datetime:
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(zone_name)
    today = datetime.now(zone).date()
    return datetime(today.year, today.month, today.day, tzinfo=zone).astimezone(UTC) + timedelta(
        days=1
    )


def test_isoformat_helper_is_what_the_api_speaks() -> None:
    assert isoformat_z(datetime(2026, 1, 1, tzinfo=UTC)) == "2026-01-01T00:00:00.000Z"


async def test_the_dashboard_counts_the_cards_the_queue_serves(api: Api) -> None:
    # The dashboard once said 24 (every card due by now) where the queue served 0 + 20 new.
    await api.client.patch("/api/v1/users/me", json={"newCardsPerDay": 3}, headers=api.a.headers)
    now = datetime.now(UTC)
    reviews = [await _card(api, api.a) for _ in range(3)]
    await _age(api, reviews[0]["_id"], now - timedelta(days=2))
    await _age(api, reviews[1]["_id"], now - timedelta(minutes=5))
    await _age(api, reviews[2]["_id"], now + timedelta(days=2))  # not today
    for _ in range(6):
        await _card(api, api.a)
    await _card(api, api.b)

    first = (await api.get(api.a, "dashboard")).json()["flashcards"]
    assert first == {"dueNow": 5, "due": 2, "new": 3}
    for step in range(3):
        queue = (await api.get(api.a, "flashcards/due", limit=200)).json()
        board = (await api.get(api.a, "dashboard")).json()["flashcards"]
        assert board["dueNow"] == queue["counts"]["queued"] == len(queue["items"]), step
        assert (board["due"], board["new"]) == (
            queue["counts"]["dueToday"],
            queue["counts"]["newRemaining"],
        )
        # Reviewing the queue's first card moves both numbers together.
        await _review(api, api.a, queue["items"][0]["_id"], quality=4)
