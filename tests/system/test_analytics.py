"""Anonymous analytics: anyone may send events, but one network only so many a minute."""

from __future__ import annotations

import httpx

from tests.support import ClientFactory


async def send(client: httpx.AsyncClient) -> httpx.Response:
    return await client.post("/api/v1/analytics", json={"event": "opened"})


async def test_the_61st_anonymous_event_from_one_network_in_a_minute_is_refused(
    make_client: ClientFactory,
) -> None:
    shipped = {"rate_analytics_ip": (60, 60)}
    noisy = await make_client(client_ip="203.0.113.50", **shipped)
    assert {(await send(noisy)).status_code for _ in range(60)} == {201}
    refused = await send(noisy)
    assert refused.status_code == 429
    assert refused.headers["content-type"] == "application/problem+json"
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert refused.json()["code"] == "rate_limited"
    # Another network is counted on its own.
    assert (await send(await make_client(client_ip="198.51.100.50", **shipped))).status_code == 201


async def test_one_ipv6_subscriber_cannot_spread_events_over_its_slash_64(
    make_client: ClientFactory,
) -> None:
    limit = {"rate_analytics_ip": (2, 60)}
    for n in (1, 2):
        sender = await make_client(client_ip=f"2001:db8:5:6::{n}", **limit)
        assert (await send(sender)).status_code == 201
    neighbour = await make_client(client_ip="2001:db8:5:6:ffff::9", **limit)
    assert (await send(neighbour)).status_code == 429
    assert (await send(await make_client(client_ip="2001:db8:5:7::1", **limit))).status_code == 201
