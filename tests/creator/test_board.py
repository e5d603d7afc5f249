"""The content board: columns in pipeline order, moves that reorder, the status history, and the
publishing XP paid once per item moved there (docs/creator.md, "Board")."""

from __future__ import annotations

from typing import Any

import httpx

from tests.samples import sample_body
from tests.support import Api, Person
from whitecell.gamification.worker import Engine


async def _item(api: Api, who: Person, title: str, status: str = "ideation") -> dict[str, Any]:
    return await api.create(
        who, "content_items", sample_body("content_items", title=title, status=status)
    )


async def _move(api: Api, who: Person, item_id: str, status: str, position: int) -> httpx.Response:
    return await api.client.post(
        f"/api/v1/content_items/{item_id}/move",
        json={"status": status, "position": position},
        headers=who.headers,
    )


async def _board(api: Api, who: Person) -> dict[str, list[str]]:
    response = await api.get(who, "content_items/board")
    assert response.status_code == 200, response.text
    columns = response.json()["columns"]
    assert [c["status"] for c in columns] == ["ideation", "scripting", "production", "publishing"]
    for column in columns:
        assert [i["position"] for i in column["items"]] == list(range(len(column["items"])))
    return {c["status"]: [i["title"] for i in c["items"]] for c in columns}


async def _published_xp(api: Api, who: Person, item_id: str) -> list[int]:
    """The publishing XP rows of an item, once the engine has scored every change."""
    await api.context.service(Engine).drain()
    response = await api.get(who, "xp_logs", sourceId=item_id, limit=100)
    assert response.status_code == 200, response.text
    rows = [r for r in response.json()["items"] if r["action"] == "content_published"]
    return sorted(r["baseXP"] for r in rows)


async def _badges(api: Api, who: Person) -> set[str]:
    await api.context.service(Engine).drain()
    response = await api.get(who, "badges", limit=100)
    assert response.status_code == 200, response.text
    return {b["badgeType"] for b in response.json()["items"]}


async def test_items_join_their_column_last_and_moves_reorder_both_columns(api: Api) -> None:
    a = await _item(api, api.a, "A")
    b = await _item(api, api.a, "B")
    c = await _item(api, api.a, "C")
    await _item(api, api.b, "theirs")
    assert await _board(api, api.a) == {
        "ideation": ["A", "B", "C"],
        "scripting": [],
        "production": [],
        "publishing": [],
    }
    assert (await _move(api, api.a, c["_id"], "ideation", 0)).status_code == 200
    assert (await _board(api, api.a))["ideation"] == ["C", "A", "B"]
    assert (await _move(api, api.a, c["_id"], "ideation", 1)).status_code == 200
    assert (await _board(api, api.a))["ideation"] == ["A", "C", "B"]
    assert (await _move(api, api.a, c["_id"], "ideation", 0)).status_code == 200

    moved = await _move(api, api.a, a["_id"], "scripting", 5)
    assert moved.status_code == 200, moved.text
    assert moved.json()["status"] == "scripting"
    assert moved.json()["position"] == 0
    assert (await _move(api, api.a, b["_id"], "scripting", 0)).status_code == 200
    assert await _board(api, api.a) == {
        "ideation": ["C"],
        "scripting": ["B", "A"],
        "production": [],
        "publishing": [],
    }
    # An edit of the status puts the item last in its new column.
    edited = await api.client.patch(
        f"/api/v1/content_items/{c['_id']}", json={"status": "scripting"}, headers=api.a.headers
    )
    assert edited.status_code == 200, edited.text
    assert (await _board(api, api.a))["scripting"] == ["B", "A", "C"]


