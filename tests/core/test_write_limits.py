"""Write limits of signed-in users per route family (core/writelimits.py): one account cannot
flood the database, and nobody else notices when it tries."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from fastapi.routing import APIRoute

from tests.auth.test_rate_limits import redis_available
from tests.samples import sample_body
from tests.support import Api, Browser, ClientFactory, Person, api_with, person
from whitecell.auth import signin
from whitecell.auth.signin import Client
from whitecell.core.errors import PROBLEM_JSON
from whitecell.core.writelimits import route_family

REDIS = "redis://127.0.0.1:6379/15"
STORES = [
    pytest.param({}, id="database"),
    pytest.param(
        {"redis_url": REDIS},
        id="redis",
        marks=pytest.mark.skipif(not redis_available(), reason="no Redis on 127.0.0.1:6379"),
    ),
]


async def post_note(client: httpx.AsyncClient, who: Person) -> httpx.Response:
    return await client.post("/api/v1/notes", json=sample_body("notes"), headers=who.headers)


def assert_refused(response: httpx.Response, window: int = 60) -> None:
    assert response.status_code == 429, response.text
    assert response.headers["content-type"].startswith(PROBLEM_JSON)
    assert response.json()["code"] == "rate_limited"
    assert 1 <= int(response.headers["Retry-After"]) <= window


@pytest.mark.parametrize("store", STORES)
async def test_the_write_past_a_familys_limit_is_refused_with_retry_after(
    make_client: ClientFactory, store: dict[str, Any]
) -> None:
    api = await api_with(make_client, rate_write_user_family=(3, 60), **store)
    statuses = [(await post_note(api.client, api.a)).status_code for _ in range(3)]
    assert statuses == [201, 201, 201]
    assert_refused(await post_note(api.client, api.a))
    note = (await api.get(api.a, "notes")).json()["items"][0]
    # Every unsafe method of the family counts, not only creates.
    patch = await api.client.patch(
        f"/api/v1/notes/{note['_id']}", json={"title": "later"}, headers=api.a.headers
    )
    assert_refused(patch)
    delete = await api.client.delete(f"/api/v1/notes/{note['_id']}", headers=api.a.headers)
    assert_refused(delete)


@pytest.mark.parametrize("store", STORES)
async def test_another_user_and_the_users_reads_are_not_limited(
    make_client: ClientFactory, store: dict[str, Any]
) -> None:
    api = await api_with(make_client, rate_write_user_family=(2, 60), **store)
    for _ in range(2):
        assert (await post_note(api.client, api.a)).status_code == 201
    assert_refused(await post_note(api.client, api.a))
    assert (await post_note(api.client, api.b)).status_code == 201
    listing = await api.get(api.a, "notes")
    assert listing.status_code == 200
    assert len(listing.json()["items"]) == 2
    for _ in range(5):
        one = await api.get(api.a, f"notes/{listing.json()['items'][0]['_id']}")
        assert one.status_code == 200


async def test_families_are_counted_apart_and_all_writes_together(
    make_client: ClientFactory,
) -> None:
    api = await api_with(make_client, rate_write_user_family=(3, 60), rate_write_user=(5, 60))

    async def create(table: str) -> int:
        answer = await api.client.post(
            f"/api/v1/{table}", json=sample_body(table), headers=api.a.headers
        )
        return answer.status_code

    assert [await create("notes") for _ in range(3)] == [201] * 3
    # The notes have used their family's writes; the flashcards have their own.
    assert [await create("flashcards") for _ in range(2)] == [201] * 2
    # Five writes in all: the total refuses every family now.
    assert [await create(table) for table in ("daily_tasks", "flashcards", "notes")] == [429] * 3


async def test_a_flooded_account_can_still_end_its_sessions(make_client: ClientFactory) -> None:
    # A stolen token used up every write: the owner signs it out all the same.
    api = await api_with(make_client, rate_write_user_family=(2, 60), rate_write_user=(2, 60))
    async with api.context.store.write() as tx:
        stolen = await signin.open_session(
            api.context, tx, api.a.user, "otp", Client(ip="198.51.100.7", user_agent="thief")
        )
    thief = Person(stolen.user, stolen.token)
    for _ in range(2):
        assert (await post_note(api.client, thief)).status_code == 201
    assert_refused(await post_note(api.client, api.a))
    others = await api.client.delete("/api/v1/auth/sessions", headers=api.a.headers)
    assert others.status_code == 200 and others.json()["revoked"] == 1
    assert (await post_note(api.client, thief)).status_code == 401
    logout = await api.client.post("/api/v1/auth/logout", headers=api.a.headers)
    assert logout.status_code == 204
    spec = (await api.client.get("/openapi.json")).json()["paths"]
    assert "429" not in spec["/api/v1/auth/sessions"]["delete"]["responses"]
    assert "429" in spec["/api/v1/notes"]["post"]["responses"]


async def test_a_process_taking_leases_still_admits_exactly_the_limit(
    make_client: ClientFactory,
) -> None:
    # 25 a minute: the process takes 2 at a time from the shared count.
    api = await api_with(make_client, rate_write_user_family=(25, 60))
    statuses = [(await post_note(api.client, api.a)).status_code for _ in range(26)]
    assert statuses == [201] * 25 + [429]


async def test_two_processes_share_one_users_limit(make_client: ClientFactory) -> None:
    limits = {"rate_write_user_family": (20, 60)}
    one, two = await make_client(**limits), await make_client(**limits)
    ada = await person(one.app.state.context, "ada@example.com")  # type: ignore[attr-defined]
    statuses = [
        (await post_note(client, ada)).status_code for _ in range(15) for client in (one, two)
    ]
    accepted = statuses.count(201)
    # Never past the limit; early by at most what the other process holds unused (a lease of 2).
    assert 19 <= accepted <= 20
    assert statuses[-4:] == [429] * 4


async def test_with_the_limiter_off_writes_are_not_counted(make_client: ClientFactory) -> None:
    api = await api_with(
        make_client,
        rate_limit_enabled=False,
        rate_write_user_family=(1, 60),
        rate_write_user=(1, 60),
    )
    statuses = {(await post_note(api.client, api.a)).status_code for _ in range(4)}
    assert statuses == {201}


async def test_the_web_apps_forms_are_limited_as_the_api_is(make_client: ClientFactory) -> None:
    api: Api = await api_with(make_client, rate_write_user_family=(2, 60))
    browser = Browser(api.client, api.context, api.a)
    note = {"title": "Cells", "subject": "Biology", "content": "Mitochondria."}
    for _ in range(2):
        assert (await browser.post("/study/notes", note)).status_code == 303
    refused = await browser.post("/study/notes", note)
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert (await browser.get("/study/notes")).status_code == 200


async def test_a_family_is_the_first_segment_of_the_routes_template(api: Api) -> None:
    routes = {r.path: r for r in api.client.app.routes if isinstance(r, APIRoute)}  # type: ignore[attr-defined]
    moves = "/api/v1/chess_puzzles/attempts/{attempt_id}/moves"
    path = moves.replace("{attempt_id}", "01abc")
    assert route_family({"route": routes[moves], "path": path}) == "chess_puzzles"
    assert route_family({"route": routes["/api/v1/notes/{doc_id}"], "path": "/api/v1/notes/x"}) == (
        "notes"
    )
    # A page of the web app: the section it belongs to.
    page = SimpleNamespace(path_format="/study/notes/{note_id}")
    assert route_family({"route": page, "path": "/study/notes/x"}) == "study"
