"""Analytics: anyone may send events (one network only so many a minute); only admins read them."""

from __future__ import annotations

import httpx

from tests.support import Api, ClientFactory


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


async def test_anyone_may_send_analytics_but_only_admins_read_them(api: Api) -> None:
    anonymous = await api.client.post(
        "/api/v1/analytics",
        json={"event": "app_opened", "module": "study", "metadata": {"screen": "home"}},
        headers={"User-Agent": "WhiteCell-iOS/1.0"},
    )
    assert anonymous.status_code == 201
    signed_in = await api.client.post(
        "/api/v1/analytics", json={"event": "note_opened"}, headers=api.a.headers
    )
    forged = await api.client.post(
        "/api/v1/analytics", json={"event": "x", "userId": api.b.id}, headers=api.a.headers
    )
    assert forged.status_code == 422
    events = (await api.get(api.admin, "analytics", order="timestamp")).json()["items"]
    assert [(e["event"], e["userId"]) for e in events] == [
        ("app_opened", None),
        ("note_opened", api.a.id),
    ]
    # The network, not the address; the app and system, not the whole user agent.
    assert events[0]["userAgent"] == "White Cell 1 on iOS" and events[0]["ipAddress"] == "127.0.0.0"
    assert signed_in.json()["userId"] == api.a.id
