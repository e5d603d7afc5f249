"""What the coach remembers and what a plan allows (docs/ai.md, "Memory" and "Quotas"), on both
databases: facts used move `lastUsed`, a deleted fact is never used or learned again, only the
server marks a fact `auto_learned`; quotas count per day of the user's own zone, honour
`subscriptionExpiry`, and refuse with `Retry-After` saying when they reset; recovery figures
reach the model only once the user shares them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.ai.openai_server import OpenAIServer
from tests.support import Api, ClientFactory, Person, api_with


async def chat(api: Api, who: Person, module: str = "study") -> str:
    body = {"topic": "Plans", "module": module}
    return str((await api.create(who, "ai_conversations", body))["_id"])


async def say(api: Api, who: Person, conversation_id: str, content: str) -> httpx.Response:
    return await api.client.post(
        f"/api/v1/ai_conversations/{conversation_id}/messages",
        json={"content": content},
        headers=who.headers,
    )


async def facts(api: Api, who: Person) -> list[dict[str, object]]:
    return list((await api.get(who, "ai_context_memory", limit=100)).json()["items"])


@pytest.fixture
async def coached(make_client: ClientFactory, openai_server: OpenAIServer) -> Api:
    return await api_with(make_client, gamification_enabled=False, **openai_server.settings())


async def test_facts_that_bear_on_a_message_go_into_the_prompt_and_are_marked_used(
    coached: Api, openai_server: OpenAIServer
) -> None:
    goal = await coached.create(coached.a, "ai_context_memory",
                                {"contextItem": "Preparing for the calculus midterm in March",
                                 "category": "goals"})  # fmt: skip
    unrelated = await coached.create(coached.a, "ai_context_memory",
                                     {"contextItem": "Deadlifts on Fridays",
                                      "category": "activities"})  # fmt: skip
    assert goal["source"] == "manual" and goal["confidence"] == 1 and goal["lastUsed"] is None
    conversation = await chat(coached, coached.a)
    assert (await say(coached, coached.a, conversation, "How should I revise calculus?")).is_success
    prompt = openai_server.last.prompt_text
    assert "calculus midterm" in prompt and "Deadlifts" not in prompt
    by_id = {f["_id"]: f for f in await facts(coached, coached.a)}
    assert by_id[goal["_id"]]["lastUsed"] is not None
    assert by_id[unrelated["_id"]]["lastUsed"] is None
    # Deleted, it is never used again.
    gone = await coached.client.delete(
        f"/api/v1/ai_context_memory/{goal['_id']}", headers=coached.a.headers
    )
    assert gone.status_code == 204
    await say(coached, coached.a, conversation, "And the calculus midterm itself?")
    assert "calculus midterm in March" not in openai_server.last.prompt_text


async def test_only_the_server_learns_facts_and_never_one_the_user_deleted(coached: Api) -> None:
    claimed = await coached.client.post(
        "/api/v1/ai_context_memory",
        json={"contextItem": "x", "category": "goals", "source": "auto_learned"},
        headers=coached.a.headers,
    )
    assert claimed.status_code == 422 and claimed.json()["errors"][0]["field"] == "source"
    conversation = await chat(coached, coached.a)
    await say(coached, coached.a, conversation, "My goal is to run a marathon in April.")
    [learned] = await facts(coached, coached.a)
    assert learned["contextItem"] == "Goal: run a marathon in April"
    assert learned["source"] == "auto_learned" and learned["confidence"] == 0.6
    assert await facts(coached, coached.b) == []
    # Corrected by the user, it is theirs.
    corrected = await coached.client.patch(
        f"/api/v1/ai_context_memory/{learned['_id']}",
        json={"contextItem": "Goal: run a half marathon in April"}, headers=coached.a.headers,
    )  # fmt: skip
    assert corrected.json()["source"] == "manual" and corrected.json()["confidence"] == 1
    await coached.client.delete(
        f"/api/v1/ai_context_memory/{learned['_id']}", headers=coached.a.headers
    )
    await say(coached, coached.a, conversation, "My goal is to run a half marathon in April!")
    await say(coached, coached.a, conversation, "My goal is to run a marathon in April.")
    assert [f["contextItem"] for f in await facts(coached, coached.a)] == [
        "Goal: run a marathon in April"
    ]  # the deleted wording stays forgotten; the first, never deleted, is learned again


def frozen_at(monkeypatch: pytest.MonkeyPatch, moment: str) -> None:
    at = datetime.fromisoformat(moment).astimezone(UTC)
    for where in ("whitecell.ai.coach.utcnow", "whitecell.ai.routes.utcnow"):
        monkeypatch.setattr(where, lambda: at)


async def plan(api: Api, who: Person, subscription: str, expiry: str | None) -> None:
    changed = await api.client.patch(
        f"/api/v1/users/{who.user['_id']}",
        json={"subscription": subscription, "subscriptionExpiry": expiry},
        headers=api.admin.headers,
    )
    assert changed.status_code == 200, changed.text


async def test_quotas_count_my_day_and_reset_at_my_midnight(
    make_client: ClientFactory, openai_server: OpenAIServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = openai_server.settings(ai_requests_per_day_free=2, ai_requests_per_day_premium=3)
    api = await api_with(make_client, gamification_enabled=False, **settings)
    zone = await api.client.patch(
        "/api/v1/users/me", json={"timezone": "Pacific/Auckland"}, headers=api.a.headers
    )
    assert zone.status_code == 200
    conversation = await chat(api, api.a)
    # 23:30 on 10 March in Auckland (UTC+13).
    frozen_at(monkeypatch, "2026-03-10T10:30:00+00:00")
    assert (await say(api, api.a, conversation, "one")).status_code == 201
    assert (await say(api, api.a, conversation, "two")).status_code == 201
    refused = await say(api, api.a, conversation, "three")
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "1801"  # until Auckland's midnight, 30 min away
    assert "2026-03-10T11:00:00.000Z" in refused.json()["detail"]
    usage = (await api.get(api.a, "ai/usage")).json()
    assert (usage["day"], usage["requests"], usage["requestLimit"]) == ("2026-03-10", 2, 2)
    # Past midnight there, a new day; in UTC it is still 10 March.
    frozen_at(monkeypatch, "2026-03-10T11:00:01+00:00")
    assert (await say(api, api.a, conversation, "four")).status_code == 201
    assert (await api.get(api.a, "ai/usage")).json()["day"] == "2026-03-11"
    # Another user's count is their own.
    assert (await say(api, api.b, await chat(api, api.b), "hi")).status_code == 201


async def test_an_expired_plan_falls_back_to_free(
    make_client: ClientFactory, openai_server: OpenAIServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = openai_server.settings(ai_requests_per_day_free=1, ai_requests_per_day_premium=3)
    api = await api_with(make_client, gamification_enabled=False, **settings)
    frozen_at(monkeypatch, "2026-06-01T12:00:00+00:00")
    conversation = await chat(api, api.a)
    await plan(api, api.a, "premium", "2026-05-31T00:00:00Z")
    assert (await say(api, api.a, conversation, "one")).status_code == 201
    usage = (await api.get(api.a, "ai/usage")).json()
    assert (usage["plan"], usage["subscription"], usage["requestLimit"]) == ("free", "premium", 1)
    assert (await say(api, api.a, conversation, "two")).status_code == 429
    await plan(api, api.a, "premium", "2026-07-01T00:00:00Z")
    assert (await say(api, api.a, conversation, "two")).status_code == 201
    assert (await api.get(api.a, "ai/usage")).json()["requestLimit"] == 3


async def test_the_offline_coach_is_never_refused(make_client: ClientFactory) -> None:
    api = await api_with(make_client, gamification_enabled=False, ai_requests_per_day_free=0)
    conversation = await chat(api, api.a)
    for n in range(3):
        assert (await say(api, api.a, conversation, f"question {n}")).status_code == 201
    usage = (await api.get(api.a, "ai/usage")).json()
    assert (usage["requests"], usage["offlineRequests"], usage["model"]) == (0, 3, "offline")


async def test_the_model_sees_my_recovery_figures_only_once_i_share_them(
    make_client: ClientFactory, openai_server: OpenAIServer
) -> None:
    """Off by default; once turned on, discipline conversations only, figures only (never a
    check-in's notes); another user's check-ins never."""
    api = await api_with(make_client, gamification_enabled=False, **openai_server.settings())
    today = datetime.now(UTC).date()  # the user's zone is UTC
    for days_ago, relapsed, energy in ((3, True, 2), (2, False, 3), (1, False, 4), (0, False, 5)):
        day = (today - timedelta(days=days_ago)).isoformat()
        body = {"date": day, "relapsed": relapsed, "energyLevel": energy, "notes": "PRIVATE NOTE"}
        await api.create(api.a, "pmo_tracker", body)
    await api.create(api.b, "pmo_tracker", {"date": today.isoformat(), "relapsed": True})
    discipline = await api.create(
        api.a, "ai_conversations",
        {"topic": "Staying clean", "module": "general", "context": {"module": "discipline"}},
    )  # fmt: skip
    study = await api.create(api.a, "ai_conversations", {"topic": "Cells", "module": "study"})

    async def prompt_of(conversation: dict[str, Any]) -> str:
        sent = await api.client.post(
            f"/api/v1/ai_conversations/{conversation['_id']}/messages",
            json={"content": "How am I doing?"},
            headers=api.a.headers,
        )
        assert sent.status_code == 201, sent.text
        return openai_server.last.prompt_text

    assert "recovery" not in (await prompt_of(discipline)).casefold()
    refused = await api.client.patch(
        "/api/v1/users/me", json={"aiShareRecovery": "yes"}, headers=api.a.headers
    )
    assert refused.status_code == 422
    turned_on = await api.client.patch(
        "/api/v1/users/me", json={"aiShareRecovery": True}, headers=api.a.headers
    )
    assert turned_on.status_code == 200 and turned_on.json()["aiShareRecovery"] is True
    shared = await prompt_of(discipline)
    assert "current streak 3 days (longest 3)" in shared
    assert "4 check-ins and 1 relapse in the last 14 days" in shared
    assert "average energy 3.5 (of 5)" in shared and "PRIVATE NOTE" not in shared
    assert "recovery" not in (await prompt_of(study)).casefold()
    await api.client.patch(
        "/api/v1/users/me", json={"aiShareRecovery": False}, headers=api.a.headers
    )
    assert "recovery" not in (await prompt_of(discipline)).casefold()
