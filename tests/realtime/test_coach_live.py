"""The coach over real HTTP on loopback (docs/ai.md, "Conversations"): a reply streams while the
model writes it, the turn is announced as two small `ai_messages` events to its owner only, and
a reply whose client left midway is still finished and stored."""

from __future__ import annotations

import asyncio

import httpx
import orjson

from tests.ai.openai_server import OpenAIServer, Script
from tests.realtime.conftest import Live, LiveFactory

WORDS = "Space the chain rule out over three short sessions this week."


async def start(live_server: LiveFactory, openai_server: OpenAIServer) -> tuple[Live, str]:
    live = await live_server(gamification_enabled=False, **openai_server.settings())
    openai_server.script = Script(reply=WORDS, chunk_delay_seconds=0.25)
    async with httpx.AsyncClient(base_url=live.http) as http:
        made = await http.post(
            "/api/v1/ai_conversations",
            json={"topic": "Revision", "module": "study"},
            headers=live.a.headers,
        )
    return live, str(made.json()["_id"])


async def count(http: httpx.AsyncClient, live: Live, conversation_id: str) -> int:
    read = await http.get(f"/api/v1/ai_conversations/{conversation_id}", headers=live.a.headers)
    return int(read.json()["messageCount"])


async def test_a_reply_streams_as_it_is_written_and_is_announced_to_its_owner_only(
    live_server: LiveFactory, openai_server: OpenAIServer
) -> None:
    live, conversation_id = await start(live_server, openai_server)
    ada, bob = await live.socket(live.a), await live.socket(live.b)
    assert (await ada.subscribe("chat", "ai_messages"))["type"] == "snapshot"
    assert (await bob.subscribe("chat", "ai_messages"))["type"] == "snapshot"
    async with httpx.AsyncClient(base_url=live.http, timeout=10) as http:
        path = f"/api/v1/ai_conversations/{conversation_id}/messages?stream=true"
        async with http.stream(
            "POST", path, json={"content": "How should I revise?"}, headers=live.a.headers
        ) as streamed:
            kinds, text = [], []
            async for line in streamed.aiter_lines():
                if line.startswith("event: "):
                    kinds.append(line[7:])
                elif line.startswith("data: ") and kinds[-1] == "delta":
                    text.append(orjson.loads(line[6:])["text"])
                    if len(text) == 1:  # the first words are out; the turn is not stored yet
                        assert await count(http, live, conversation_id) == 0
        assert kinds[0] == "start" and kinds[-1] == "done" and "".join(text) == WORDS
        assert await count(http, live, conversation_id) == 2
    first, second = await ada.next(), await ada.next()
    assert [(e["op"], e["document"]["role"]) for e in (first, second)] == [
        ("insert", "user"), ("insert", "assistant")
    ]  # fmt: skip
    assert second["document"]["content"] == WORDS
    await bob.nothing()
    await ada.close()
    await bob.close()


async def test_a_reply_whose_client_left_is_finished_and_stored(
    live_server: LiveFactory, openai_server: OpenAIServer
) -> None:
    live, conversation_id = await start(live_server, openai_server)
    async with httpx.AsyncClient(base_url=live.http, timeout=10) as http:
        path = f"/api/v1/ai_conversations/{conversation_id}/messages?stream=true"
        async with http.stream(
            "POST", path, json={"content": "Quick question"}, headers=live.a.headers
        ) as streamed:
            async for line in streamed.aiter_lines():
                if line == "event: delta":
                    break  # the client goes away after the first words
        for _ in range(100):
            if await count(http, live, conversation_id) == 2:
                break
            await asyncio.sleep(0.1)
        read = await http.get(f"/api/v1/ai_conversations/{conversation_id}", headers=live.a.headers)
    assert read.json()["messages"][-1]["content"] == WORDS
