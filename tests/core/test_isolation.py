"""Generated for every table and every endpoint: user B can never read, list, change or delete
user A's rows, and an answer about A's row is indistinguishable from one about no row at all."""

from __future__ import annotations

from typing import Any

import pytest

from tests.samples import editable_column, other_value, sample_body
from tests.support import Api, Person
from whitecell.core import crud
from whitecell.core.ids import new_id
from whitecell.core.tables import REGISTRY, Kind, Table
from whitecell.gamification.worker import Engine

OWNER_READ = [
    pytest.param(t, id=t.name)
    for t in REGISTRY.values()
    if t.access.read in ("owner", "owner_or_public") and t.name != "users"
]
# `users` has its own router (public profiles for all, full documents for admins): tests/users.
ADMIN_READ = [
    pytest.param(t, id=t.name)
    for t in REGISTRY.values()
    if t.access.read == "admin" and t.name != "users"
]


async def _row_of(api: Api, who: Person, table: Table, **overrides: Any) -> dict[str, Any]:
    """A row owned by `who`, made the way such rows are made (the API, a login, the server)."""
    if table.access.create == "owner":
        return await api.create(who, table.name, sample_body(table, **overrides))
    if table.name == "sessions":
        page = (await api.get(who, "sessions")).json()
        return dict(page["items"][0])
    document = {"_id": new_id(), "userId": who.id, **sample_body(table), **overrides}
    for column in table.columns.values():
        if column.kind == Kind.TIMESTAMP and column.required and column.name not in document:
            document[column.name] = "2026-11-20T10:00:00.000Z"
    async with api.context.store.write() as tx:
        return await crud.insert_server_row(tx, table, document)


def _change_for(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    if not table.writable_columns:
        return {}
    column = editable_column(table)
    return {column.name: other_value(column, row[column.name])}


def _problem(response: Any) -> tuple[int, str]:
    body = response.json()
    return response.status_code, body["title"]


@pytest.mark.parametrize("table", OWNER_READ)
async def test_b_cannot_reach_a_s_rows(api: Api, table: Table) -> None:
    overrides = {table.access.public_flag: False} if table.access.public_flag else {}
    row = await _row_of(api, api.a, table, **overrides)
    path = f"{table.name}/{row['_id']}"
    # The gamification engine may still write a derived field (a session's `xpEarned`) to A's
    # row; let it finish, so the comparison at the end sees only what B's requests did.
    await api.context.service(Engine).drain()
    if table.name != "sessions":
        row = (await api.get(api.a, path)).json()
    missing = await api.get(api.b, f"{table.name}/{new_id()}")

    read = await api.get(api.b, path)
    assert read.status_code == 404
    assert _problem(read) == _problem(missing)

    listed = await api.get(api.b, table.name, count="true", limit=100)
    assert listed.status_code == 200
    assert row["_id"] not in {item["_id"] for item in listed.json()["items"]}
    by_id = (await api.get(api.b, table.name, _id=row["_id"], count="true")).json()
    assert by_id["items"] == [] and by_id["total"] == 0

    change = await api.client.patch(
        f"/api/v1/{path}",
        json=_change_for(table, row),
        headers=api.b.headers,
    )
    delete = await api.client.delete(f"/api/v1/{path}", headers=api.b.headers)
    if table.access.update == "owner":
        assert _problem(change) == _problem(missing)
    else:
        assert change.status_code == 405
    if table.access.delete == "owner":
        assert _problem(delete) == _problem(missing)
    else:
        assert delete.status_code == 405

    if table.access.create == "owner":
        # B's own create cannot be made to land in A's account.
        hijack = await api.client.post(
            f"/api/v1/{table.name}",
            json={**sample_body(table), "userId": api.a.id},
            headers=api.b.headers,
        )
        assert hijack.status_code == 422
        assert hijack.json()["errors"][0]["field"] == "userId"

    anonymous = await api.client.get(f"/api/v1/{path}")
    assert anonymous.status_code in (401, 404) if table.access.public_flag else (401,)

    after = await api.get(api.a, path)
    assert after.status_code == 200
    assert after.json() == {
        **row,
        **({"lastSeenAt": after.json().get("lastSeenAt")} if table.name == "sessions" else {}),
    }


@pytest.mark.parametrize("table", ADMIN_READ)
async def test_admin_tables_refuse_everyone_else(api: Api, table: Table) -> None:
    row_id = new_id()
    for who, status in ((api.b, 403), (None, 401)):
        headers = who.headers if who else {}
        requests = [
            api.client.get(f"/api/v1/{table.name}", headers=headers),
            api.client.get(f"/api/v1/{table.name}/{row_id}", headers=headers),
        ]
        if table.access.update == "admin":
            requests.append(
                api.client.patch(f"/api/v1/{table.name}/{row_id}", json={}, headers=headers)
            )
        if table.access.delete == "admin":
            requests.append(api.client.delete(f"/api/v1/{table.name}/{row_id}", headers=headers))
        if table.access.create == "admin":
            requests.append(
                api.client.post(f"/api/v1/{table.name}", json=sample_body(table), headers=headers)
            )
        for request in requests:
            response = await request
            assert response.status_code == status, (table.name, response.request.method)
            assert response.headers["content-type"] == "application/problem+json"
    assert (await api.get(api.admin, table.name)).status_code == 200
