"""Memory palace drills through the API (docs/mind.md, "Memory palaces"): the server asks for each
location's items in order, scores the answers with the documented tolerance, keeps the drills
and shows a palace's progress; nobody else sees or answers them."""

from __future__ import annotations

from typing import Any

import httpx

from tests.support import Api, Person

PALACE = {
    "name": "Home",
    "description": "From the front door to the bedroom.",
    "locations": [
        {
            "id": "door",
            "name": "Front door",
            "description": "Green door",
            "items": ["Hydrogen (H): a fire hydrant", "Helium"],
        },
        {"id": "hall", "name": "Hallway", "description": "Long and dark", "items": []},
        {
            "id": "kitchen",
            "name": "Kitchen",
            "description": "Round table",
            "items": ["Lithium", "Beryllium", "Boron"],
        },
    ],
}


async def palace(api: Api, who: Person | None = None, **changes: Any) -> dict[str, Any]:
    return await api.create(who or api.a, "memory_palaces", {**PALACE, **changes})


async def start(api: Api, palace_id: str, who: Person | None = None) -> dict[str, Any]:
    started = await api.client.post(
        f"/api/v1/memory_palaces/{palace_id}/drill", headers=(who or api.a).headers
    )
    assert started.status_code == 201, started.text
    assert started.headers["Location"] == f"/api/v1/memory_drills/{started.json()['drill']['_id']}"
    found: dict[str, Any] = started.json()
    return found


async def answer(
    api: Api, drill_id: str, location: str, items: list[str], who: Person | None = None
) -> httpx.Response:
    return await api.client.post(
        f"/api/v1/memory_drills/{drill_id}/answer",
        json={"locationId": location, "items": items},
        headers=(who or api.a).headers,
    )


async def test_a_drill_asks_each_location_in_order_and_scores_with_the_tolerance(api: Api) -> None:
    home = await palace(api)
    started = await start(api, home["_id"])
    drill = started["drill"]
    assert drill["status"] == "open" and drill["locationIds"] == ["door", "kitchen"]
    assert drill["itemsTotal"] == 5
    assert started["prompt"] == {
        "step": 0,
        "number": 1,
        "of": 2,
        "locationId": "door",
        "name": "Front door",
        "description": "Green door",
        "itemCount": 2,
    }
    wrong_place = await answer(api, drill["_id"], "kitchen", ["lithium"])
    assert wrong_place.status_code == 409

    first = await answer(api, drill["_id"], "door", ["  HYDROGEN ", "Hellium"])
    assert first.status_code == 200, first.text
    result = first.json()["result"]
    assert [(i["verdict"], i["exact"]) for i in result["items"]] == [
        ("correct", True),
        ("correct", False),  # one slip in six letters is forgiven
    ]
    assert result["score"] == 100.0
    assert first.json()["prompt"]["locationId"] == "kitchen"  # the empty hallway is not asked

    last = await answer(api, drill["_id"], "kitchen", ["Beryllium", "Lithium", "Carbon", "Neon"])
    assert last.status_code == 200
    verdicts = [i["verdict"] for i in last.json()["result"]["items"]]
    assert verdicts == ["misplaced", "misplaced", "wrong", "extra"]
    finished = last.json()["drill"]
    assert last.json()["prompt"] is None
    assert finished["status"] == "finished" and finished["finishedAt"] is not None
    assert (finished["itemsCorrect"], finished["itemsMisplaced"], finished["itemsTotal"]) == (
        2,
        2,
        5,
    )
    assert finished["score"] == 60.0  # (2 + 2 x 0.5) of 5
    assert finished["durationSeconds"] >= 0 and len(finished["results"]) == 2
    over = await answer(api, drill["_id"], "kitchen", ["Lithium"])
    assert over.status_code == 409
    kept = (await api.get(api.a, f"memory_drills/{drill['_id']}")).json()
    assert kept == finished


async def test_progress_shows_every_finished_drill_and_each_room_s_accuracy(api: Api) -> None:
    home = await palace(api)
    for door, kitchen in [
        (["helium", "hydrogen"], ["lithium", "", ""]),
        (["hydrogen", "helium"], ["lithium", "beryllium", "boron"]),
    ]:
        drill = (await start(api, home["_id"]))["drill"]
        await answer(api, drill["_id"], "door", door)
        await answer(api, drill["_id"], "kitchen", kitchen)
    await start(api, home["_id"])  # an open drill is not progress yet
    shown = await api.get(api.a, f"memory_palaces/{home['_id']}/progress")
    assert shown.status_code == 200
    progress = shown.json()
    assert [d["score"] for d in progress["drills"]] == [40.0, 100.0]
    assert (progress["count"], progress["first"], progress["latest"], progress["best"]) == (
        2,
        40.0,
        100.0,
        100.0,
    )
    assert progress["change"] == 60.0
    rooms = {room["locationId"]: room for room in progress["locations"]}
    assert rooms["door"]["accuracy"] == 75.0 and rooms["door"]["drills"] == 2
    assert rooms["kitchen"]["accuracy"] == round(100 * 4 / 6, 1)
    assert rooms["hall"] == {"locationId": "hall", "name": "Hallway", "drills": 0, "accuracy": None}
    listed = (await api.get(api.a, "memory_drills", palaceId=home["_id"])).json()["items"]
    assert [d["status"] for d in listed] == ["open", "finished", "finished"]


