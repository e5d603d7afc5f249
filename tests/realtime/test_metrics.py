"""The live feed's figures on `/metrics` (realtime/metrics.py), over a real server: its
connections and subscriptions, and its lag behind the change log once a change is delivered."""

from __future__ import annotations

import asyncio

import httpx
from prometheus_client.parser import text_string_to_metric_families

from tests.realtime.conftest import LiveFactory
from tests.samples import sample_body

TOKEN = "metrics-token-for-the-tests"


async def figures(base: str) -> dict[str, float]:
    """The unlabelled and `consumer="realtime"` samples of `/metrics`, by name."""
    async with httpx.AsyncClient(base_url=base) as http:
        response = await http.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200, response.text
    return {
        sample.name: sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
        if sample.labels in ({}, {"consumer": "realtime"})
    }


async def test_connections_subscriptions_and_delivery_are_shown(live_server: LiveFactory) -> None:
    # No XP engine: nothing but the test writes, so the feed's lag settles at 0.
    live = await live_server(metrics_token=TOKEN, gamification_enabled=False)
    quiet = await figures(live.http)
    assert quiet["whitecell_realtime_connections"] == 0
    assert quiet["whitecell_realtime_subscriptions"] == 0

    ada, bob = await live.socket(live.a), await live.socket(live.b)
    assert (await ada.subscribe("notes", "notes"))["type"] == "snapshot"
    assert (await ada.subscribe("cards", "flashcards"))["type"] == "snapshot"
    assert (await bob.subscribe("notes", "notes"))["type"] == "snapshot"
    async with httpx.AsyncClient(base_url=live.http, headers=live.a.headers) as http:
        assert (await http.post("/api/v1/notes", json=sample_body("notes"))).status_code == 201
    assert (await ada.next())["type"] == "change"

    busy = await figures(live.http)
    assert busy["whitecell_realtime_connections"] == 2
    assert busy["whitecell_realtime_subscriptions"] == 3
    assert busy["whitecell_realtime_queued_messages"] == 0  # the change was sent
    assert busy["whitecell_realtime_queued_messages_max"] == 0
    # Delivered: the feed is not behind the change log.
    assert busy["whitecell_change_log_consumer_lag_events"] == 0
    assert busy["whitecell_change_log_consumer_lag_seconds"] == 0

    await bob.close()
    for _ in range(100):  # the server notices the closed socket
        if (await figures(live.http))["whitecell_realtime_connections"] == 1:
            break
        await asyncio.sleep(0.05)
    after = await figures(live.http)
    assert (after["whitecell_realtime_connections"], after["whitecell_realtime_subscriptions"]) == (
        1,
        2,
    )
    await ada.close()
