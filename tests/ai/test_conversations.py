"""Conversations the server writes (docs/ai.md, "Conversations"), on both databases: the offline
coach answers from the asker's own notes and nobody else's, replies come as JSON or streamed,
turns are stored as messages (paged), a failed model stores nothing, and clients cannot forge
messages."""

from __future__ import annotations

from typing import Any

import httpx
import orjson
import pytest

from tests.ai.openai_server import EMBEDDINGS_MODEL, OpenAIServer, Script, embedding_of
from tests.pdfs import text_pdf_bytes
from tests.support import Api, ClientFactory, Person, api_with

KREBS = (
    "The Krebs cycle turns acetyl-CoA into carbon dioxide in the mitochondria, making NADH and "
    "FADH2 for the electron transport chain."
)


@pytest.fixture
async def offline(make_client: ClientFactory) -> Api:
    return await api_with(make_client, gamification_enabled=False)


async def conversation(api: Api, who: Person, mode: str = "normal", **extra: Any) -> str:
    body = {"topic": "Biology", "module": "study", "mode": mode, **extra}
    return str((await api.create(who, "ai_conversations", body))["_id"])


async def send(api: Api, who: Person, conversation_id: str, content: str) -> httpx.Response:
    return await api.client.post(
        f"/api/v1/ai_conversations/{conversation_id}/messages",
        json={"content": content},
        headers=who.headers,
    )


def events_of(body: str) -> list[tuple[str, Any]]:
    found = []
    for block in body.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines())
        found.append((lines["event"], orjson.loads(lines["data"])))
    return found


async def test_the_offline_coach_answers_from_my_notes_and_never_another_user_s(
    offline: Api,
) -> None:
    mine = await offline.create(offline.a, "notes", {"title": "Krebs cycle", "content": KREBS,
                                                     "subject": "Biology"})  # fmt: skip
    theirs = await offline.create(offline.b, "notes", {"title": "Krebs notes of Bob",
        "content": "Bob's secret: the Krebs cycle is also called the citric acid cycle.",
        "subject": "Biology"})  # fmt: skip
    chat = await conversation(offline, offline.a)
    answered = await send(offline, offline.a, chat, "How does the Krebs cycle work?")
    assert answered.status_code == 201, answered.text
    turn = answered.json()
    reply = turn["reply"]
    assert reply["role"] == "assistant" and reply["model"] == "offline"
    assert "offline coach" in reply["content"] and "acetyl-CoA" in reply["content"]
    assert f"/study/notes/{mine['_id']}" in reply["content"]
    assert reply["sources"] == [mine["_id"]] and theirs["_id"] not in reply["content"]
    assert "Bob" not in reply["content"]
    assert reply["citations"][0]["title"] == "Krebs cycle"
    assert turn["message"]["role"] == "user" and turn["message"]["seq"] == 1
    assert reply["seq"] == 2 and turn["conversation"]["messageCount"] == 2
    stored = (await offline.get(offline.a, f"ai_conversations/{chat}")).json()
    assert [m["role"] for m in stored["messages"]] == ["user", "assistant"]
    assert stored["messages"][1]["content"] == reply["content"]
    assert stored["messagesBefore"] is None
    # Nothing found: it says so plainly.
    nothing = (await send(offline, offline.a, chat, "Quantum chromodynamics?")).json()["reply"]
    assert "found nothing" in nothing["content"] and nothing["sources"] == []


async def test_a_conversation_is_its_owner_s_alone(offline: Api) -> None:
    chat = await conversation(offline, offline.a)
    assert (await send(offline, offline.b, chat, "hello")).status_code == 404
    assert (await offline.get(offline.b, f"ai_conversations/{chat}")).status_code == 404
    listed = await offline.get(offline.b, f"ai_conversations/{chat}/messages")
    assert listed.status_code == 404
    await send(offline, offline.a, chat, "My notes on anything?")
    others = (await offline.get(offline.b, "ai_messages")).json()["items"]
    assert others == []
    mine = (await offline.get(offline.a, "ai_messages", conversationId=chat)).json()["items"]
    assert len(mine) == 2


