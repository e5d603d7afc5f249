"""Recurring tasks: instances made for the coming days by the job and on demand, never twice for
a day even when both race; editing or ending the rule changes only future instances."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import pytest

from tests.discipline.test_tasks import at, in_zone
from tests.support import Api
from whitecell.discipline.jobs import make_recurring_tasks

RULES = "/api/v1/task_recurrences"


async def instances(api: Api, rule_id: str) -> list[dict[str, Any]]:
    async with api.context.store.read() as tx:
        rows = await tx.all(
            'SELECT "_id" FROM daily_tasks WHERE "recurrenceId" = :r ORDER BY "date"',
            {"r": rule_id},
        )
    found = []
    for (task_id,) in rows:
        answer = await api.client.get(f"/api/v1/daily_tasks/{task_id}", headers=api.a.headers)
        found.append(answer.json())
    return found


async def new_rule(api: Api, **fields: Any) -> dict[str, Any]:
    body = {"title": "Stretch", "priority": 4, "dueTime": "07:00", **fields}
    answer = await api.client.post(RULES, json=body, headers=api.a.headers)
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


async def test_the_job_and_an_on_demand_call_racing_make_each_day_once(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    await in_zone(api, "Pacific/Auckland")
    at(monkeypatch, "2026-03-10T11:30:00Z")  # 00:30 on 11 March in Auckland, the 10th in UTC
    rule = await new_rule(api)
    assert rule["startDate"] == "2026-03-11"
    made = await instances(api, rule["_id"])
    assert [t["date"] for t in made] == [f"2026-03-{d}" for d in range(11, 18)]
    assert {(t["title"], t["priority"], t["dueTime"], t["completed"]) for t in made} == {
        ("Stretch", 4, "07:00", False)
    }

    at(monkeypatch, "2026-03-13T11:30:00Z")  # three days on: 14 March there
    job, on_demand, today = await asyncio.gather(
        make_recurring_tasks(api.context),
        api.client.post(f"{RULES}/{rule['_id']}/materialize", headers=api.a.headers),
        api.client.get("/api/v1/daily_tasks/today", headers=api.a.headers),
    )
    assert on_demand.status_code == 200 and today.status_code == 200
    made_now = job["recurring_tasks_made"] + len(on_demand.json()["created"])
    assert made_now == 3  # 18, 19 and 20 March, whoever made them
    per_day = Counter(t["date"] for t in await instances(api, rule["_id"]))
    assert list(per_day.values()) == [1] * 10 and max(per_day) == "2026-03-20"
    # Nothing is left to make: neither again makes anything.
    assert (await make_recurring_tasks(api.context))["recurring_tasks_made"] == 0
    again = await api.client.post(f"{RULES}/{rule['_id']}/materialize", headers=api.a.headers)
    assert again.json()["created"] == []
    # A task its owner deleted is not made again.
    gone = (await instances(api, rule["_id"]))[-1]
    await api.client.delete(f"/api/v1/daily_tasks/{gone['_id']}", headers=api.a.headers)
    await make_recurring_tasks(api.context)
    assert len(await instances(api, rule["_id"])) == 9


async def test_editing_or_ending_a_rule_changes_only_future_instances(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    await in_zone(api, "America/Los_Angeles")
    at(monkeypatch, "2026-11-16T18:00:00Z")  # Monday 16 November, 10:00 in Los Angeles
    rule = await new_rule(api, startDate="2026-11-16")
    made = {t["date"]: t for t in await instances(api, rule["_id"])}
    done = made["2026-11-20"]
    await api.client.patch(
        f"/api/v1/daily_tasks/{done['_id']}", json={"completed": True}, headers=api.a.headers
    )
    at(monkeypatch, "2026-11-18T18:00:00Z")  # Wednesday 18th
    path = f"{RULES}/{rule['_id']}"
    changes = {"title": "Yoga", "frequency": "weekly", "weekdays": ["MO", "WE", "FR"]}
    edited = await api.client.patch(path, json=changes, headers=api.a.headers)
    assert edited.status_code == 200, edited.text
    after = [(t["date"], t["title"], t["completed"]) for t in await instances(api, rule["_id"])]
    assert after == [
        ("2026-11-16", "Stretch", False),  # the past and today stay as they were
        ("2026-11-17", "Stretch", False),
        ("2026-11-18", "Stretch", False),
        ("2026-11-20", "Stretch", True),  # a completed one too
        ("2026-11-23", "Yoga", False),  # the future follows the new rule (through the 24th)
    ]

    ended = await api.client.patch(path, json={"endDate": "2026-11-18"}, headers=api.a.headers)
    assert ended.status_code == 200
    after = [(t["date"], t["title"]) for t in await instances(api, rule["_id"])]
    assert after == [
        ("2026-11-16", "Stretch"),
        ("2026-11-17", "Stretch"),
        ("2026-11-18", "Stretch"),
        ("2026-11-20", "Stretch"),
    ]


async def test_rules_are_checked_and_private(api: Api) -> None:
    bad_day = await api.client.post(
        RULES,
        json={"title": "x", "frequency": "weekly", "weekdays": ["XX"]},
        headers=api.a.headers,
    )
    assert bad_day.status_code == 422 and "weekdays" in bad_day.text
    backwards = await api.client.post(
        RULES,
        json={"title": "x", "startDate": "2026-05-02", "endDate": "2026-05-01"},
        headers=api.a.headers,
    )
    assert backwards.status_code == 422 and "endDate" in backwards.text
    rule = await new_rule(api)
    path = f"{RULES}/{rule['_id']}/materialize"
    assert (await api.client.post(path)).status_code == 401
    assert (await api.client.post(path, headers=api.b.headers)).status_code == 404
    missing = await api.client.post(f"{RULES}/nope/materialize", headers=api.a.headers)
    assert missing.status_code == 404
    # Sending the server's own fields is refused.
    sneaky = await api.client.post(
        RULES, json={"title": "x", "materializedThrough": "2030-01-01"}, headers=api.a.headers
    )
    assert sneaky.status_code == 422
