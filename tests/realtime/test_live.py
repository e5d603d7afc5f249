"""Live subscriptions over a real server and a real WebSocket client: snapshot then changes,
filters, isolation between users, resume without loss or duplicates, and what ends a connection."""

from __future__ import annotations

import asyncio
import os
import socket
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed

from tests.realtime.conftest import Client, Live, LiveFactory
from tests.samples import sample_body
from tests.support import Person
from whitecell.core import changelog
from whitecell.realtime.feed import Feed
from whitecell.realtime.protocol import ACCOUNT_CHANGED, SESSION_ENDED, TOO_MANY


async def _write(
    live: Live, who: Person, method: str, path: str, body: dict[str, Any] | None = None
) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=live.http, headers=who.headers) as http:
        response = await http.request(method, f"/api/v1/{path}", json=body)
    assert response.status_code < 300, response.text
    return response.json() if response.content else {}


def _task(day: str) -> dict[str, Any]:
    return sample_body("daily_tasks", date=day, completed=False)


async def _closed_with(client: Client, timeout: float = 5.0) -> int:
    try:
        while True:
            await client.next(timeout)
    except ConnectionClosed as closed:
        assert closed.rcvd is not None
        return closed.rcvd.code
    raise AssertionError("still open")


async def test_snapshot_then_live_changes_that_respect_the_filter(live: Live) -> None:
    today, other = "2026-11-24", "2026-11-25"
    kept = await _write(live, live.a, "POST", "daily_tasks", _task(today))
    await _write(live, live.a, "POST", "daily_tasks", _task(other))
    client = await live.socket(live.a)
    snapshot = await client.subscribe("today", "daily_tasks", filter={"date": today})
    assert snapshot["type"] == "snapshot" and snapshot["id"] == "today"
    assert [item["_id"] for item in snapshot["items"]] == [kept["_id"]]
    assert snapshot["seq"] > 0

    new = await _write(live, live.a, "POST", "daily_tasks", _task(today))
    change = await client.next()
    assert (change["type"], change["op"], change["_id"]) == ("change", "insert", new["_id"])
    assert change["document"]["title"] == new["title"] and change["seq"] > snapshot["seq"]

    await _write(live, live.a, "POST", "daily_tasks", _task(other))
    await _write(live, live.a, "PATCH", f"daily_tasks/{new['_id']}", {"completed": True})
    update = await client.next()
    assert (update["op"], update["document"]["completed"]) == ("update", True)
    # Moving a task to another day takes it out of this view, and back in.
    await _write(live, live.a, "PATCH", f"daily_tasks/{new['_id']}", {"date": other})
    left = await client.next()
    assert (left["op"], left["_id"], left["document"]) == ("delete", new["_id"], None)
    await _write(live, live.a, "PATCH", f"daily_tasks/{new['_id']}", {"date": today})
    assert (await client.next())["op"] == "insert"
    await _write(live, live.a, "DELETE", f"daily_tasks/{kept['_id']}")
    gone = await client.next()
    assert (gone["op"], gone["_id"]) == ("delete", kept["_id"])
    await client.nothing()
    await client.close()


async def test_one_document_subscription(live: Live) -> None:
    note = await _write(live, live.a, "POST", "notes", sample_body("notes"))
    other = await _write(live, live.a, "POST", "notes", sample_body("notes"))
    client = await live.socket(live.a)
    snapshot = await client.subscribe("n", "notes", documentId=note["_id"])
    assert [item["_id"] for item in snapshot["items"]] == [note["_id"]]
    await _write(live, live.a, "PATCH", f"notes/{other['_id']}", {"title": "Not this one"})
    await _write(live, live.a, "PATCH", f"notes/{note['_id']}", {"title": "This one"})
    change = await client.next()
    assert (change["_id"], change["document"]["title"]) == (note["_id"], "This one")
    await _write(live, live.a, "DELETE", f"notes/{note['_id']}")
    assert (await client.next())["op"] == "delete"


