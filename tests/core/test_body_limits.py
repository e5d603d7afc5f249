"""Request bodies are bounded while they arrive (docs/api.md, "Request bodies"): a size limit per
route answered 413 before the excess is read, a read deadline answered 408, and size caps on JSON
fields. In process where counting what the app pulled is enough; on a real uvicorn server on
loopback where the socket matters (a stalled client, a chunked stream, a 100 MB upload)."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
import uvicorn

from tests.pdfs import pdf_bytes
from tests.support import Api, ClientFactory, Person, api_with, person
from whitecell.app import create_app
from whitecell.core.config import Settings
from whitecell.core.context import AppContext
from whitecell.core.tables import REGISTRY

MIB = 1024 * 1024
EVENT = {"event": "page_view", "module": "study"}


@pytest.fixture
async def api(make_client: ClientFactory) -> Api:
    return await api_with(make_client)


async def _count(context: AppContext, table: str) -> int:
    async with context.store.read() as tx:
        return int(await tx.scalar(f'SELECT count(*) FROM "{table}"'))


def _is_problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem: dict[str, Any] = response.json()
    assert problem["status"] == status and problem["code"] == code
    return problem


class Feed:
    """A request body sent in parts, counting how many the server pulled."""

    def __init__(self, part: bytes, parts: int, *, stall_after: int | None = None) -> None:
        self.part, self.parts, self.stall_after = part, parts, stall_after
        self.sent = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for index in range(self.parts):
            if index == self.stall_after:
                await asyncio.sleep(5)  # far past the deadline under test
            self.sent += len(self.part)
            yield self.part


# -- in process ---------------------------------------------------------------------------------


async def test_an_anonymous_post_declaring_100_mb_is_refused_before_a_byte_is_read(
    api: Api,
) -> None:
    feed = Feed(b"x" * MIB, 100)
    response = await api.client.post(
        "/api/v1/analytics",
        content=feed,
        headers={"Content-Type": "application/json", "Content-Length": str(100 * MIB)},
    )
    problem = _is_problem(response, 413, "payload_too_large")
    assert "64 KiB" in problem["detail"] and problem["instance"] == "/api/v1/analytics"
    assert response.headers["connection"] == "close"
    assert feed.sent == 0
    assert await _count(api.context, "analytics") == 0


async def test_a_chunked_body_is_refused_as_soon_as_it_passes_the_limit(api: Api) -> None:
    feed = Feed(b" " * 16 * 1024, 6400)  # 100 MiB of JSON whitespace, without a length
    response = await api.client.post(
        "/api/v1/analytics", content=feed, headers={"Content-Type": "application/json"}
    )
    _is_problem(response, 413, "payload_too_large")
    assert feed.sent == 64 * 1024 + 16 * 1024  # the part that passed 64 KiB, and no more
    assert await _count(api.context, "analytics") == 0


async def test_a_small_anonymous_event_is_still_stored(api: Api) -> None:
    response = await api.client.post("/api/v1/analytics", json=EVENT)
    assert response.status_code == 201, response.text


async def test_a_document_over_its_table_s_limit_is_413_and_nothing_is_stored(api: Api) -> None:
    workout = {"name": "Legs", "date": "2026-05-01T10:00:00Z", "duration": 60, "exercises": []}
    padded = {**workout, "notes": "x" * (1100 * 1024)}  # over 1 MiB, whatever notes may hold
    response = await api.client.post("/api/v1/workouts", json=padded, headers=api.a.headers)
    _is_problem(response, 413, "payload_too_large")
    update = await api.client.patch("/api/v1/workouts/nothing", json=padded, headers=api.a.headers)
    _is_problem(update, 413, "payload_too_large")
    assert await _count(api.context, "workouts") == 0


async def test_a_table_declaring_more_takes_a_million_character_note(api: Api) -> None:
    # Two bytes a character in UTF-8: a 2 MB body, over the 1 MiB default, under notes' limit.
    note = {"title": "Long", "content": "é" * 1_000_000, "subject": "greek"}
    response = await api.client.post("/api/v1/notes", json=note, headers=api.a.headers)
    assert response.status_code == 201, response.text[:300]


async def test_the_limits_follow_the_settings(make_client: ClientFactory) -> None:
    api = await api_with(make_client, body_limit_kb=16, body_limit_anonymous_kb=1)
    event = {**EVENT, "sessionId": "s" * 90, "metadata": {"k": "v" * 1000}}
    _is_problem(await api.client.post("/api/v1/analytics", json=event), 413, "payload_too_large")
    task = {"title": "t" * 200, "date": "2026-05-01", "description": "d" * 17_000}
    response = await api.client.post("/api/v1/daily_tasks", json=task, headers=api.a.headers)
    assert "16 KiB" in _is_problem(response, 413, "payload_too_large")["detail"]


async def test_a_stranger_cannot_make_a_document_route_read_more_than_the_anonymous_limit(
    api: Api,
) -> None:
    note = {"title": "Long", "content": "x" * 200_000, "subject": "s"}
    response = await api.client.post("/api/v1/notes", json=note)
    _is_problem(response, 413, "payload_too_large")
    small = await api.client.post("/api/v1/notes", json={"title": "t", "content": "c"})
    assert small.status_code == 401


async def test_an_upload_within_max_upload_mb_still_works(make_client: ClientFactory) -> None:
    api = await api_with(make_client, max_upload_mb=3)
    content = pdf_bytes(2, padding=2 * MIB)  # over every JSON limit, under the upload limit
    response = await api.client.post(
        "/api/v1/textbooks/upload",
        files={"file": ("book.pdf", content, "application/pdf")},
        data={"document": orjson.dumps({"title": "Big", "subject": "s"}).decode()},
        headers=api.a.headers,
    )
    assert response.status_code == 201, response.text
    stored = await api.client.get(
        f"/api/v1/textbooks/{response.json()['_id']}/pdf", headers=api.a.headers
    )
    assert stored.content == content


async def test_an_upload_over_max_upload_mb_names_the_file(make_client: ClientFactory) -> None:
    api = await api_with(make_client, max_upload_mb=1)
    feed = Feed(b"x" * MIB, 100)
    response = await api.client.post(
        "/api/v1/flashcards/import/anki",
        content=feed,
        headers={
            **api.a.headers,
            "Content-Type": "multipart/form-data; boundary=x",
            "Content-Length": str(100 * MIB),
        },
    )
    problem = _is_problem(response, 413, "payload_too_large")
    assert problem["errors"] == [{"field": "file", "message": "the file is larger than 1 MB"}]
    assert feed.sent == 0


async def test_a_stalled_body_answers_408(make_client: ClientFactory) -> None:
    api = await api_with(make_client, body_timeout_seconds=0.3)
    feed = Feed(b'{"event": ', 2, stall_after=1)
    response = await api.client.post(
        "/api/v1/analytics", content=feed, headers={"Content-Type": "application/json"}
    )
    problem = _is_problem(response, 408, "request_timeout")
    assert "0.3 seconds" in problem["detail"]
    assert response.headers["connection"] == "close"


# -- JSON fields ---------------------------------------------------------------------------------


def _message(number: int, content: str = "hello") -> dict[str, Any]:
    role = "user" if number % 2 == 0 else "assistant"
    return {
        "id": f"m{number}",
        "role": role,
        "content": content,
        "timestamp": "2026-05-01T10:00:00Z",
    }


def _conversation(**extra: Any) -> dict[str, Any]:
    return {"topic": "Krebs cycle", "module": "study", **extra}


async def test_messages_sent_with_a_conversation_are_422(api: Api) -> None:
    # The server writes messages (docs/ai.md): a body carrying them is refused whole.
    body = _conversation(messages=[_message(n) for n in range(10_000)])
    response = await api.client.post("/api/v1/ai_conversations", json=body, headers=api.a.headers)
    problem = _is_problem(response, 422, "validation_failed")
    assert [e["field"] for e in problem["errors"]] == ["messages"]
    assert await _count(api.context, "ai_conversations") == 0


async def test_a_message_of_100000_characters_is_422(api: Api) -> None:
    response = await api.client.post("/api/v1/ai_conversations", json=_conversation(),
                                     headers=api.a.headers)  # fmt: skip
    conversation = response.json()["_id"]
    response = await api.client.post(
        f"/api/v1/ai_conversations/{conversation}/messages",
        json={"content": "x" * 100_000},
        headers=api.a.headers,
    )
    problem = _is_problem(response, 422, "validation_failed")
    assert problem["errors"][0]["field"] == "content"
    assert await _count(api.context, "ai_messages") == 0


async def test_free_form_json_fields_are_capped_in_bytes(api: Api) -> None:
    event = {**EVENT, "metadata": {"blob": "x" * 9000}}
    problem = _is_problem(
        await api.client.post("/api/v1/analytics", json=event), 422, "validation_failed"
    )
    assert problem["errors"][0]["field"] == "metadata"
    body = _conversation(context={"notes": ["y" * 1000] * 20})
    response = await api.client.post("/api/v1/ai_conversations", json=body, headers=api.a.headers)
    assert _is_problem(response, 422, "validation_failed")["errors"][0]["field"] == "context"
    patch = await api.client.patch(
        "/api/v1/ai_conversations/any", json={"context": {"k": "z" * 20_000}}, headers=api.a.headers
    )
    assert _is_problem(patch, 422, "validation_failed")["errors"][0]["field"] == "context"


async def test_a_made_up_token_does_not_lift_the_anonymous_limit(api: Api) -> None:
    note = {"title": "Long", "content": "x" * 200_000, "subject": "s"}
    forged = {"Authorization": "Bearer " + "A" * 43}  # the shape of a token, opening no session
    response = await api.client.post("/api/v1/notes", json=note, headers=forged)
    assert "64 KiB" in _is_problem(response, 413, "payload_too_large")["detail"]
    mine = await api.client.post("/api/v1/notes", json=note, headers=api.a.headers)
    assert mine.status_code == 201, mine.text


# -- a real server on loopback -------------------------------------------------------------------


@dataclass
class Live:
    base: str
    port: int
    context: AppContext
    a: Person


@asynccontextmanager
async def _served(settings: Settings, http: str = "auto") -> AsyncIterator[Live]:
    app = create_app(settings)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on", http=http))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        for _ in range(500):
            if server.started:
                break
            await asyncio.sleep(0.01)
        context: AppContext = app.state.context
        yield Live(
            f"http://127.0.0.1:{port}", port, context, await person(context, "ada@example.com")
        )
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 15)


@pytest.fixture
async def live_h11(settings_for: Callable[..., Settings]) -> AsyncIterator[Live]:
    """The same, on uvicorn's pure-Python HTTP/1.1 parser (h11), which some deployments use."""
    async with _served(settings_for(), http="h11") as server:
        yield server


