"""Change events: published after the commit (never for a rolled-back transaction), in the change
log in the same transaction, numbered in commit order, and announced to the writer."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.samples import sample_body
from tests.support import Api
from whitecell.core.changes import ChangeEvent


async def _log(api: Api) -> list[tuple[Any, ...]]:
    async with api.context.store.read() as tx:
        return await tx.all(
            'SELECT seq, "table", op, "docId", "userId" FROM change_log ORDER BY seq'
        )


async def test_each_write_is_logged_published_and_numbered(api: Api) -> None:
    seen: list[ChangeEvent] = []
    unsubscribe = api.context.store.subscribe(seen.extend)
    start = len(await _log(api))
    created = await api.client.post(
        "/api/v1/notes", json=sample_body("notes"), headers=api.a.headers
    )
    note = created.json()
    changed = await api.client.patch(
        f"/api/v1/notes/{note['_id']}", json={"title": "Renamed"}, headers=api.a.headers
    )
    deleted = await api.client.delete(f"/api/v1/notes/{note['_id']}", headers=api.a.headers)
    unsubscribe()
    # The gamification engine reacts with writes of its own (badges, XP): watch the notes.
    seen = [event for event in seen if event.table == "notes"]

    sequence = [int(r.headers["X-Change-Seq"]) for r in (created, changed, deleted)]
    assert sequence == sorted(sequence) and len(set(sequence)) == 3
    assert [(e.op, e.id, e.userId, e.seq) for e in seen] == [
        ("insert", note["_id"], api.a.id, sequence[0]),
        ("update", note["_id"], api.a.id, sequence[1]),
        ("delete", note["_id"], api.a.id, sequence[2]),
    ]
    assert seen[0].document == note
    assert seen[1].document is not None and seen[1].document["title"] == "Renamed"
    assert seen[2].document is None
    log = [row for row in (await _log(api))[start:] if row[1] == "notes"]
    assert [(r[0], r[1], r[2], r[3], r[4]) for r in log] == [
        (sequence[0], "notes", "insert", note["_id"], api.a.id),
        (sequence[1], "notes", "update", note["_id"], api.a.id),
        (sequence[2], "notes", "delete", note["_id"], api.a.id),
    ]
    assert seen[0].as_message()["seq"] == sequence[0]


async def test_subscribers_hear_only_after_the_commit(api: Api) -> None:
    """At the moment a subscriber is called, another connection already sees the row."""
    visible: list[bool] = []

    def subscriber(events: list[ChangeEvent]) -> None:
        visible.append(True)
        tasks.append(asyncio.ensure_future(check(events[0].id)))

    async def check(doc_id: str) -> None:
        async with api.context.store.read() as tx:
            row = await tx.one('SELECT "_id" FROM notes WHERE "_id" = :id', {"id": doc_id})
        committed.append(row is not None)

    tasks: list[asyncio.Future[None]] = []
    committed: list[bool] = []
    unsubscribe = api.context.store.subscribe(subscriber)
    await api.create(api.a, "notes", sample_body("notes"))
    unsubscribe()
    await asyncio.gather(*tasks)
    assert visible == [True] and committed == [True]


async def test_a_rolled_back_transaction_publishes_and_logs_nothing(api: Api) -> None:
    seen: list[ChangeEvent] = []
    unsubscribe = api.context.store.subscribe(seen.extend)
    before = await _log(api)
    with pytest.raises(RuntimeError):
        async with api.context.store.write() as tx:
            await tx.execute(
                'UPDATE users SET name = :name WHERE "_id" = :id', {"name": "X", "id": api.a.id}
            )
            tx.record(ChangeEvent("users", "update", api.a.id, api.a.id, {"name": "X"}))
            raise RuntimeError("the request failed half-way")
    # A failed API write (a duplicate unique name, caught by the database) publishes nothing.
    flag = sample_body("feature_flags", name="dup")
    assert (
        await api.client.post("/api/v1/feature_flags", json=flag, headers=api.admin.headers)
    ).status_code == 201
    after_first = await _log(api)
    duplicate = await api.client.post("/api/v1/feature_flags", json=flag, headers=api.admin.headers)
    assert duplicate.status_code == 409
    unsubscribe()
    assert [e.table for e in seen] == ["feature_flags", "admin_logs"]
    assert await _log(api) == after_first
    assert len(after_first) == len(before) + 2
    me = (await api.client.get("/api/v1/users/me", headers=api.a.headers)).json()
    assert me["name"] != "X"


async def test_a_failing_subscriber_does_not_fail_the_write_or_starve_others(api: Api) -> None:
    def broken(_events: list[ChangeEvent]) -> None:
        raise ValueError("subscriber bug")

    seen: list[ChangeEvent] = []
    stop_broken = api.context.store.subscribe(broken)
    stop_seen = api.context.store.subscribe(seen.extend)
    response = await api.client.post(
        "/api/v1/notes", json=sample_body("notes"), headers=api.a.headers
    )
    stop_broken()
    stop_seen()
    assert response.status_code == 201
    assert [e.id for e in seen] == [response.json()["_id"]]


async def test_concurrent_writers_get_distinct_increasing_sequences(api: Api) -> None:
    responses = await asyncio.gather(
        *(
            api.client.post("/api/v1/notes", json=sample_body("notes"), headers=who.headers)
            for who in (api.a, api.b) * 10
        )
    )
    sequences = [int(r.headers["X-Change-Seq"]) for r in responses]
    assert len(set(sequences)) == 20
    log = await _log(api)
    assert [row[0] for row in log] == sorted(row[0] for row in log)
