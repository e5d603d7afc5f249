"""Careless or hostile subscriptions: a WebSocket answers each with an `error` message and stays
open; a Server-Sent-Events request answers a 400 naming the parameter. Never a dropped socket or
a 500."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.realtime.conftest import Client, Live
from tests.samples import sample_body
from whitecell.core import crud
from whitecell.core.changes import ChangeEvent
from whitecell.core.permissions import Caller
from whitecell.core.tables import REGISTRY
from whitecell.realtime.connection import Subscription

OUT_OF_CALENDAR = [
    "0001-01-01T00:30:00+01:00",  # year 0 in UTC
    "9999-12-31T23:30:00-01:00",  # year 10000 in UTC
]


async def _still_open(client: Client) -> None:
    await client.send({"type": "ping"})
    assert (await client.next())["type"] == "pong"


@pytest.mark.parametrize("moment", OUT_OF_CALENDAR)
async def test_a_timestamp_filter_outside_the_calendar_is_a_bad_filter(
    live: Live, moment: str
) -> None:
    client = await live.socket(live.a)
    refused = await client.subscribe("x", "notes", filter={"createdAt[gte]": moment})
    assert (refused["type"], refused["code"], refused["field"]) == (
        "error",
        "bad_filter",
        "createdAt[gte]",
    )
    await _still_open(client)
    assert (await client.subscribe("x", "notes"))["type"] == "snapshot"


async def test_a_nul_character_in_a_subscription_is_an_error(live: Live) -> None:
    client = await live.socket(live.a)
    refused = await client.subscribe("x", "notes", filter={"subject": "a\x00b"})
    assert (refused["code"], refused["field"]) == ("bad_filter", "subject")
    refused = await client.subscribe("y", "notes", documentId="a\x00b")
    assert refused["type"] == "error" and refused["id"] in ("y", None)
    await _still_open(client)


async def test_a_binary_frame_is_a_bad_message_and_the_connection_lives_on(live: Live) -> None:
    client = await live.socket(live.a)
    await client.connection.send(b'{"type": "ping"}')
    refused = await client.next()
    assert (refused["type"], refused["code"]) == ("error", "bad_message")
    await _still_open(client)


async def _events(live: Live, params: dict[str, str], **headers: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=live.http, headers=live.a.headers, timeout=10) as http:
        return await http.get("/api/v1/realtime/events", params=params, headers=headers)


def _fields(response: httpx.Response) -> set[str]:
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    return {error["field"] for error in response.json()["errors"]}


@pytest.mark.parametrize("moment", OUT_OF_CALENDAR)
async def test_server_sent_events_refuse_a_timestamp_outside_the_calendar(
    live: Live, moment: str
) -> None:
    response = await _events(live, {"table": "notes", "filter": f'{{"createdAt[lt]": "{moment}"}}'})
    assert _fields(response) == {"createdAt[lt]"}


@pytest.mark.parametrize(
    ("params", "headers", "field"),
    [
        ({"limit": "٣"}, {}, "limit"),  # Arabic-Indic three
        ({"limit": "³"}, {}, "limit"),  # superscript three
        ({"since": "1_0"}, {}, "since"),
        ({"since": "٣"}, {}, "since"),
        ({}, {"Last-Event-ID": "1_0"}, "Last-Event-ID"),
        ({"documentId": "a\x00b"}, {}, "documentId"),
        ({"filter": '{"subject": "a\\u0000b"}'}, {}, "subject"),
        ({"filter": "[1, 2]"}, {}, "filter"),
    ],
)
async def test_server_sent_events_name_the_bad_parameter(
    live: Live, params: dict[str, str], headers: dict[str, str], field: str
) -> None:
    response = await _events(live, {"table": "notes", **params}, **headers)
    assert _fields(response) == {field}


async def test_server_sent_events_still_take_ascii_numbers(live: Live) -> None:
    note: dict[str, Any] = sample_body("notes")
    async with httpx.AsyncClient(base_url=live.http, headers=live.a.headers, timeout=10) as http:
        assert (await http.post("/api/v1/notes", json=note)).status_code == 201
        params = {"table": "notes", "limit": "3"}
        async with http.stream("GET", "/api/v1/realtime/events", params=params) as stream:
            assert stream.status_code == 200
            async for line in stream.aiter_lines():
                if line.startswith("data: "):
                    assert '"type":"snapshot"' in line
                    break


async def test_a_resume_from_a_sequence_the_log_never_reached_gets_a_snapshot_then_changes(
    live: Live,
) -> None:
    client = await live.socket(live.a)
    snapshot = await client.subscribe("x", "notes", since=2**63 - 1)
    assert (snapshot["type"], snapshot["reset"]) == ("snapshot", True)
    async with httpx.AsyncClient(base_url=live.http, headers=live.a.headers) as http:
        created = (await http.post("/api/v1/notes", json=sample_body("notes"))).json()
    change = await client.next()
    assert (change["type"], change["op"], change["_id"]) == ("change", "insert", created["_id"])


async def test_a_change_one_subscription_cannot_present_costs_nobody_else_the_commit(
    live: Live, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One commit, two notes; presenting the first fails for Ada's subscription (as a hook that
    cannot read a row would): she still gets the second note, and Bob's feed goes on."""
    deliver = Subscription.deliver

    def fragile(self: Subscription, event: ChangeEvent) -> None:
        if (event.document or {}).get("title") == "unpresentable":
            raise ValueError("a hook could not read this row")
        deliver(self, event)

    monkeypatch.setattr(Subscription, "deliver", fragile)
    ada, bob = await live.socket(live.a), await live.socket(live.b)
    await ada.subscribe("notes", "notes")
    await bob.subscribe("notes", "notes")
    async with live.context.store.write() as tx:
        for title in ("unpresentable", "fine"):
            body = sample_body("notes", title=title)
            await crud.create(tx, REGISTRY["notes"], Caller(live.a.user), body)
    change = await ada.next()
    assert (change["op"], change["document"]["title"]) == ("insert", "fine")
    async with httpx.AsyncClient(base_url=live.http, headers=live.b.headers) as http:
        mine = (await http.post("/api/v1/notes", json=sample_body("notes"))).json()
    assert (await bob.next())["_id"] == mine["_id"]
    await ada.nothing()