async def test_b_never_receives_a_s_changes(live: Live) -> None:
    bob = await live.socket(live.b)
    for table in ("notes", "workouts", "code_projects"):
        assert (await bob.subscribe(table, table))["items"] == []
    hidden = await bob.subscribe("ada", "notes", documentId="not-bobs")
    assert (hidden["type"], hidden["code"]) == ("error", "not_found")
    note = await _write(live, live.a, "POST", "notes", sample_body("notes"))
    await _write(live, live.a, "PATCH", f"notes/{note['_id']}", {"title": "Secret"})
    await _write(live, live.a, "POST", "workouts", sample_body("workouts"))
    await _write(
        live, live.a, "POST", "code_projects", sample_body("code_projects", isPublic=False)
    )
    await _write(live, live.a, "DELETE", f"notes/{note['_id']}")
    mine = await _write(live, live.b, "POST", "notes", sample_body("notes"))
    first = await bob.next()
    assert (first["id"], first["_id"]) == ("notes", mine["_id"])
    await bob.nothing()


async def test_shared_and_public_rows_reach_who_may_read_them(live: Live) -> None:
    bob = await live.socket(live.b)
    await bob.subscribe("quotes", "stoic_quotes")
    await bob.subscribe("public", "code_projects", scope="public")
    refused = await bob.subscribe("flags", "feature_flags")
    assert (refused["type"], refused["code"]) == ("error", "forbidden")
    quote = await _write(live, live.admin, "POST", "stoic_quotes", sample_body("stoic_quotes"))
    assert (await bob.next())["_id"] == quote["_id"]
    async with httpx.AsyncClient(base_url=live.http, headers=live.a.headers) as http:
        await http.put(f"/api/v1/stoic_quotes/{quote['_id']}/saved")
    saved = await bob.next()
    assert saved["document"]["savedBy"] == []  # Ada saved it; Bob never learns who
    project = await _write(
        live, live.a, "POST", "code_projects", sample_body("code_projects", isPublic=True)
    )
    assert (await bob.next())["_id"] == project["_id"]
    await _write(live, live.a, "PATCH", f"code_projects/{project['_id']}", {"isPublic": False})
    hidden = await bob.next()
    assert (hidden["op"], hidden["document"]) == ("delete", None)
    await bob.nothing()


async def test_resume_after_a_dropped_connection_loses_and_repeats_nothing(live: Live) -> None:
    client = await live.socket(live.a)
    snapshot = await client.subscribe("notes", "notes")
    seen = snapshot["seq"]
    first = await _write(live, live.a, "POST", "notes", sample_body("notes", title="one"))
    seen = (await client.next())["seq"]
    await client.close()  # the train enters a tunnel

    missed = [
        await _write(live, live.a, "POST", "notes", sample_body("notes", title=t)) for t in "234"
    ]
    await _write(live, live.a, "PATCH", f"notes/{first['_id']}", {"title": "one, edited"})
    await _write(live, live.a, "DELETE", f"notes/{missed[0]['_id']}")
    await _write(live, live.b, "POST", "notes", sample_body("notes"))  # not Ada's business

    again = await live.socket(live.a)
    await again.send({"type": "subscribe", "id": "notes", "table": "notes", "since": seen})
    replay = [await again.next() for _ in range(5)]
    assert [(m["op"], m["_id"]) for m in replay] == [
        ("insert", missed[0]["_id"]),
        ("insert", missed[1]["_id"]),
        ("insert", missed[2]["_id"]),
        ("update", first["_id"]),
        ("delete", missed[0]["_id"]),
    ]
    assert [m["seq"] for m in replay] == sorted(m["seq"] for m in replay)
    resumed = await again.next()
    assert resumed["type"] == "resumed" and resumed["seq"] >= replay[-1]["seq"]
    live_note = await _write(live, live.a, "POST", "notes", sample_body("notes"))
    after = await again.next()
    assert (after["op"], after["_id"]) == ("insert", live_note["_id"])
    await again.nothing()


async def test_changes_during_the_snapshot_are_neither_lost_nor_doubled(live: Live) -> None:
    client = await live.socket(live.a)

    async def writer() -> list[str]:
        return [
            (await _write(live, live.a, "POST", "notes", sample_body("notes")))["_id"]
            for _ in range(15)
        ]

    task = asyncio.create_task(writer())
    await asyncio.sleep(0.02)
    snapshot = await client.subscribe("notes", "notes", limit=100)
    created = await task
    ids = [item["_id"] for item in snapshot["items"]]
    while len(ids) < len(created):
        message = await client.next()
        assert message["op"] == "insert" and message["seq"] > snapshot["seq"]
        ids.append(message["_id"])
    assert sorted(ids) == sorted(created)
    await client.nothing()