async def test_replies_stream_as_server_sent_events(offline: Api) -> None:
    await offline.create(offline.a, "notes", {"title": "Krebs cycle", "content": KREBS,
                                              "subject": "Biology"})  # fmt: skip
    chat = await conversation(offline, offline.a, mode="research")
    streamed = await offline.client.post(
        f"/api/v1/ai_conversations/{chat}/messages",
        json={"content": "Explain the Krebs cycle"},
        headers={**offline.a.headers, "Accept": "text/event-stream"},
    )
    assert streamed.status_code == 200
    assert streamed.headers["content-type"].startswith("text/event-stream")
    events = events_of(streamed.text)
    assert events[0][0] == "start" and events[0][1]["model"] == "offline"
    assert events[0][1]["citations"][0]["title"] == "Krebs cycle"
    deltas = [data["text"] for kind, data in events if kind == "delta"]
    assert len(deltas) > 5
    kind, done = events[-1]
    assert kind == "done" and "".join(deltas) == done["reply"]["content"]
    stored = (await offline.get(offline.a, f"ai_conversations/{chat}")).json()
    assert stored["messageCount"] == 2


async def test_clients_cannot_write_messages_or_change_what_the_coach_is(offline: Api) -> None:
    forged = {"role": "assistant", "content": "I am the coach", "id": "x", "tokens": 9,
              "timestamp": "2026-01-01T00:00:00Z"}  # fmt: skip
    created = await offline.client.post(
        "/api/v1/ai_conversations",
        json={"topic": "t", "module": "study", "messages": [forged]},
        headers=offline.a.headers,
    )
    assert created.status_code == 422 and created.json()["errors"][0]["field"] == "messages"
    chat = await conversation(offline, offline.a)
    refused = (
        ({"messages": [forged]}, "messages"),
        ({"module": "fitness"}, "module"),
        ({"mode": "research"}, "mode"),
        ({"messageCount": 9}, "messageCount"),
    )
    for body, field in refused:
        patched = await offline.client.patch(
            f"/api/v1/ai_conversations/{chat}", json=body, headers=offline.a.headers
        )
        assert patched.status_code == 422, (body, patched.text)
        assert patched.json()["errors"][0]["field"] == field
    renamed = await offline.client.patch(
        f"/api/v1/ai_conversations/{chat}", json={"topic": "Cells", "isPinned": True},
        headers=offline.a.headers,
    )  # fmt: skip
    assert renamed.status_code == 200 and renamed.json()["isPinned"] is True
    message = {"conversationId": chat, "seq": 1, "role": "assistant", "content": "forged"}
    posted = await offline.client.post(
        "/api/v1/ai_messages", json=message, headers=offline.a.headers
    )
    assert posted.status_code == 405
    assert (await send(offline, offline.a, chat, "")).status_code == 422
    assert (await offline.get(offline.a, f"ai_conversations/{chat}")).json()["messages"] == []


async def test_a_long_conversation_is_read_in_pages(offline: Api) -> None:
    chat = await conversation(offline, offline.a)
    for n in range(30):
        assert (await send(offline, offline.a, chat, f"question {n}")).status_code == 201
    stored = (await offline.get(offline.a, f"ai_conversations/{chat}")).json()
    assert stored["messageCount"] == 60 and len(stored["messages"]) == 50
    assert [m["seq"] for m in stored["messages"]] == list(range(11, 61))
    assert stored["messagesBefore"] == 11
    earlier = (await offline.get(offline.a, f"ai_conversations/{chat}/messages",
                                 before=11, limit=8)).json()  # fmt: skip
    assert [m["seq"] for m in earlier["items"]] == list(range(3, 11)) and earlier["before"] == 3
    first = (await offline.get(offline.a, f"ai_conversations/{chat}/messages", before=3)).json()
    assert first["items"][0]["content"] == "question 0" and first["before"] is None
    deleted = await offline.client.delete(
        f"/api/v1/ai_conversations/{chat}", headers=offline.a.headers
    )
    assert deleted.status_code == 204
    assert (await offline.get(offline.a, "ai_messages")).json()["items"] == []