@pytest.fixture
async def live(settings_for: Callable[..., Settings]) -> AsyncIterator[Live]:
    async with _served(
        settings_for(body_timeout_seconds=0.5, body_min_bytes_per_second=1000)
    ) as server:
        yield server


async def _raw_exchange(
    port: int, head: bytes, parts: AsyncIterator[bytes] | None = None, *, wait: float = 5.0
) -> tuple[bytes, int]:
    """Send `head`, then `parts` until the server answers; the answer (to EOF) and bytes sent."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    received = bytearray()

    async def read_all() -> None:
        # To EOF: the server closes after refusing. Closing with the client's bytes unread makes
        # its kernel send a reset, which may follow the answer: what came before it counts.
        with contextlib.suppress(ConnectionError):
            while chunk := await reader.read(65536):
                received.extend(chunk)

    reading = asyncio.ensure_future(read_all())
    sent = 0
    try:
        writer.write(head)
        await writer.drain()
        if parts is not None:
            async for part in parts:
                if received or reading.done():
                    break
                writer.write(part)
                try:
                    await writer.drain()
                except ConnectionError:
                    break
                sent += len(part)
        await asyncio.wait_for(reading, wait)
        return bytes(received), sent
    finally:
        reading.cancel()
        writer.close()


async def _chunks(count: int) -> AsyncIterator[bytes]:
    """`count` chunks of 16 KiB of a chunked request body, as written on the wire."""
    for _ in range(count):
        yield b"4000\r\n" + b" " * 16384 + b"\r\n"


def _status(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1])


async def test_a_real_server_refuses_an_anonymous_100_mb_post_before_it_is_sent(live: Live) -> None:
    total = 100 * MIB

    async def parts() -> AsyncIterator[bytes]:
        for _ in range(total // MIB):
            yield b" " * MIB

    head = (
        b"POST /api/v1/analytics HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: %d\r\n\r\n" % total
    )
    answer, sent = await _raw_exchange(live.port, head, parts())
    assert _status(answer) == 413
    assert b"connection: close" in answer.lower()
    assert sent < total // 4  # answered while most of the body was still to come
    assert await _count(live.context, "analytics") == 0


async def test_a_real_server_stops_a_chunked_body_at_the_limit(live: Live) -> None:
    sent_parts = 0

    async def parts() -> AsyncIterator[bytes]:
        nonlocal sent_parts
        async for chunk in _chunks(6400):  # 100 MiB
            sent_parts += 1
            yield chunk

    head = (
        b"POST /api/v1/analytics HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n"
    )
    answer, _ = await _raw_exchange(live.port, head, parts())
    assert _status(answer) == 413
    assert sent_parts < 6400 // 4
    assert await _count(live.context, "analytics") == 0


async def test_a_real_server_answers_a_stalled_body_with_408_and_closes(live: Live) -> None:
    head = (
        b"POST /api/v1/analytics HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b'Content-Length: 100\r\n\r\n{"event": '
    )
    started = asyncio.get_running_loop().time()
    answer, _ = await _raw_exchange(live.port, head)
    assert _status(answer) == 408
    assert b"request_timeout" in answer and b"connection: close" in answer.lower()
    assert asyncio.get_running_loop().time() - started < 3


async def test_a_real_server_answers_a_trickling_body_with_408(live: Live) -> None:
    # One byte every 50 ms never stalls, but 20 bytes a second is far below the minimum rate.
    async def parts() -> AsyncIterator[bytes]:
        for _ in range(200):
            await asyncio.sleep(0.05)
            yield b" "

    head = (
        b"POST /api/v1/analytics HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: 300\r\n\r\n"
    )
    answer, sent = await _raw_exchange(live.port, head, parts())
    assert _status(answer) == 408
    assert sent < 200


async def test_a_real_server_still_takes_a_slow_but_steady_body(live: Live) -> None:
    # 2,000 bytes a second for about a second: above the minimum rate, past the base timeout.
    body = orjson.dumps({**EVENT, "metadata": {"k": "v" * 2000}})

    async def parts() -> AsyncIterator[bytes]:
        for start in range(0, len(body), 200):
            await asyncio.sleep(0.1)
            yield body[start : start + 200]

    async with httpx.AsyncClient(base_url=live.base) as client:
        response = await client.post(
            "/api/v1/analytics",
            content=parts(),
            headers={"Content-Type": "application/json", "Content-Length": str(len(body))},
        )
    assert response.status_code == 201, response.text


def test_the_api_docs_list_every_table_that_declares_a_larger_body() -> None:
    declared = sorted(
        (table.name, table.max_body_bytes)
        for table in REGISTRY.values()
        if table.max_body_bytes is not None
    )
    listing = ", ".join(f"`{name}` {size // MIB} MiB" for name, size in declared)
    text = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text()
    assert f"Tables that declare a larger body: {listing}." in text


async def test_a_chunked_body_beside_content_length_0_is_still_bounded(live_h11: Live) -> None:
    # h11 frames the body by its chunks and ignores the length: the limit must not either.
    head = (
        b"POST /api/v1/analytics HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: 0\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    answer, sent = await _raw_exchange(live_h11.port, head, _chunks(640))  # 10 MiB
    assert _status(answer) == 413
    assert sent < 10 * MIB  # answered before the body was all sent
    assert await _count(live_h11.context, "analytics") == 0


async def test_a_body_deadline_after_a_streaming_answer_began_ends_nothing(live: Live) -> None:
    """An event stream listens on `receive` for the client leaving; a request body that then
    stalls must not turn into a refusal the server can no longer send."""
    reader, writer = await asyncio.open_connection("127.0.0.1", live.port)
    try:
        writer.write(
            b"GET /api/v1/realtime/events?table=notes HTTP/1.1\r\nHost: x\r\n"
            b"Authorization: Bearer " + live.a.token.encode() + b"\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n1\r\nx\r\n"
        )
        await writer.drain()
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
        assert _status(head) == 200
        await asyncio.sleep(1.5)  # past the 0.5 s body deadline of the `live` server
        async with httpx.AsyncClient(base_url=live.base, headers=live.a.headers) as http:
            created = await http.post(
                "/api/v1/notes", json={"title": "t", "content": "c", "subject": "s"}
            )
        assert created.status_code == 201
        seen = bytearray()
        while created.json()["_id"].encode() not in seen:
            more = await asyncio.wait_for(reader.read(65536), 5)
            assert more, f"the stream ended: {bytes(seen)!r}"
            seen.extend(more)
    finally:
        writer.close()