async def test_a_resume_older_than_the_log_gets_a_fresh_snapshot(live: Live) -> None:
    client = await live.socket(live.a)
    snapshot = await client.subscribe("notes", "notes")
    await client.close()
    note = await _write(live, live.a, "POST", "notes", sample_body("notes"))
    assert await changelog.trim(live.context.store, 0) > 0  # as the cleanup job does after 24 h
    again = await live.socket(live.a)
    reset = await again.subscribe("notes", "notes", since=snapshot["seq"])
    assert (reset["type"], reset["reset"]) == ("snapshot", True)
    assert [item["_id"] for item in reset["items"]] == [note["_id"]]


async def _stalled_client(live: Live, who: Person) -> socket.socket:
    """A WebSocket client that subscribes to code projects and then never reads: a raw socket
    with a small receive window, speaking just enough of RFC 6455."""
    loop = asyncio.get_running_loop()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
    sock.setblocking(False)
    await loop.sock_connect(sock, ("127.0.0.1", int(live.http.rsplit(":", 1)[1])))
    await loop.sock_sendall(
        sock,
        b"GET /api/v1/realtime HTTP/1.1\r\nHost: test\r\nUpgrade: websocket\r\n"
        b"Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        b"Sec-WebSocket-Version: 13\r\nAuthorization: Bearer " + who.token.encode() + b"\r\n\r\n",
    )
    received = b""
    while b'"ready"' not in received:
        received += await asyncio.wait_for(loop.sock_recv(sock, 4096), 5)
    payload = b'{"type": "subscribe", "id": "code", "table": "code_projects"}'
    mask = os.urandom(4)
    masked = bytes(byte ^ mask[i % 4] for i, byte in enumerate(payload))
    await loop.sock_sendall(sock, bytes([0x81, 0x80 | len(payload)]) + mask + masked)
    while b'"snapshot"' not in received:
        received += await asyncio.wait_for(loop.sock_recv(sock, 4096), 5)
    return sock


async def test_a_slow_consumer_is_dropped_without_stalling_a_fast_one(
    live_server: LiveFactory,
) -> None:
    live = await live_server(realtime_queue_size=10)
    stalled = await _stalled_client(live, live.a)
    fast = await live.socket(live.a)
    await fast.subscribe("code", "code_projects")
    big = "x = 1; " * 120_000  # ~30 MB in all: more than the socket buffers hold
    try:
        for _ in range(36):
            body = sample_body("code_projects", code=big)
            project = await _write(live, live.a, "POST", "code_projects", body)
            received = await fast.next()
            assert received["_id"] == project["_id"]
        connections = live.context.service(Feed).connections
        assert len(connections) == 1, "the stalled client was let go"
        fast_view = connections[0]
        assert fast_view.closing is None
    finally:
        stalled.close()
    await fast.nothing()


async def test_a_signed_out_or_banned_user_is_disconnected(live: Live) -> None:
    client = await live.socket(live.a)
    await client.subscribe("notes", "notes")
    await _write(live, live.a, "POST", "auth/logout")
    assert await _closed_with(client) == SESSION_ENDED

    bob = await live.socket(live.b)
    await bob.subscribe("notes", "notes")
    await _write(live, live.admin, "PATCH", f"users/{live.b.id}", {"isBanned": True})
    assert await _closed_with(bob) == ACCOUNT_CHANGED


async def test_a_session_revoked_behind_the_api_s_back_is_noticed(live: Live) -> None:
    client = await live.socket(live.a)
    async with live.context.store.write() as tx:  # e.g. an operator's SQL, no change event
        await tx.execute('UPDATE sessions SET "isValid" = :no', {"no": False})
    assert await _closed_with(client) == SESSION_ENDED


async def test_authentication_by_message_and_its_refusals(live: Live) -> None:
    client = await live.socket(None)
    await client.send({"type": "auth", "token": live.a.token})
    assert (await client.next())["type"] == "ready"
    assert (await client.subscribe("n", "notes"))["type"] == "snapshot"

    wrong = await live.socket(None)
    await wrong.send({"type": "auth", "token": "not-a-token"})
    assert (await wrong.next())["code"] == "unauthorized"
    assert await _closed_with(wrong) == SESSION_ENDED

    silent = await live.socket(None)
    await silent.send({"type": "subscribe", "id": "x", "table": "notes"})
    assert await _closed_with(silent) == SESSION_ENDED


