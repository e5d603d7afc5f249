"""Administrators list and search accounts through `/api/v1/users`; nobody else may."""

from __future__ import annotations

from tests.support import Api


async def test_admins_list_and_search_users(api: Api) -> None:
    everyone = (await api.get(api.admin, "../v1/users")).json()
    found = await api.client.get(
        "/api/v1/users", params={"search": "bob"}, headers=api.admin.headers
    )
    assert found.status_code == 200, found.text
    assert [u["_id"] for u in found.json()["items"]] == [api.b.id]
    assert everyone is not None
    refused = await api.client.get("/api/v1/users", headers=api.a.headers)
    assert refused.status_code == 403