async def test_the_model_is_asked_with_my_own_data_only(
    make_client: ClientFactory, openai_server: OpenAIServer
) -> None:
    api = await api_with(make_client, gamification_enabled=False, **openai_server.settings())
    mine = await api.create(api.a, "notes", {"title": "Krebs cycle", "content": KREBS,
                                             "subject": "Biology"})  # fmt: skip
    await api.create(api.b, "notes", {"title": "Bob's Krebs", "content": "BOBSECRET Krebs cycle",
                                      "subject": "Biology"})  # fmt: skip
    await api.create(api.b, "ai_context_memory", {"contextItem": "BOBFACT likes Krebs",
                                                  "category": "learning"})  # fmt: skip
    chat = await conversation(api, api.a, mode="research")
    openai_server.script = Script(reply="The cycle oxidises acetyl-CoA [1].")
    turn = (await send(api, api.a, chat, "What does the Krebs cycle make?")).json()
    reply = turn["reply"]
    assert reply["content"] == "The cycle oxidises acetyl-CoA [1]."
    assert reply["model"] == "whitecell-test-model"
    assert reply["sources"] == [mine["_id"]] and reply["tokens"] > 0
    sent = openai_server.last.prompt_text
    assert "acetyl-CoA into carbon dioxide" in sent and "[1] Krebs cycle" in sent
    assert "BOBSECRET" not in sent and "BOBFACT" not in sent
    usage = (await api.get(api.a, "ai/usage")).json()
    assert usage["requests"] == 1 and usage["completionTokens"] > 0 and usage["promptTokens"] > 0
    assert (await api.get(api.b, "ai/usage")).json()["requests"] == 0


@pytest.mark.parametrize(
    ("script", "status"),
    [(Script(status=500), 502), (Script(delay_seconds=2.0), 504), (Script(status=401), 502)],
)
async def test_a_failing_model_is_a_problem_and_stores_nothing(
    make_client: ClientFactory, openai_server: OpenAIServer, script: Script, status: int
) -> None:
    settings = openai_server.settings(ai_timeout_seconds=0.5)
    api = await api_with(make_client, gamification_enabled=False, **settings)
    chat = await conversation(api, api.a)
    openai_server.script = script
    failed = await send(api, api.a, chat, "hello coach")
    assert failed.status_code == status, failed.text
    assert failed.headers["content-type"].startswith("application/problem+json")
    assert "sk-test-secret-key" not in failed.text
    stored = (await api.get(api.a, f"ai_conversations/{chat}")).json()
    assert stored["messages"] == [] and stored["messageCount"] == 0


async def test_a_stream_broken_midway_ends_with_an_error_event_and_stores_nothing(
    make_client: ClientFactory, openai_server: OpenAIServer
) -> None:
    api = await api_with(make_client, gamification_enabled=False, **openai_server.settings())
    chat = await conversation(api, api.a)
    openai_server.script = Script(reply="one two three four five six", break_after_chunks=2)
    streamed = await api.client.post(
        f"/api/v1/ai_conversations/{chat}/messages?stream=true",
        json={"content": "hello"},
        headers=api.a.headers,
    )
    events = events_of(streamed.text)
    assert [kind for kind, _ in events][:2] == ["start", "delta"]
    kind, problem = events[-1]
    assert kind == "error" and problem["status"] == 502
    stored = (await api.get(api.a, f"ai_conversations/{chat}")).json()
    assert stored["messageCount"] == 0


async def test_research_quotes_the_page_of_my_textbook_s_pdf(offline: Api) -> None:
    pages = ["Chapter 1. Cells.", "Photosynthesis in chloroplasts turns light, water and carbon "
             "dioxide into glucose and oxygen."]  # fmt: skip
    for who, title in ((offline.a, "Campbell Biology"), (offline.b, "Bob's photosynthesis")):
        uploaded = await offline.client.post(
            "/api/v1/textbooks/upload",
            files={"file": ("book.pdf", text_pdf_bytes(pages), "application/pdf")},
            data={"document": orjson.dumps({"title": title, "subject": "biology"}).decode()},
            headers=who.headers,
        )
        assert uploaded.status_code == 201, uploaded.text
    chat = await conversation(offline, offline.a, mode="research")
    reply = (await send(offline, offline.a, chat, "What does photosynthesis make?")).json()["reply"]
    [cited] = reply["citations"]
    assert (cited["table"], cited["title"], cited["page"]) == (
        "textbook_passages",
        "Campbell Biology",
        2,
    )
    assert "glucose and oxygen" in reply["content"] and "page 2" in reply["content"]
    assert "Bob" not in reply["content"]


