"""A server on SQLite remembers a sign-in check for a moment (auth/remembered.py); whatever
changes the account, through this process, another one or straight in the database, applies to
the very next request, on both databases."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import Engine, text

from tests.support import Api, ClientFactory, api_with
from whitecell.auth.remembered import RememberedSignIns, SignIn
from whitecell.core import crud, migrations
from whitecell.core.changes import ChangeEvent
from whitecell.core.clock import utcnow
from whitecell.core.store import Store
from whitecell.server import create_context
from whitecell.users.tables import USERS


async def _me(api: Api, token: str) -> int:
    response = await api.client.get(
        "/api/v1/users/me", headers={"Authorization": f"Bearer {token}"}
    )
    return response.status_code


async def test_a_ban_through_another_process_applies_at_once(make_client: ClientFactory) -> None:
    api = await api_with(make_client, session_cache_seconds=10)
    assert await _me(api, api.a.token) == 200  # read, and remembered
    # Another server process, a CLI command: a context of its own on the same database.
    other = create_context(api.context.settings)
    await other.store.open()
    try:
        async with other.store.write() as tx:
            await crud.update_server_rows(
                tx, USERS, '"_id" = :id', {"id": api.a.user["_id"]}, {"isBanned": True}
            )
    finally:
        await other.store.close()
    # SQLite: another connection committed (data_version); PostgreSQL: nothing is remembered.
    assert await _me(api, api.a.token) == 403
    assert await _me(api, api.b.token) == 200


async def test_a_ban_written_straight_into_the_database_applies_at_once(
    make_client: ClientFactory, sync_engine: Engine
) -> None:
    api = await api_with(make_client, session_cache_seconds=10)
    assert await _me(api, api.a.token) == 200
    with sync_engine.begin() as connection:  # no change event
        connection.execute(
            text('UPDATE users SET "isBanned" = :yes WHERE "_id" = :id'),
            {"yes": True, "id": api.a.user["_id"]},
        )
    assert await _me(api, api.a.token) == 403
    assert await _me(api, api.b.token) == 200


async def test_a_ban_through_this_process_signs_out_at_once(make_client: ClientFactory) -> None:
    api = await api_with(make_client, session_cache_seconds=10)
    assert await _me(api, api.a.token) == 200  # read, and remembered
    response = await api.client.patch(
        f"/api/v1/users/{api.a.user['_id']}", json={"isBanned": True}, headers=api.admin.headers
    )
    assert response.status_code == 200, response.text
    # The ban revoked every session of the account: its events reached the remembered check.
    assert await _me(api, api.a.token) == 401
    assert await _me(api, api.b.token) == 200


async def test_my_own_changes_show_in_my_next_request(make_client: ClientFactory) -> None:
    api = await api_with(make_client, session_cache_seconds=10)
    headers = api.a.headers
    assert (await api.client.get("/api/v1/users/me", headers=headers)).json()["timezone"] != (
        "Asia/Tokyo"
    )
    response = await api.client.patch(
        "/api/v1/users/me", json={"timezone": "Asia/Tokyo"}, headers=headers
    )
    assert response.status_code == 200, response.text
    assert (await api.client.get("/api/v1/users/me", headers=headers)).json()["timezone"] == (
        "Asia/Tokyo"
    )


async def test_nothing_is_remembered_with_a_cache_time_of_zero(
    make_client: ClientFactory, sync_engine: Engine
) -> None:
    api = await api_with(make_client, session_cache_seconds=0)
    assert await _me(api, api.a.token) == 200
    with sync_engine.begin() as connection:
        connection.execute(
            text('UPDATE sessions SET "isValid" = :no WHERE "userId" = :id'),
            {"no": False, "id": api.a.user["_id"]},
        )
    assert await _me(api, api.a.token) == 401


async def test_a_sign_in_read_while_its_user_changed_is_not_remembered(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'remembered.db'}"
    migrations.upgrade(url)
    store = Store(url)
    await store.open()
    remembered = RememberedSignIns(store, 10)
    await remembered.start()
    now = utcnow()
    idle_since = now - timedelta(days=7)

    def sign_in() -> SignIn:
        user = {"_id": "someone"}
        return SignIn("session-1", user, now + timedelta(days=1), now, time.monotonic())

    mark = remembered.mark()  # a read starts; meanwhile the user is banned and committed
    async with store.write() as tx:
        tx.record(ChangeEvent("users", "update", "someone", "someone", {"_id": "someone"}))
    remembered.remember("token", sign_in(), mark)  # the read, from before the ban, ends
    assert remembered.recall("token", now, idle_since) is None

    remembered.remember("token", sign_in(), remembered.mark())
    assert remembered.recall("token", now, idle_since) is not None
    await remembered.stop()
    await store.close()


async def test_a_user_row_changed_through_this_process_is_remembered_as_committed(
    make_client: ClientFactory,
) -> None:
    api = await api_with(make_client, session_cache_seconds=10)
    headers = api.a.headers
    assert (await api.client.get("/api/v1/users/me", headers=headers)).status_code == 200
    # As the XP engine does after a scored write: the row changed by the server, one event.
    async with api.context.store.write() as tx:
        await crud.update_server_rows(
            tx, USERS, '"_id" = :id', {"id": api.a.user["_id"]}, {"totalXP": 1234}
        )
    remembered = (await api.client.get("/api/v1/users/me", headers=headers)).json()
    assert remembered["totalXP"] == 1234
    api.context.service(RememberedSignIns).forget(None)
    assert (await api.client.get("/api/v1/users/me", headers=headers)).json() == remembered
