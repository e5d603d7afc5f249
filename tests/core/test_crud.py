"""Create, read, update, delete and list, generated for every table a user writes to."""

from __future__ import annotations

from typing import Any

import pytest

from tests.samples import client_tables, editable_column, other_value, sample_body
from tests.support import Api
from whitecell.core.tables import REGISTRY, Kind, Table

TABLES = [pytest.param(t, id=t.name) for t in client_tables()]
ENGINE_DERIVED = {"xpEarned"}
# What a table's own GET adds to its document: a conversation's latest messages (docs/ai.md).
READ_ADDS = {"ai_conversations": {"messages", "messagesBefore"}}


def _subset(expected: dict[str, Any], actual: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    return {k: (v, actual.get(k)) for k, v in expected.items() if actual.get(k) != v}


@pytest.mark.parametrize("table", TABLES)
async def test_create_read_update_delete(api: Api, table: Table) -> None:
    body = sample_body(table)
    response = await api.client.post(f"/api/v1/{table.name}", json=body, headers=api.a.headers)
    assert response.status_code == 201, response.text
    created = response.json()
    assert response.headers["Location"] == f"/api/v1/{table.name}/{created['_id']}"
    assert int(response.headers["X-Change-Seq"]) > 0
    assert created["userId"] == api.a.id
    assert not _subset(body, created)
    assert set(created) == {c.name for c in table.public_columns}

    # The gamification engine may meanwhile derive a field (a session's `xpEarned`): the one
    # difference a read right after the create may show.
    read = await api.get(api.a, f"{table.name}/{created['_id']}")
    assert read.status_code == 200
    shown = ENGINE_DERIVED | READ_ADDS.get(table.name, set())
    assert {k: v for k, v in read.json().items() if k not in shown} == {
        k: v for k, v in created.items() if k not in ENGINE_DERIVED
    }

    column = editable_column(table)
    new_value = other_value(column, created[column.name])
    response = await api.client.patch(
        f"/api/v1/{table.name}/{created['_id']}",
        json={column.name: new_value},
        headers=api.a.headers,
    )
    assert response.status_code == 200, response.text
    assert response.json()[column.name] == new_value
    assert int(response.headers["X-Change-Seq"]) > int(read.headers.get("X-Change-Seq", 0))
    stored = (await api.get(api.a, f"{table.name}/{created['_id']}")).json()
    assert stored[column.name] == new_value
    if table.updated_at:
        assert stored[table.updated_at] >= created[table.updated_at]

    response = await api.client.delete(
        f"/api/v1/{table.name}/{created['_id']}", headers=api.a.headers
    )
    assert response.status_code == 204
    assert (await api.get(api.a, f"{table.name}/{created['_id']}")).status_code == 404
    again = await api.client.delete(f"/api/v1/{table.name}/{created['_id']}", headers=api.a.headers)
    assert again.status_code == 404


@pytest.mark.parametrize("table", TABLES)
async def test_list_pages_through_everything_once(api: Api, table: Table) -> None:
    made = [(await api.create(api.a, table.name, sample_body(table)))["_id"] for _ in range(5)]
    seen: list[str] = []
    cursor = None
    for _ in range(5):
        params: dict[str, Any] = {"limit": 2, "count": "true"}
        if cursor:
            params["cursor"] = cursor
        response = await api.get(api.a, table.name, **params)
        assert response.status_code == 200, response.text
        page = response.json()
        assert page["total"] == 5
        seen += [item["_id"] for item in page["items"]]
        cursor = page["nextCursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(made)


@pytest.mark.parametrize("table", TABLES)
async def test_every_sortable_field_orders_both_ways(api: Api, table: Table) -> None:
    for _ in range(3):
        await api.create(api.a, table.name, sample_body(table))
    for field in sorted(table.sortable):
        for order in (field, f"-{field}"):
            response = await api.get(api.a, table.name, order=order, limit=2)
            assert response.status_code == 200, (order, response.text)
            first = response.json()
            rest = await api.get(api.a, table.name, order=order, cursor=first["nextCursor"])
            items = first["items"] + rest.json()["items"]
            values = [(item[field], item["_id"]) for item in items]
            assert values == sorted(values, reverse=order.startswith("-")), order


@pytest.mark.parametrize("table", TABLES)
async def test_every_filterable_field_filters(api: Api, table: Table) -> None:
    base = sample_body(table)
    kept = await api.create(api.a, table.name, base)
    for name in sorted(table.filterable - {"_id"}):
        column = table.columns[name]
        if column.kind in (Kind.LIST, Kind.ID) or column.server or name not in base:
            continue
        changed = {**base, name: other_value(column, base[name])}
        if table.name == "personal_records":  # a manual record must beat the best before it
            changed["value"] = base["value"] + 1
        other = await api.create(api.a, table.name, changed)
        response = await api.get(api.a, table.name, **{name: _query(base[name])})
        assert response.status_code == 200, (name, response.text)
        ids = {item["_id"] for item in response.json()["items"]}
        assert kept["_id"] in ids and other["_id"] not in ids, name
        response = await api.get(api.a, table.name, **{f"{name}[ne]": _query(base[name])})
        ids = {item["_id"] for item in response.json()["items"]}
        assert other["_id"] in ids and kept["_id"] not in ids, name
        await api.client.delete(f"/api/v1/{table.name}/{other['_id']}", headers=api.a.headers)


def _query(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def test_every_table_of_the_spec_is_declared() -> None:
    # Additions: task_recurrences (docs/discipline.md); food_library and food_products
    # (docs/fitness.md, "Nutrition"); exercises and workout_exercises (docs/fitness.md);
    # chess_puzzle_catalogue, chess_puzzle_attempts, chess_puzzle_ratings, cube_scrambles,
    # cube_stats and memory_drills (docs/mind.md); textbook_passages (docs/study.md);
    # ai_messages, ai_usage and ai_forgotten_facts (docs/ai.md).
    assert len(REGISTRY) == 38 + 5 + 3 + 2 + 1 + 1 + 3


async def test_pages_stay_correct_while_rows_are_inserted(api: Api) -> None:
    """Keyset pages: inserts between page requests neither repeat nor skip earlier rows."""
    days = ["2026-11-10", "2026-11-11", "2026-11-12"]
    original = {
        (await api.create(api.a, "daily_tasks", sample_body("daily_tasks", date=day)))["_id"]
        for day in days * 3
    }
    seen: list[tuple[str, str]] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"order": "date", "limit": 4}
        if cursor:
            params["cursor"] = cursor
        page = (await api.get(api.a, "daily_tasks", **params)).json()
        seen += [(item["date"], item["_id"]) for item in page["items"]]
        cursor = page["nextCursor"]
        if not cursor:
            break
        for day in ("2026-11-09", "2026-11-11", "2026-11-13"):  # before, among, after the cursor
            await api.create(api.a, "daily_tasks", sample_body("daily_tasks", date=day))
    ids = [doc_id for _, doc_id in seen]
    assert len(ids) == len(set(ids)), "no row twice"
    assert original <= set(ids), "no earlier row skipped"
    assert seen == sorted(seen)
