"""Progress arrives live: XP, a badge and the level-carrying profile reach a subscriber as the
engine scores a write, over a real server and WebSocket."""

from __future__ import annotations

from typing import Any

import httpx

from tests.realtime.conftest import Client, Live
from tests.samples import sample_body


async def _until(client: Client, op: str = "insert") -> dict[str, Any]:
    """The next change of this client's one subscription."""
    for _ in range(20):
        message = await client.next(10)
        if message.get("type") == "change" and message["op"] == op:
            return message
    raise AssertionError(f"no {op}")


async def test_xp_badges_and_level_changes_are_live(live: Live) -> None:
    xp = await live.socket(live.a)
    assert (await xp.subscribe("xp", "xp_logs"))["type"] == "snapshot"
    badges = await live.socket(live.a)
    assert (await badges.subscribe("badges", "badges"))["type"] == "snapshot"
    me = await live.socket(live.a)
    assert (await me.subscribe("me", "users", documentId=live.a.id))["type"] == "snapshot"

    body = sample_body("notes", content="Ten words or more make this note worth some XP today.")
    async with httpx.AsyncClient(base_url=live.http, headers=live.a.headers) as http:
        assert (await http.post("/api/v1/notes", json=body)).status_code == 201

    award = await _until(xp)
    assert (award["document"]["action"], award["document"]["xpAmount"]) == ("note_created", 10)
    badge = await _until(badges)
    assert badge["document"]["badgeType"] == "first_note"
    profile = await _until(me, "update")
    assert profile["document"]["totalXP"] == 10 and profile["document"]["currentStreak"] == 1
    for client in (xp, badges, me):
        await client.close()