async def test_malformed_messages_get_errors_and_the_connection_lives_on(live: Live) -> None:
    client = await live.socket(live.a)
    await client.connection.send("{not json")
    assert (await client.next())["code"] == "bad_message"
    await client.send({"type": "dance"})
    assert (await client.next())["code"] == "bad_message"
    assert (await client.subscribe("x", "no_such_table"))["code"] == "unknown_table"
    # Derived indexes record no change events: their source table (workouts) is subscribed to.
    assert (await client.subscribe("x", "workout_exercises"))["code"] == "unknown_table"
    assert (await client.subscribe("x", "exercises"))["code"] == "unknown_table"
    bad = await client.subscribe("y", "daily_tasks", filter={"content": "x"})
    assert (bad["code"], bad["field"]) == ("bad_filter", "content")
    bad = await client.subscribe("y", "daily_tasks", filter={"date": "tomorrow"})
    assert (bad["code"], bad["field"]) == ("bad_filter", "date")
    bad = await client.subscribe("y", "notes", filter={"search": "x"})
    assert bad["code"] == "bad_filter"
    assert (await client.subscribe("ok", "notes"))["type"] == "snapshot"
    assert (await client.subscribe("ok", "notes"))["code"] == "duplicate_id"
    await client.send({"type": "unsubscribe", "id": "ok"})
    assert (await client.next())["type"] == "unsubscribed"
    await _write(live, live.a, "POST", "notes", sample_body("notes"))
    await client.nothing()
    await client.send({"type": "ping"})
    assert (await client.next())["type"] == "pong"


async def test_the_per_user_connection_limit(live_server: LiveFactory) -> None:
    live = await live_server(realtime_connections_per_user=2)
    await live.socket(live.a)
    await live.socket(live.a)
    third = await live.socket(None, Authorization=f"Bearer {live.a.token}")
    assert (await third.next())["code"] == "too_many_connections"
    assert await _closed_with(third) == TOO_MANY
    await live.socket(live.b)  # others are unaffected


async def test_an_idle_client_is_disconnected(live_server: LiveFactory) -> None:
    live = await live_server(realtime_heartbeat_seconds=0.2, realtime_idle_timeout_seconds=0.5)
    client = await live.socket(live.a)
    assert (await client.next(2, skip_pings=False))["type"] == "ping"
    closed = await _closed_with(client)
    assert closed == 4408


@pytest.mark.parametrize("resume", ["header", "query"])
async def test_server_sent_events_carry_the_same_stream(live: Live, resume: str) -> None:
    async with httpx.AsyncClient(base_url=live.http, headers=live.a.headers, timeout=10) as http:
        params = {"table": "daily_tasks", "filter": '{"date": "2026-11-24"}'}
        async with http.stream("GET", "/api/v1/realtime/events", params=params) as stream:
            assert stream.headers["content-type"].startswith("text/event-stream")
            lines = stream.aiter_lines()
            snapshot = await _sse_event(lines)
            assert snapshot["type"] == "snapshot"
            task = await _write(live, live.a, "POST", "daily_tasks", _task("2026-11-24"))
            change = await _sse_event(lines)
            assert (change["op"], change["_id"]) == ("insert", task["_id"])
        await _write(live, live.a, "PATCH", f"daily_tasks/{task['_id']}", {"completed": True})
        resume_from = {"Last-Event-ID": str(change["seq"])} if resume == "header" else {}
        if resume == "query":
            params["since"] = str(change["seq"])
        async with http.stream(
            "GET", "/api/v1/realtime/events", params=params, headers=resume_from
        ) as stream:
            lines = stream.aiter_lines()
            missed = await _sse_event(lines)
            assert (missed["op"], missed["document"]["completed"]) == ("update", True)
            assert (await _sse_event(lines))["type"] == "resumed"
    async with httpx.AsyncClient(base_url=live.http) as anonymous:
        response = await anonymous.get("/api/v1/realtime/events", params={"table": "notes"})
        assert response.status_code == 401


async def _sse_event(lines: Any) -> dict[str, Any]:
    import orjson

    async def read() -> dict[str, Any]:
        async for line in lines:
            if line.startswith("data: "):
                return dict(orjson.loads(line[6:]))
        raise AssertionError("stream ended")

    return await asyncio.wait_for(read(), 5)
