"""docs/privacy.md, the `pmo_tracker` line, live: a recovery check-in reaches its owner's
subscriptions only; another user and an admin get an empty snapshot, no change, and `not_found`
for its id."""

from __future__ import annotations

import httpx

from tests.realtime.conftest import Live

CHECK_IN = {"date": "2026-11-01", "relapsed": False, "notes": "mine alone"}


async def test_realtime_shows_a_check_in_to_its_owner_only(live: Live) -> None:
    owner, bob, admin = (
        await live.socket(live.a),
        await live.socket(live.b),
        await live.socket(live.admin),
    )
    for client in (owner, bob, admin):
        snapshot = await client.subscribe("mine", "pmo_tracker")
        assert (snapshot["type"], snapshot["items"]) == ("snapshot", [])
    async with httpx.AsyncClient(base_url=live.http, headers=live.a.headers) as http:
        made = (await http.post("/api/v1/pmo_tracker", json=CHECK_IN)).json()
    change = await owner.next()
    assert (change["op"], change["_id"]) == ("insert", made["_id"])
    for client in (bob, admin):
        await client.nothing()
        hidden = await client.subscribe("one", "pmo_tracker", documentId=made["_id"])
        assert (hidden["type"], hidden["code"]) == ("error", "not_found")
    for client in (owner, bob, admin):
        await client.close()
