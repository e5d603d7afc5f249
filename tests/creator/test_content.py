"""Creator content: items are listed by any one of the platforms they go out on."""

from __future__ import annotations

from tests.samples import sample_body
from tests.support import Api


async def test_a_content_item_is_found_by_any_one_of_its_platforms(api: Api) -> None:
    both = await api.create(
        api.a, "content_items", sample_body("content_items", platform=["youtube", "tiktok"])
    )
    video = await api.create(
        api.a, "content_items", sample_body("content_items", platform=["youtube"])
    )
    await api.create(api.b, "content_items", sample_body("content_items", platform=["tiktok"]))

    async def listed(platform: str) -> set[str]:
        response = await api.get(api.a, "content_items", platform=platform)
        assert response.status_code == 200, response.text
        return {item["_id"] for item in response.json()["items"]}

    assert await listed("youtube") == {both["_id"], video["_id"]}
    assert await listed("tiktok") == {both["_id"]}
    assert await listed("instagram") == set()
