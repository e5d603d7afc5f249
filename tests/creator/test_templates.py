"""Templates: a script rendered from values in a sandbox, placeholders named when missing, and
reuse counted when a content item is made from one (docs/creator.md, "Templates")."""

from __future__ import annotations

from typing import Any

from tests.samples import sample_body
from tests.support import Api, Person

SCRIPT = "Did you know {{ fact }}? {{explanation}}. Ask {{fact}} again."


async def _template(api: Api, who: Person, script: str = SCRIPT) -> dict[str, Any]:
    return await api.create(
        who, "content_templates", sample_body("content_templates", scriptTemplate=script)
    )


async def _render(api: Api, who: Person, template_id: str, values: dict[str, Any]) -> Any:
    return await api.client.post(
        f"/api/v1/content_templates/{template_id}/render",
        json={"values": values},
        headers=who.headers,
    )


async def test_a_script_is_filled_from_the_values(api: Api) -> None:
    template = await _template(api, api.a)
    response = await _render(api, api.a, template["_id"], {"fact": "owls", "explanation": "{{x}}"})
    assert response.status_code == 200, response.text
    assert response.json() == {
        "templateId": template["_id"],
        "placeholders": ["fact", "explanation"],
        "script": "Did you know owls? {{x}}. Ask owls again.",
    }


async def test_a_missing_or_unknown_placeholder_is_named_in_a_422(api: Api) -> None:
    template = await _template(api, api.a)
    response = await _render(api, api.a, template["_id"], {"fact": "owls", "mood": "calm"})
    assert response.status_code == 422, response.text
    fields = [error["field"] for error in response.json()["errors"]]
    assert fields == ["values.explanation", "values.mood"]


async def test_a_script_that_reaches_past_placeholders_is_refused_when_saved(api: Api) -> None:
    for script in (
        "{{ fact.__class__ }}",
        "{% for i in range(9) %}x{% endfor %}",
        "{{ a|e }}",
        "{{",
    ):
        response = await api.client.post(
            "/api/v1/content_templates",
            json=sample_body("content_templates", scriptTemplate=script),
            headers=api.a.headers,
        )
        assert response.status_code == 422, (script, response.text)
        assert response.json()["errors"][0]["field"] == "scriptTemplate"


async def test_render_answers_401_404_and_422_for_a_bad_body(api: Api) -> None:
    template = await _template(api, api.a)
    path = f"/api/v1/content_templates/{template['_id']}/render"
    assert (await api.client.post(path, json={"values": {}})).status_code == 401
    assert (await _render(api, api.b, template["_id"], {"fact": "x"})).status_code == 404
    bad = await api.client.post(path, json={"values": {"fact": 3}}, headers=api.a.headers)
    assert bad.status_code == 422, bad.text
    bare = await api.create(
        api.a, "content_templates", sample_body("content_templates", scriptTemplate=None)
    )
    response = await _render(api, api.a, bare["_id"], {})
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == "scriptTemplate"


async def test_an_item_made_from_a_template_counts_one_use(api: Api) -> None:
    template = await _template(api, api.a)
    for _ in range(2):
        item = await api.create(
            api.a, "content_items", sample_body("content_items", templateId=template["_id"])
        )
        assert item["templateId"] == template["_id"]
    await api.create(api.a, "content_items", sample_body("content_items"))
    stored = (await api.get(api.a, f"content_templates/{template['_id']}")).json()
    assert stored["reusageCount"] == 2

    moved = await api.client.patch(
        f"/api/v1/content_items/{item['_id']}", json={"templateId": None}, headers=api.a.headers
    )
    assert moved.status_code == 422, moved.text
    assert moved.json()["errors"][0]["field"] == "templateId"

    sent = await api.client.patch(
        f"/api/v1/content_templates/{template['_id']}",
        json={"reusageCount": 99},
        headers=api.a.headers,
    )
    assert sent.status_code == 422, sent.text

    # Another user's template is not theirs to count.
    theirs = await api.client.post(
        "/api/v1/content_items",
        json=sample_body("content_items", templateId=template["_id"]),
        headers=api.b.headers,
    )
    assert theirs.status_code in (404, 422), theirs.text
    again = (await api.get(api.a, f"content_templates/{template['_id']}")).json()
    assert again["reusageCount"] == 2
