"""`GET /api/v1/cube_times/stats` (docs/mind.md, "Cubing: statistics"): WCA statistics of the
caller's solves, kept beside them as solves come and go, always equal to the statistics computed
from scratch over what is stored."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.samples import sample_body
from tests.support import Api, Person
from whitecell.mind.cubing.averages import single_value
from whitecell.mind.cubing.stats import stats_answer
from whitecell.mind.cubing.tally import tally_of

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def at(minute: int) -> str:
    return (START + timedelta(minutes=minute)).isoformat()


async def _stats(api: Api, who: Person, **params: Any) -> dict[str, Any]:
    response = await api.get(who, "cube_times/stats", **{"cubeType": "3x3", **params})
    assert response.status_code == 200, response.text
    return dict(response.json())


async def _solve(api: Api, who: Person, time: int, minute: int, **extra: Any) -> dict[str, Any]:
    extra.setdefault("plusTwo", False)
    body = sample_body("cube_times", cubeType="3x3", time=time, date=at(minute), **extra)
    return await api.create(who, "cube_times", body)


async def _expected(api: Api, who: Person, **params: Any) -> dict[str, Any]:
    """The statistics computed from scratch over the stored solves (the list API)."""
    solves: list[dict[str, Any]] = []
    cursor = None
    while True:
        query = {"cubeType": "3x3", "order": "date", "limit": 100, **params}
        if cursor:
            query["cursor"] = cursor
        page = (await api.get(who, "cube_times", **query)).json()
        solves += page["items"]
        cursor = page["nextCursor"]
        if not cursor:
            break
    solves.sort(key=lambda s: (s["date"], s["_id"]))
    tally = tally_of(
        [(single_value(s["time"], s["plusTwo"], s["dnf"]), s["_id"], s["date"]) for s in solves]
    )
    return stats_answer(tally, "3x3", params.get("sessionId"))


async def test_the_reference_ao5_through_the_api(api: Api) -> None:
    for minute, (time, dnf) in enumerate(
        [(10_000, False), (12_000, False), (11_000, False), (4_000, True), (9_000, False)]
    ):
        await _solve(api, api.a, time, minute, dnf=dnf)
    stats = await _stats(api, api.a)
    assert (stats["solves"], stats["dnfs"]) == (5, 1)
    assert stats["current"]["ao5"] == stats["best"]["ao5"] == 11_000
    assert stats["best"]["single"] == 9_000 and stats["current"]["single"] == 9_000
    assert stats["current"]["mo3"] == -1 and stats["best"]["mo3"] == 11_000
    assert stats["current"]["ao12"] is None and stats["best"]["ao100"] is None
    assert stats["mean"] == 10_500
    singles = [e for e in stats["personalBests"] if e["stat"] == "single"]
    assert [e["value"] for e in singles] == [10_000, 9_000]


async def test_two_dnfs_make_the_ao5_a_dnf_through_the_api(api: Api) -> None:
    for minute, (time, dnf) in enumerate(
        [(10_000, False), (12_000, True), (11_000, False), (4_000, True), (9_000, False)]
    ):
        await _solve(api, api.a, time, minute, dnf=dnf)
    assert (await _stats(api, api.a))["current"]["ao5"] == -1


async def test_stats_follow_every_kind_of_change(api: Api) -> None:
    """New solves, back-dated ones, a corrected last solve, deletions: after each, the kept
    statistics equal those computed from scratch."""
    rng = random.Random(14)
    solves: list[dict[str, Any]] = []
    minute = 0
    await _stats(api, api.a)  # kept from the first (empty) read on
    for step in range(40):
        kind = rng.choice(["new"] * 6 + ["earlier", "last+2", "delete-last", "delete-any"])
        if kind == "new" or not solves:
            minute += 1
            dnf = rng.random() < 0.15
            solve = await _solve(api, api.a, rng.randint(9_000, 15_000), minute, dnf=dnf)
            solves.append(solve)
        elif kind == "earlier":
            solves.append(await _solve(api, api.a, rng.randint(9_000, 15_000), -step))
        elif kind == "last+2":
            last = max(solves, key=lambda s: (s["date"], s["_id"]))
            change = {"plusTwo": not last["plusTwo"], "dnf": False}
            response = await api.client.patch(
                f"/api/v1/cube_times/{last['_id']}", json=change, headers=api.a.headers
            )
            solves[solves.index(last)] = response.json()
        else:
            chosen = (
                max(solves, key=lambda s: (s["date"], s["_id"]))
                if kind == "delete-last"
                else rng.choice(solves)
            )
            await api.client.delete(f"/api/v1/cube_times/{chosen['_id']}", headers=api.a.headers)
            solves.remove(chosen)
        assert await _stats(api, api.a) == await _expected(api, api.a), (step, kind)


async def test_a_session_has_statistics_of_its_own(api: Api) -> None:
    await _solve(api, api.a, 10_000, 1, sessionId="morning")
    await _solve(api, api.a, 20_000, 2, sessionId="evening")
    await _solve(api, api.a, 12_000, 3, sessionId="morning")
    morning = await _stats(api, api.a, sessionId="morning")
    assert (morning["solves"], morning["mean"], morning["sessionId"]) == (2, 11_000, "morning")
    everything = await _stats(api, api.a)
    assert everything["solves"] == 3 and everything["sessionId"] is None
    assert morning == await _expected(api, api.a, sessionId="morning")


async def test_each_cube_type_has_its_statistics(api: Api) -> None:
    await _solve(api, api.a, 10_000, 1)
    two = await api.get(api.a, "cube_times/stats", cubeType="2x2")
    assert two.json()["solves"] == 0 and two.json()["best"]["single"] is None


async def test_someone_else_s_solves_never_reach_my_statistics(api: Api) -> None:
    await _solve(api, api.a, 10_000, 1)
    assert (await _stats(api, api.b))["solves"] == 0
    await _solve(api, api.b, 30_000, 2)
    assert (await _stats(api, api.a))["best"]["single"] == 10_000


async def test_stats_need_a_signed_in_caller_and_a_cube_type(api: Api) -> None:
    anonymous = await api.client.get("/api/v1/cube_times/stats", params={"cubeType": "3x3"})
    assert anonymous.status_code == 401
    for params in ({}, {"cubeType": "5x5"}):
        response = await api.get(api.a, "cube_times/stats", **params)
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "cubeType"
