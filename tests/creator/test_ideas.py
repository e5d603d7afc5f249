"""Ideas promoted to content items in one call (docs/creator.md, "Ideas")."""

from __future__ import annotations

from tests.samples import sample_body
from tests.support import Api


async def test_an_idea_becomes_an_item_linked_both_ways_once(api: Api) -> None:
    idea = await api.create(
        api.a,
        "content_ideas",
        sample_body("content_ideas", title="Owls at night", brainstormPoints=["eyes", "ears"]),
    )
    path = f"/api/v1/content_ideas/{idea['_id']}/promote"
    response = await api.client.post(
        path, json={"platform": ["YouTube"], "dueDate": "2026-12-24"}, headers=api.a.headers
    )
    assert response.status_code == 201, response.text
    item = response.json()
    assert item["title"] == "Owls at night"
    assert item["ideaId"] == idea["_id"]
    assert item["status"] == "ideation"
    assert item["platform"] == ["youtube"]
    assert item["dueDate"] == "2026-12-24"
    assert item["description"] == "- eyes\n- ears"

    stored = (await api.get(api.a, f"content_ideas/{idea['_id']}")).json()
    assert stored["promotedTo"] == item["_id"]
    assert stored["usedAt"] is not None

    again = await api.client.post(path, json={"platform": ["youtube"]}, headers=api.a.headers)
    assert again.status_code == 409, again.text

    # Deleting the item frees the idea: it may be promoted again.
    gone = await api.client.delete(f"/api/v1/content_items/{item['_id']}", headers=api.a.headers)
    assert gone.status_code == 204, gone.text
    freed = (await api.get(api.a, f"content_ideas/{idea['_id']}")).json()
    assert freed["promotedTo"] is None
    assert freed["usedAt"] == stored["usedAt"]
    response = await api.client.post(path, json={"platform": ["tiktok"]}, headers=api.a.headers)
    assert response.status_code == 201, response.text


async def test_promote_answers_401_404_and_422(api: Api) -> None:
    idea = await api.create(api.a, "content_ideas", sample_body("content_ideas"))
    path = f"/api/v1/content_ideas/{idea['_id']}/promote"
    assert (await api.client.post(path, json={"platform": ["youtube"]})).status_code == 401
    theirs = await api.client.post(path, json={"platform": ["youtube"]}, headers=api.b.headers)
    assert theirs.status_code == 404, theirs.text
    for body in (
        {},
        {"platform": []},
        {"platform": ["myspace"]},
        {"platform": ["youtube"], "x": 1},
    ):
        bad = await api.client.post(path, json=body, headers=api.a.headers)
        assert bad.status_code == 422, (body, bad.text)
    stored = (await api.get(api.a, f"content_ideas/{idea['_id']}")).json()
    assert stored["promotedTo"] is None
