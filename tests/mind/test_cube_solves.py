"""Solves through the API (docs/mind.md, "Cubing"): a DNF with a +2 is refused, `order=time`
puts a DNF after every finished time and counts a +2, and a solve stored with a served
scramble's id is checked and marked `scrambleVerified`, once per scramble."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx

from tests.mind.cube_bodies import served, timed_body
from tests.samples import sample_body
from tests.support import Api, Person
from whitecell.mind.cubing.scrambling import UNUSED_KEPT


async def _post(api: Api, who: Person, body: dict[str, Any]) -> httpx.Response:
    return await api.client.post("/api/v1/cube_times", json=body, headers=who.headers)


async def _count(api: Api, who: Person) -> int:
    response = await api.get(who, "cube_times", count="true")
    return int(response.json()["total"])


async def test_a_solve_both_dnf_and_plus_two_is_a_422_and_nothing_is_stored(api: Api) -> None:
    response = await _post(api, api.a, sample_body("cube_times", dnf=True, plusTwo=True))
    assert response.status_code == 422, response.text
    assert {e["field"] for e in response.json()["errors"]} == {"plusTwo", "dnf"}
    assert await _count(api, api.a) == 0


async def test_a_solve_cannot_be_edited_into_both(api: Api) -> None:
    solve = await api.create(api.a, "cube_times", sample_body("cube_times", plusTwo=True))
    path = f"/api/v1/cube_times/{solve['_id']}"
    response = await api.client.patch(path, json={"dnf": True}, headers=api.a.headers)
    assert response.status_code == 422
    fixed = await api.client.patch(
        path, json={"dnf": True, "plusTwo": False}, headers=api.a.headers
    )
    assert fixed.status_code == 200 and fixed.json()["dnf"] is True


async def test_order_by_time_counts_a_plus_two_and_puts_dnfs_after_every_time(api: Api) -> None:
    for time, plus_two, dnf in [
        (12_000, False, False),
        (5_000, False, True),  # the fastest raw time, but a DNF
        (11_000, True, False),  # 13.000 with its +2
        (12_500, False, False),
        (1_000, False, True),
    ]:
        await api.create(
            api.a, "cube_times", sample_body("cube_times", time=time, plusTwo=plus_two, dnf=dnf)
        )
    fastest = (await api.get(api.a, "cube_times", order="time")).json()["items"]
    assert [(s["time"], s["plusTwo"], s["dnf"]) for s in fastest][:3] == [
        (12_000, False, False),
        (12_500, False, False),
        (11_000, True, False),
    ]
    assert all(s["dnf"] for s in fastest[3:]) and len(fastest) == 5
    slowest = (await api.get(api.a, "cube_times", order="-time")).json()["items"]
    assert [s["dnf"] for s in slowest] == [True, True, False, False, False]
    # Pages follow the same order.
    first = (await api.get(api.a, "cube_times", order="time", limit=2)).json()
    rest = (
        await api.get(api.a, "cube_times", order="time", limit=10, cursor=first["nextCursor"])
    ).json()
    assert [s["_id"] for s in first["items"] + rest["items"]] == [s["_id"] for s in fastest]


async def test_a_solve_timed_against_a_served_scramble_is_verified(api: Api) -> None:
    body = await timed_body(api, api.a, cubeType="2x2", time=4_321)
    stored = await api.create(api.a, "cube_times", body)
    assert stored["scrambleVerified"] is True and stored["scrambleId"] == body["scrambleId"]
    plain = await api.create(api.a, "cube_times", sample_body("cube_times"))
    assert plain["scrambleVerified"] is False
    scramble = (await api.get(api.a, f"cube_scrambles/{body['scrambleId']}")).json()
    assert scramble["solveId"] == stored["_id"] and scramble["usedAt"] is not None


async def test_a_served_scramble_verifies_one_solve_only(api: Api) -> None:
    body = await timed_body(api, api.a)
    await api.create(api.a, "cube_times", body)
    again = await _post(api, api.a, body)
    assert again.status_code == 409
    assert again.json()["errors"][0]["field"] == "scrambleId"
    assert await _count(api, api.a) == 1


async def test_a_scramble_must_be_the_callers_and_match_the_solve(api: Api) -> None:
    body = await timed_body(api, api.a)
    theirs = await _post(api, api.b, body)
    assert theirs.status_code == 422 and theirs.json()["errors"][0]["field"] == "scrambleId"
    other_cube = await _post(api, api.a, {**body, "cubeType": "4x4"})
    assert other_cube.status_code == 422 and other_cube.json()["errors"][0]["field"] == "cubeType"
    other_moves = await _post(api, api.a, {**body, "scramble": "R U R' U'"})
    assert other_moves.status_code == 422
    assert other_moves.json()["errors"][0]["field"] == "scramble"
    # Refusals claim nothing: the scramble still verifies the solve it was served for.
    assert (await _post(api, api.a, body)).status_code == 201


async def test_a_solve_longer_than_the_time_since_its_scramble_was_served_is_refused(
    api: Api,
) -> None:
    scramble = await served(api, api.a, ago=timedelta(seconds=30))
    body = sample_body(
        "cube_times",
        time=45_000,
        scrambleId=scramble["_id"],
        scramble=scramble["scramble"],
        cubeType="3x3",
    )
    response = await _post(api, api.a, body)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "time"
    assert (await _post(api, api.a, {**body, "time": 20_000})).status_code == 201


async def test_a_verified_solve_keeps_its_scramble(api: Api) -> None:
    solve = await api.create(api.a, "cube_times", await timed_body(api, api.a))
    path = f"/api/v1/cube_times/{solve['_id']}"
    for change in ({"cubeType": "2x2"}, {"scramble": "R"}, {"scrambleId": None}):
        response = await api.client.patch(path, json=change, headers=api.a.headers)
        assert response.status_code == 422, (change, response.text)
    penalty = await api.client.patch(path, json={"plusTwo": True}, headers=api.a.headers)
    assert penalty.status_code == 200 and penalty.json()["scrambleVerified"] is True


async def test_scrambles_are_served_for_each_cube_type(api: Api) -> None:
    for cube_type, method in [
        ("3x3", "random-state"),
        ("2x2", "random-state"),
        ("pyraminx", "random-state"),
        ("4x4", "random-moves"),
    ]:
        response = await api.get(api.a, "cube_times/scramble", cubeType=cube_type)
        assert response.status_code == 200, response.text
        assert response.headers["cache-control"] == "no-store"
        scramble = response.json()
        assert (scramble["cubeType"], scramble["method"]) == (cube_type, method)
        assert scramble["scramble"] and scramble["usedAt"] is None
    mine = (await api.get(api.a, "cube_scrambles")).json()["items"]
    assert len(mine) == 4
    assert (await api.get(api.b, "cube_scrambles")).json()["items"] == []


async def test_a_scramble_needs_a_signed_in_caller_and_a_cube_type(api: Api) -> None:
    anonymous = await api.client.get("/api/v1/cube_times/scramble", params={"cubeType": "3x3"})
    assert anonymous.status_code == 401
    for params in ({}, {"cubeType": "megaminx"}):
        response = await api.get(api.a, "cube_times/scramble", **params)
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "cubeType"


async def test_only_the_newest_unclaimed_scrambles_stay_claimable(api: Api) -> None:
    first = await served(api, api.a, "2x2")
    for _ in range(UNUSED_KEPT):
        await api.get(api.a, "cube_times/scramble", cubeType="2x2")
    listed = (await api.get(api.a, "cube_scrambles", limit=100)).json()["items"]
    assert len(listed) == UNUSED_KEPT and first["_id"] not in {s["_id"] for s in listed}
