"""Feature flags evaluated for the caller (docs/operations.md, "Feature flags"), on both
databases: targeting by user, by role and by a stable rollout that only grows; roles checked;
the flags kept in memory and read again after a change, from this process or another."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.support import Api, ClientFactory, Person, api_with
from whitecell.system.flags import rollout_bucket

EVALUATE = "/api/v1/feature_flags/evaluate"


def test_rollout_is_stable_and_only_grows_over_10000_users() -> None:
    users = [{"_id": f"user{n:05d}", "role": "user"} for n in range(10_000)]
    buckets = {u["_id"]: rollout_bucket("new-coach", u["_id"]) for u in users}
    # The same answer in every process and release: the hash is pinned.
    assert rollout_bucket("new-coach", "user00000") == buckets["user00000"]
    assert rollout_bucket("new-coach", "user00042") == 1661
    previous: set[str] = set()
    for percentage in range(101):
        on = {user for user, bucket in buckets.items() if bucket < percentage * 100}
        assert previous <= on  # raising the percentage only adds users
        assert abs(len(on) - percentage * 100) <= 150  # and about that share of them
        previous = on
    assert len(previous) == 10_000
    # Another flag's early adopters are other users.
    other = {u for u in buckets if rollout_bucket("dark-mode", u) < 1000}
    first = {u for u, b in buckets.items() if b < 1000}
    assert len(other & first) < 200


async def flag(api: Api, **fields: Any) -> dict[str, Any]:
    body = {"isEnabled": True, "rolloutPercentage": 0, **fields}
    return await api.create(api.admin, "feature_flags", body)


async def evaluate(api: Api, who: Person) -> list[str]:
    answer = await api.client.get(EVALUATE, headers=who.headers)
    assert answer.status_code == 200, answer.text
    flags: list[str] = answer.json()["flags"]
    return flags


async def test_each_user_gets_the_flags_on_for_them(api: Api) -> None:
    await flag(api, name="for-a", targetUsers=[api.a.id])
    await flag(api, name="for-admins", targetRoles=["admin"])
    await flag(api, name="everyone", rolloutPercentage=100)
    await flag(api, name="nobody", rolloutPercentage=0)
    await flag(api, name="switched-off", isEnabled=False, rolloutPercentage=100,
               targetUsers=[api.a.id])  # fmt: skip
    assert await evaluate(api, api.a) == ["everyone", "for-a"]
    assert await evaluate(api, api.b) == ["everyone"]
    assert await evaluate(api, api.admin) == ["everyone", "for-admins"]
    assert (await api.client.get(EVALUATE)).status_code == 401


async def test_a_role_nobody_has_is_refused(api: Api) -> None:
    refused = await api.client.post(
        "/api/v1/feature_flags",
        json={"name": "wizards", "isEnabled": True, "targetRoles": ["creator", "wizard"]},
        headers=api.admin.headers,
    )
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["targetRoles"]
    made = await flag(api, name="creators", targetRoles=["creator"])
    patched = await api.client.patch(
        f"/api/v1/feature_flags/{made['_id']}",
        json={"targetRoles": ["wizard"]},
        headers=api.admin.headers,
    )
    assert patched.status_code == 422
    assert (await api.get(api.admin, "feature_flags")).json()["items"][0]["targetRoles"] == [
        "creator"
    ]


async def test_flags_are_kept_in_memory_and_read_again_after_a_change(api: Api) -> None:
    made = await flag(api, name="beta", targetUsers=[api.a.id])
    assert await evaluate(api, api.a) == ["beta"]
    # Changed behind the server's back (no change event): the kept flags still answer, which
    # shows evaluation does not read the table on each request.
    async with api.context.store.write() as tx:
        await tx.execute('UPDATE feature_flags SET "isEnabled" = :off', {"off": False})
    assert await evaluate(api, api.a) == ["beta"]
    # A change through the API is seen at once.
    await api.client.patch(
        f"/api/v1/feature_flags/{made['_id']}",
        json={"isEnabled": True, "rolloutPercentage": 100},
        headers=api.admin.headers,
    )
    assert await evaluate(api, api.b) == ["beta"]
    await api.client.delete(f"/api/v1/feature_flags/{made['_id']}", headers=api.admin.headers)
    assert await evaluate(api, api.a) == []


async def test_a_change_made_by_another_process_reaches_this_one(
    make_client: ClientFactory, database_url: str
) -> None:
    if database_url.startswith("sqlite"):
        pytest.skip("SQLite is served by one process")
    first = await api_with(make_client)
    second = await make_client()
    made = await flag(first, name="beta", targetUsers=[first.a.id])

    async def seen_by_second() -> list[str]:
        answer = await second.get(EVALUATE, headers=first.a.headers)
        return list(answer.json()["flags"])

    assert await seen_by_second() == ["beta"]
    await first.client.patch(
        f"/api/v1/feature_flags/{made['_id']}",
        json={"isEnabled": False},
        headers=first.admin.headers,
    )
    for _ in range(100):  # the second process's feed wakes on the commit's NOTIFY
        if await seen_by_second() == []:
            break
        await asyncio.sleep(0.05)
    assert await seen_by_second() == []
