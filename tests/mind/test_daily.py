"""The Stoic quote of the day through the API (docs/mind.md, "Stoic wisdom"): the same quote all
day in the user's time zone, another the next day, a reflection prompt with it, saved or unsaved
as today's; themes of the list only."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from markupsafe import escape

from tests.samples import sample_body
from tests.support import Api, Browser, Person
from whitecell.mind.corpus import load_corpus, shipped_quotes
from whitecell.mind.stoic import PROMPTS

DAILY = "/api/v1/stoic_quotes/daily"


def at(monkeypatch: pytest.MonkeyPatch, moment: str) -> None:
    """Freeze the clock that says what day it is for a user."""
    frozen = datetime.fromisoformat(moment).astimezone(UTC)
    monkeypatch.setattr("whitecell.core.clock.utcnow", lambda: frozen)


async def in_zone(api: Api, who: Person, zone: str) -> None:
    moved = await api.client.patch("/api/v1/users/me", json={"timezone": zone}, headers=who.headers)
    assert moved.status_code == 200


@pytest.fixture
async def corpus(api: Api) -> Api:
    async with api.context.store.write() as tx:
        await load_corpus(tx)
    return api


async def daily(api: Api, who: Person) -> dict[str, Any]:
    response = await api.client.get(DAILY, headers=who.headers)
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


async def test_the_quote_of_the_day_stays_all_day_and_changes_the_next(
    corpus: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    api = corpus
    await in_zone(api, api.a, "Europe/Paris")
    at(monkeypatch, "2026-03-09T23:05:00Z")  # 00:05 on 10 March in Paris
    morning = await daily(api, api.a)
    at(monkeypatch, "2026-03-10T22:55:00Z")  # 23:55 the same day
    evening = await daily(api, api.a)
    assert morning == evening and morning["date"] == "2026-03-10"
    quote = morning["quote"]
    assert quote["author"] in {"Marcus Aurelius", "Epictetus", "Seneca"} and quote["corpusKey"]
    assert morning["prompt"] in PROMPTS[quote["theme"]]
    assert morning["cycle"]["length"] == len(shipped_quotes())
    at(monkeypatch, "2026-03-10T23:05:00Z")  # 00:05 on 11 March
    tomorrow = await daily(api, api.a)
    assert tomorrow["date"] == "2026-03-11" and tomorrow["quote"]["_id"] != quote["_id"]
    assert tomorrow["cycle"]["day"] == morning["cycle"]["day"] % len(shipped_quotes()) + 1


async def test_a_week_of_days_shows_seven_quotes_the_same_for_everyone(
    corpus: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    api = corpus
    seen = []
    for day in range(1, 8):
        at(monkeypatch, f"2026-05-{day:02d}T12:00:00Z")
        mine, theirs = await daily(api, api.a), await daily(api, api.b)
        assert mine == theirs
        seen.append(mine["quote"]["_id"])
    assert len(set(seen)) == 7


async def test_the_day_is_the_user_s_own_across_time_zones(
    corpus: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    api = corpus
    await in_zone(api, api.a, "Pacific/Auckland")
    await in_zone(api, api.b, "America/Los_Angeles")
    at(
        monkeypatch, "2026-03-10T12:30:00Z"
    )  # 01:30 on 11 March in Auckland, 05:30 on 10 March in LA
    auckland, los_angeles = await daily(api, api.a), await daily(api, api.b)
    assert (auckland["date"], los_angeles["date"]) == ("2026-03-11", "2026-03-10")
    assert auckland["quote"]["_id"] != los_angeles["quote"]["_id"]
    at(monkeypatch, "2026-03-11T12:30:00Z")  # the 11th has come to Los Angeles too
    assert (await daily(api, api.b))["quote"]["_id"] == auckland["quote"]["_id"]


async def test_today_s_quote_is_saved_and_unsaved_for_me_alone(
    corpus: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    api = corpus
    at(monkeypatch, "2026-06-01T09:00:00Z")
    saved = await api.client.put(f"{DAILY}/saved", headers=api.a.headers)
    assert saved.status_code == 200 and saved.json()["saved"] is True
    assert saved.json()["quote"]["savedBy"] == [api.a.id]
    assert (await daily(api, api.a))["saved"] is True
    assert (await daily(api, api.b))["saved"] is False
    assert (await daily(api, api.admin))["saved"] is False  # an admin sees savers, not a save
    quote_id = saved.json()["quote"]["_id"]
    assert (await api.get(api.b, f"stoic_quotes/{quote_id}")).json()["savedBy"] == []
    again = await api.client.put(f"{DAILY}/saved", headers=api.a.headers)  # twice: still once
    assert again.json()["quote"]["savedBy"] == [api.a.id]
    unsaved = await api.client.delete(f"{DAILY}/saved", headers=api.a.headers)
    assert unsaved.status_code == 200 and unsaved.json()["saved"] is False
    assert (await api.get(api.a, f"stoic_quotes/{quote_id}")).json()["savedBy"] == []
    # The same quote through its id: the save mechanism is one.
    by_id = await api.client.put(f"/api/v1/stoic_quotes/{quote_id}/saved", headers=api.a.headers)
    assert by_id.json()["savedBy"] == [api.a.id] and (await daily(api, api.a))["saved"] is True


async def test_the_daily_quote_needs_a_session_and_a_corpus(api: Api) -> None:
    assert (await api.client.get(DAILY)).status_code == 401
    assert (await api.client.put(f"{DAILY}/saved")).status_code == 401
    async with api.context.store.write() as tx:
        await tx.execute("DELETE FROM stoic_quotes")
    missing = await api.client.get(DAILY, headers=api.a.headers)
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


async def test_a_quote_s_theme_is_one_of_the_list(api: Api) -> None:
    body = sample_body("stoic_quotes", theme="Courage")
    refused = await api.client.post("/api/v1/stoic_quotes", json=body, headers=api.admin.headers)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "theme"
    made = await api.create(api.admin, "stoic_quotes", sample_body("stoic_quotes", theme=" Anger"))
    assert made["theme"] == "anger"
    path = f"/api/v1/stoic_quotes/{made['_id']}"
    patched = await api.client.patch(
        path, json={"theme": "PRESENT MOMENT"}, headers=api.admin.headers
    )
    assert patched.status_code == 200 and patched.json()["theme"] == "present moment"
    bad = await api.client.patch(path, json={"theme": "wisdom"}, headers=api.admin.headers)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "theme"
    assert (await api.get(api.a, f"stoic_quotes/{made['_id']}")).json()["theme"] == "present moment"


async def test_the_dashboard_shows_the_quote_of_the_day_and_the_web_page_too(
    corpus: Api, browser_a: Browser
) -> None:
    api = corpus
    board = await api.client.get("/api/v1/dashboard", headers=api.a.headers)
    assert board.status_code == 200
    assert board.json()["quote"] == await daily(api, api.a)
    page = await browser_a.get("/")
    quote = board.json()["quote"]["quote"]
    assert escape(quote["quote"]) in page.text and escape(quote["author"]) in page.text


async def test_without_quotes_the_dashboard_says_so_instead_of_failing(api: Api) -> None:
    async with api.context.store.write() as tx:
        await tx.execute("DELETE FROM stoic_quotes")
    board = await api.client.get("/api/v1/dashboard", headers=api.a.headers)
    assert board.status_code == 200
    assert board.json()["quote"] is None
