"""What mind rows are shared: stoic quotes everyone reads (only admins write them, and nobody
sees who else saved one), and code projects their owner makes public, read-only to others."""

from __future__ import annotations

from tests.samples import sample_body
from tests.support import Api


async def test_shared_quotes_are_readable_but_only_admins_write_them(api: Api) -> None:
    quote = await api.create(api.admin, "stoic_quotes", sample_body("stoic_quotes"))
    assert (await api.get(api.b, f"stoic_quotes/{quote['_id']}")).status_code == 200
    path = f"/api/v1/stoic_quotes/{quote['_id']}"
    assert (
        await api.client.patch(path, json={"quote": "Rewritten"}, headers=api.b.headers)
    ).status_code == 403
    assert (await api.client.delete(path, headers=api.b.headers)).status_code == 403
    created = await api.client.post(
        "/api/v1/stoic_quotes", json=sample_body("stoic_quotes"), headers=api.b.headers
    )
    assert created.status_code == 403
    assert (await api.client.get(path)).status_code == 401


async def test_saving_a_quote_never_shows_who_else_saved_it(api: Api) -> None:
    quote = await api.create(api.admin, "stoic_quotes", sample_body("stoic_quotes"))
    path = f"/api/v1/stoic_quotes/{quote['_id']}/saved"
    assert (await api.client.put(path, headers=api.a.headers)).status_code in (200, 204)
    seen_by_b = (await api.get(api.b, f"stoic_quotes/{quote['_id']}")).json()
    assert seen_by_b["savedBy"] == []
    seen_by_a = (await api.get(api.a, f"stoic_quotes/{quote['_id']}")).json()
    assert seen_by_a["savedBy"] == [api.a.id]
    listed = (await api.get(api.b, "stoic_quotes")).json()["items"]
    assert all(item["savedBy"] == [] for item in listed)


async def test_public_code_projects_are_shared_read_only(api: Api) -> None:
    private = await api.create(api.a, "code_projects", sample_body("code_projects", isPublic=False))
    public = await api.create(api.a, "code_projects", sample_body("code_projects", isPublic=True))
    assert (await api.get(api.b, f"code_projects/{public['_id']}")).status_code == 200
    assert (await api.get(api.b, f"code_projects/{private['_id']}")).status_code == 404
    shared = (await api.get(api.b, "code_projects", scope="public")).json()["items"]
    assert [item["_id"] for item in shared] == [public["_id"]]
    mine = (await api.get(api.b, "code_projects")).json()["items"]
    assert [item["_id"] for item in mine] == [public["_id"]]
    path = f"/api/v1/code_projects/{public['_id']}"
    assert (
        await api.client.patch(path, json={"title": "x"}, headers=api.b.headers)
    ).status_code == 404
    assert (await api.client.delete(path, headers=api.b.headers)).status_code == 404
    anonymous = (await api.client.get("/api/v1/code_projects")).json()["items"]
    assert [item["_id"] for item in anonymous] == [public["_id"]]