async def test_a_new_drill_abandons_the_open_one_and_an_open_drill_can_be_resumed(api: Api) -> None:
    home = await palace(api)
    first = (await start(api, home["_id"]))["drill"]
    await answer(api, first["_id"], "door", ["hydrogen", "helium"])
    resumed = (await api.get(api.a, f"memory_drills/{first['_id']}/prompt")).json()
    assert resumed["prompt"]["locationId"] == "kitchen" and resumed["drill"]["step"] == 1
    await start(api, home["_id"])
    abandoned = (await api.get(api.a, f"memory_drills/{first['_id']}")).json()
    assert abandoned["status"] == "abandoned"
    assert (await answer(api, first["_id"], "kitchen", ["lithium"])).status_code == 409
    assert (await api.get(api.a, f"memory_drills/{first['_id']}/prompt")).json()["prompt"] is None


async def test_a_location_emptied_during_a_drill_is_passed_over(api: Api) -> None:
    home = await palace(api)
    drill = (await start(api, home["_id"]))["drill"]
    emptied = [dict(loc, items=[]) if loc["id"] == "door" else loc for loc in PALACE["locations"]]
    patched = await api.client.patch(
        f"/api/v1/memory_palaces/{home['_id']}", json={"locations": emptied}, headers=api.a.headers
    )
    assert patched.status_code == 200
    assert (await answer(api, drill["_id"], "door", ["hydrogen"])).status_code == 409
    last = await answer(api, drill["_id"], "kitchen", ["lithium", "beryllium", "boron"])
    assert last.json()["drill"]["score"] == 100.0 and last.json()["drill"]["itemsTotal"] == 3


async def test_drills_are_their_owner_s_alone(api: Api) -> None:
    home = await palace(api)
    drill = (await start(api, home["_id"]))["drill"]
    headers = api.b.headers
    assert (
        await api.client.post(f"/api/v1/memory_palaces/{home['_id']}/drill", headers=headers)
    ).status_code == 404
    assert (await answer(api, drill["_id"], "door", ["hydrogen"], api.b)).status_code == 404
    assert (await api.get(api.b, f"memory_drills/{drill['_id']}")).status_code == 404
    assert (await api.get(api.b, f"memory_drills/{drill['_id']}/prompt")).status_code == 404
    assert (await api.get(api.b, f"memory_palaces/{home['_id']}/progress")).status_code == 404
    assert (await api.get(api.b, "memory_drills")).json()["items"] == []
    gone = await api.client.delete(f"/api/v1/memory_drills/{drill['_id']}", headers=headers)
    assert gone.status_code == 404
    assert (await api.client.post(f"/api/v1/memory_palaces/{home['_id']}/drill")).status_code == 401
    # The owner may delete a drill; nobody writes one by hand.
    made = await api.client.post("/api/v1/memory_drills", json={}, headers=api.a.headers)
    assert made.status_code in (403, 405)
    deleted = await api.client.delete(
        f"/api/v1/memory_drills/{drill['_id']}", headers=api.a.headers
    )
    assert deleted.status_code == 204


async def test_a_palace_without_items_or_a_bad_answer_is_refused(api: Api) -> None:
    empty = await palace(api, locations=[{"id": "x", "name": "X", "description": "", "items": []}])
    refused = await api.client.post(
        f"/api/v1/memory_palaces/{empty['_id']}/drill", headers=api.a.headers
    )
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "locations"
    home = await palace(api)
    drill = (await start(api, home["_id"]))["drill"]
    path = f"/api/v1/memory_drills/{drill['_id']}/answer"
    for body, field in [
        ({"locationId": "door"}, "items"),
        ({"locationId": "door", "items": "hydrogen"}, "items"),
        ({"locationId": "door", "items": [], "extra": 1}, "extra"),
    ]:
        bad = await api.client.post(path, json=body, headers=api.a.headers)
        assert bad.status_code == 422, body
        assert bad.json()["errors"][0]["field"] == field
    still = (await api.get(api.a, f"memory_drills/{drill['_id']}")).json()
    assert still["step"] == 0 and still["results"] == []


async def test_deleting_a_palace_deletes_its_drills(api: Api) -> None:
    home = await palace(api)
    other = await palace(api, name="Office")
    drill = (await start(api, home["_id"]))["drill"]
    kept = (await start(api, other["_id"]))["drill"]
    deleted = await api.client.delete(
        f"/api/v1/memory_palaces/{home['_id']}", headers=api.a.headers
    )
    assert deleted.status_code == 204
    assert (await api.get(api.a, f"memory_drills/{drill['_id']}")).status_code == 404
    assert (await api.get(api.a, f"memory_drills/{kept['_id']}")).status_code == 200
