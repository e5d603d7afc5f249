"""Platforms are the spec's four, named in any case and stored in lowercase (docs/creator.md)."""

from __future__ import annotations

import pytest

from tests.samples import sample_body
from tests.support import Api


@pytest.mark.parametrize(
    ("table", "field"), [("content_items", "platform"), ("content_templates", "platforms")]
)
async def test_platforms_are_stored_in_lowercase_each_once(
    api: Api, table: str, field: str
) -> None:
    row = await api.create(
        api.a, table, sample_body(table, **{field: ["YouTube", " TikTok", "youtube"]})
    )
    assert row[field] == ["youtube", "tiktok"]

    response = await api.client.patch(
        f"/api/v1/{table}/{row['_id']}", json={field: ["Twitter"]}, headers=api.a.headers
    )
    assert response.status_code == 200, response.text
    assert response.json()[field] == ["twitter"]


@pytest.mark.parametrize(
    ("table", "field"), [("content_items", "platform"), ("content_templates", "platforms")]
)
async def test_an_unknown_platform_is_a_422_naming_the_field_and_the_choices(
    api: Api, table: str, field: str
) -> None:
    response = await api.client.post(
        f"/api/v1/{table}",
        json=sample_body(table, **{field: ["youtube", "myspace"]}),
        headers=api.a.headers,
    )
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["errors"][0]["field"] == field
    assert "myspace" in problem["detail"]
    assert "instagram, youtube, tiktok, twitter" in problem["detail"]

    row = await api.create(api.a, table, sample_body(table))
    response = await api.client.patch(
        f"/api/v1/{table}/{row['_id']}", json={field: ["Vine"]}, headers=api.a.headers
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == field