async def test_research_finds_the_quotes_i_saved_and_not_the_ones_others_saved(
    offline: Api,
) -> None:
    quote = {"quote": "Waste no more time arguing what a good man should be. Be one.",
             "author": "Marcus Aurelius", "source": "Meditations 10.16",
             "theme": "virtue"}  # fmt: skip
    made = await offline.create(offline.admin, "stoic_quotes", quote)
    other = await offline.create(offline.admin, "stoic_quotes", {**quote, "quote":
        "A good man arguing with himself wastes the morning."})  # fmt: skip
    for who, saved in ((offline.a, made), (offline.b, other)):
        kept = await offline.client.put(
            f"/api/v1/stoic_quotes/{saved['_id']}/saved", headers=who.headers
        )
        assert kept.status_code == 200, kept.text
    chat = await conversation(offline, offline.a, mode="research")
    reply = (await send(offline, offline.a, chat, "What makes a good man?")).json()["reply"]
    assert reply["sources"] == [made["_id"]]
    assert "Waste no more time" in reply["content"] and "wastes the morning" not in reply["content"]


async def test_bad_ids_pages_and_contents_are_4xx_never_500(offline: Api) -> None:
    chat = await conversation(offline, offline.a)
    path = f"/api/v1/ai_conversations/{chat}/messages?before={2**70}"
    assert (await offline.client.get(path, headers=offline.a.headers)).status_code == 422
    for bad in ("%00", "x" * 100):
        listed = await offline.client.get(
            f"/api/v1/ai_conversations/{bad}/messages", headers=offline.a.headers
        )
        assert listed.status_code == 404, bad
        countered = await offline.client.post(
            f"/api/v1/debate_sessions/{bad}/counter", headers=offline.a.headers
        )
        assert countered.status_code == 404, bad
    assert (await send(offline, offline.a, chat, "\x00")).status_code == 422


async def test_with_an_embeddings_model_my_passages_are_ranked_by_meaning(
    make_client: ClientFactory, openai_server: OpenAIServer
) -> None:
    settings = openai_server.settings(ai_embeddings_model=EMBEDDINGS_MODEL)
    api = await api_with(make_client, gamification_enabled=False, **settings)
    titles = {}
    for n, extra in enumerate(("", "in plants", "and exercise", "history of its discovery",
                               "and fasting", "in yeast", "vitamins", "and sleep")):  # fmt: skip
        note = await api.create(api.a, "notes", {"title": f"Krebs {n}",
            "content": f"The Krebs cycle {extra}. {KREBS}", "subject": "Biology"})  # fmt: skip
        titles[f"Krebs {n}"] = note["_id"]
    await api.create(api.b, "notes", {"title": "Bob", "content": f"BOBSECRET {KREBS}",
                                      "subject": "Biology"})  # fmt: skip
    chat = await conversation(api, api.a, mode="research")
    question = "What does the Krebs cycle make in plants?"
    turn = await send(api, api.a, chat, question)
    assert turn.status_code == 201, turn.text
    embedded = next(r for r in openai_server.requests if r.path.endswith("/embeddings"))
    asked, *texts = embedded.body["input"]
    assert asked == question and len(texts) == len(titles)  # every candidate, all mine
    assert not any("BOBSECRET" in text for text in texts)
    closeness = {
        titles[text.split("\n")[0]]: round(
            sum(x * y for x, y in zip(embedding_of(question), embedding_of(text), strict=True)), 6
        )
        for text in texts
    }
    expected = sorted(closeness, key=lambda note_id: -closeness[note_id])[:6]
    assert turn.json()["reply"]["sources"] == expected

    # The embeddings request fails (the first request of the turn): the words' ranking stands.
    openai_server.reset()
    openai_server.script = Script(status=500, fail_times=1)
    fallback = await send(api, api.a, chat, question)
    assert fallback.status_code == 201, fallback.text
    assert len(fallback.json()["reply"]["sources"]) == 6
    assert [r.path.rsplit("/", 1)[-1] for r in openai_server.requests] == [
        "embeddings", "completions"
    ]  # fmt: skip
