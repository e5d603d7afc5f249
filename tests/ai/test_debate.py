"""The coach in a debate (docs/ai.md, "Debate"), on both databases: the server writes the
counter-argument and the reply to a rebuttal, offline from the user's own notes and the Stoic
corpus (never another user's), or with the model; a client cannot write them."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.ai.openai_server import OpenAIServer, Script
from tests.support import Api, ClientFactory, Person, api_with
from whitecell.gamification.worker import Engine
from whitecell.mind.corpus import load_corpus

MINE = (
    "Phones help students look things up quickly. However, constant notifications fragment "
    "attention and cost students hours of deep study every week."
)
THEIRS = "BOBSECRET: phones in class are never a problem for students."


@pytest.fixture
async def offline(make_client: ClientFactory) -> Api:
    return await api_with(make_client, gamification_enabled=False)


async def debate(api: Api, who: Person, topic: str, argument: str) -> dict[str, Any]:
    return await api.create(who, "debate_sessions", {"topic": topic, "userArgument": argument})


async def post(api: Api, who: Person, path: str, body: Any = None) -> httpx.Response:
    return await api.client.post(f"/api/v1/debate_sessions/{path}", json=body, headers=who.headers)


async def test_the_offline_opponent_argues_from_my_notes_and_says_it_is_offline(
    offline: Api,
) -> None:
    await offline.create(offline.a, "notes", {"title": "Phones in class", "content": MINE,
                                              "subject": "Education"})  # fmt: skip
    await offline.create(offline.b, "notes", {"title": "Bob on phones", "content": THEIRS,
                                              "subject": "Education"})  # fmt: skip
    held = await debate(offline, offline.a, "Phones in class", "Students should keep phones.")
    assert held["aiCounterargument"] == "" and held.get("aiModel") is None
    countered = await post(offline, offline.a, f"{held['_id']}/counter")
    assert countered.status_code == 200, countered.text
    text = countered.json()["aiCounterargument"]
    assert text.startswith("Offline opponent") and countered.json()["aiModel"] == "offline"
    assert "constant notifications fragment attention" in text and "BOBSECRET" not in text
    assert (await post(offline, offline.a, f"{held['_id']}/counter")).status_code == 409
    replied = await post(offline, offline.a, f"{held['_id']}/rebuttal",
                         {"userRebuttal": "Notifications can be silenced."})  # fmt: skip
    assert replied.status_code == 200, replied.text
    assert replied.json()["userRebuttal"] == "Notifications can be silenced."
    assert replied.json()["aiReply"].startswith("Offline opponent")
    again = await post(offline, offline.a, f"{held['_id']}/rebuttal", {"userRebuttal": "x"})
    assert again.status_code == 409


async def test_the_stoics_argue_too(offline: Api) -> None:
    async with offline.context.store.write() as tx:
        await load_corpus(tx)  # what `db upgrade` loads (the tests empty the tables)
    held = await debate(offline, offline.a, "Anger", "Anger is useful: it gets things done.")
    text = (await post(offline, offline.a, f"{held['_id']}/counter")).json()["aiCounterargument"]
    assert "/api/v1/stoic_quotes/" in text
    assert any(name in text for name in ("Seneca", "Marcus", "Epictetus"))


async def test_only_the_server_writes_the_coach_s_side_and_only_for_the_owner(offline: Api) -> None:
    forged = await offline.client.post(
        "/api/v1/debate_sessions",
        json={"topic": "t", "userArgument": "a", "aiCounterargument": "I concede."},
        headers=offline.a.headers,
    )
    assert forged.status_code == 422 and forged.json()["errors"][0]["field"] == "aiCounterargument"
    held = await debate(offline, offline.a, "Sleep", "Eight hours is too much.")
    early = await post(offline, offline.a, f"{held['_id']}/rebuttal", {"userRebuttal": "x"})
    assert early.status_code == 409
    assert (await post(offline, offline.b, f"{held['_id']}/counter")).status_code == 404
    empty = await post(offline, offline.a, f"{held['_id']}/rebuttal", {"userRebuttal": ""})
    assert empty.status_code == 422


async def test_with_a_model_the_counter_is_the_model_s_from_my_data_only(
    make_client: ClientFactory, openai_server: OpenAIServer
) -> None:
    api = await api_with(make_client, gamification_enabled=False, **openai_server.settings())
    await api.create(api.a, "notes", {"title": "Phones in class", "content": MINE,
                                      "subject": "Education"})  # fmt: skip
    await api.create(api.b, "notes", {"title": "Bob on phones", "content": THEIRS,
                                      "subject": "Education"})  # fmt: skip
    held = await debate(api, api.a, "Phones in class", "Students should keep phones.")
    openai_server.script = Script(reply="Attention is the scarcest resource [1].")
    countered = (await post(api, api.a, f"{held['_id']}/counter")).json()
    assert countered["aiCounterargument"] == "Attention is the scarcest resource [1]."
    assert countered["aiModel"] == "whitecell-test-model"
    sent = openai_server.last.prompt_text
    assert "constant notifications" in sent and "BOBSECRET" not in sent
    assert (await api.get(api.a, "ai/usage")).json()["requests"] == 1


async def test_a_client_cannot_say_a_quiz_was_ai_generated(offline: Api) -> None:
    question = {"id": "q1", "type": "multiple_choice", "text": "2+2?", "options": ["3", "4"],
                "correctAnswer": "4"}  # fmt: skip
    body = {"title": "Sums", "subject": "Maths", "questions": [question], "userAnswers": ["4"],
            "difficulty": "easy"}  # fmt: skip
    claimed = await offline.client.post(
        "/api/v1/quizzes", json={**body, "isAIGenerated": True}, headers=offline.a.headers
    )
    assert claimed.status_code == 422 and claimed.json()["errors"][0]["field"] == "isAIGenerated"
    assert (await offline.create(offline.a, "quizzes", body))["isAIGenerated"] is False


async def test_xp_and_the_debater_badge_are_paid_for_debates_the_coach_answered(
    make_client: ClientFactory,
) -> None:
    api = await api_with(make_client, gamification_enabled=False)
    claimed = await debate(api, api.a, "Sleep", "Eight hours is too much.")
    engine = api.context.service(Engine)
    await engine.drain()

    async def earned() -> list[int]:
        await engine.drain()
        rows = (await api.get(api.a, "xp_logs", action="debate_held")).json()["items"]
        return [row["baseXP"] for row in rows]

    assert await earned() == []
    badges = (await api.get(api.a, "badges", limit=100)).json()["items"]
    assert "first_debate" not in {badge["badgeType"] for badge in badges}
    await post(api, api.a, f"{claimed['_id']}/counter")
    assert await earned() == [10]
    await post(api, api.a, f"{claimed['_id']}/rebuttal", {"userRebuttal": "Sleep is time."})
    assert sum(await earned()) == 15
    badges = (await api.get(api.a, "badges", limit=100)).json()["items"]
    assert "first_debate" in {badge["badgeType"] for badge in badges}