async def test_every_status_change_is_timestamped_in_the_history(api: Api) -> None:
    item = await _item(api, api.a, "A")
    assert [(e["status"], e["via"]) for e in item["statusHistory"]] == [("ideation", "create")]
    await _move(api, api.a, item["_id"], "ideation", 3)  # a reorder: no status change
    await _move(api, api.a, item["_id"], "scripting", 0)
    edited = await api.client.patch(
        f"/api/v1/content_items/{item['_id']}", json={"status": "production"}, headers=api.a.headers
    )
    assert edited.status_code == 200, edited.text
    history = edited.json()["statusHistory"]
    assert [(e["status"], e["via"]) for e in history] == [
        ("ideation", "create"),
        ("scripting", "move"),
        ("production", "edit"),
    ]
    assert history[0]["at"] <= history[1]["at"] <= history[2]["at"]
    sent = await api.client.patch(
        f"/api/v1/content_items/{item['_id']}", json={"statusHistory": []}, headers=api.a.headers
    )
    assert sent.status_code == 422, sent.text


async def test_move_answers_401_404_and_422(api: Api) -> None:
    item = await _item(api, api.a, "A")
    path = f"/api/v1/content_items/{item['_id']}/move"
    assert (
        await api.client.post(path, json={"status": "scripting", "position": 0})
    ).status_code == 401
    assert (await _move(api, api.b, item["_id"], "scripting", 0)).status_code == 404
    for body in ({"status": "done", "position": 0}, {"status": "scripting", "position": -1}, {}):
        bad = await api.client.post(path, json=body, headers=api.a.headers)
        assert bad.status_code == 422, (body, bad.text)
    assert (await api.client.get("/api/v1/content_items/board")).status_code == 401


async def test_publishing_pays_once_per_item_moved_there_and_is_taken_back_on_delete(
    game: Api,
) -> None:
    item = await _item(game, game.a, "A", status="production")
    assert await _published_xp(game, game.a, item["_id"]) == []
    assert (await _move(game, game.a, item["_id"], "publishing", 0)).status_code == 200
    assert await _published_xp(game, game.a, item["_id"]) == [30]
    assert "first_publish" in await _badges(game, game.a)
    # Out and back in, and reordered: still paid once.
    await _move(game, game.a, item["_id"], "production", 0)
    await _move(game, game.a, item["_id"], "publishing", 0)
    await _move(game, game.a, item["_id"], "publishing", 3)
    assert await _published_xp(game, game.a, item["_id"]) == [30]

    gone = await game.client.delete(f"/api/v1/content_items/{item['_id']}", headers=game.a.headers)
    assert gone.status_code == 204, gone.text
    assert sum(await _published_xp(game, game.a, item["_id"])) == 0


async def test_an_item_created_or_edited_into_publishing_earns_nothing(game: Api) -> None:
    born = await _item(game, game.a, "born there", status="publishing")
    edited = await _item(game, game.a, "edited there")
    response = await game.client.patch(
        f"/api/v1/content_items/{edited['_id']}",
        json={"status": "publishing"},
        headers=game.a.headers,
    )
    assert response.status_code == 200, response.text
    # Reordering within publishing is no move into it.
    await _move(game, game.a, born["_id"], "publishing", 1)
    assert await _published_xp(game, game.a, born["_id"]) == []
    assert await _published_xp(game, game.a, edited["_id"]) == []
    assert "first_publish" not in await _badges(game, game.a)  # nor the badge


async def test_metrics_updates_keep_a_history(api: Api) -> None:
    item = await api.create(api.a, "content_items", sample_body("content_items", metrics=None))
    assert item["metricsHistory"] == []
    path = f"/api/v1/content_items/{item['_id']}"
    for views in (10, 10, 250):
        response = await api.client.patch(
            path, json={"metrics": {"views": views, "likes": 1}}, headers=api.a.headers
        )
        assert response.status_code == 200, response.text
    history = response.json()["metricsHistory"]
    assert [(p["views"], p["likes"]) for p in history] == [(10, 1), (250, 1)]
    assert all(p["at"] for p in history)
    await api.client.patch(path, json={"title": "B"}, headers=api.a.headers)
    assert len((await api.get(api.a, f"content_items/{item['_id']}")).json()["metricsHistory"]) == 2
