"""Administrators: the audit trail of every admin write (kept by `core/crud.py`), and the tables
they see in the OpenAPI document."""

from __future__ import annotations

from typing import Any

from tests.samples import sample_body
from tests.support import Api


async def _audit(api: Api, **params: Any) -> list[dict[str, Any]]:
    response = await api.get(api.admin, "admin_logs", **params)
    assert response.status_code == 200
    return list(response.json()["items"])


async def test_admin_writes_are_logged_with_before_after_and_address(api: Api) -> None:
    flag = await api.create(api.admin, "feature_flags", sample_body("feature_flags", name="new-ui"))
    await api.client.patch(
        f"/api/v1/feature_flags/{flag['_id']}",
        json={"rolloutPercentage": 50},
        headers=api.admin.headers,
    )
    await api.client.delete(f"/api/v1/feature_flags/{flag['_id']}", headers=api.admin.headers)
    logs = await _audit(api, targetId=flag["_id"], order="timestamp")
    assert [log["action"] for log in logs] == [
        "feature_flags.create",
        "feature_flags.update",
        "feature_flags.delete",
    ]
    assert all(log["adminId"] == api.admin.id for log in logs)
    assert all(log["ipAddress"] == "127.0.0.1" and log["targetType"] == "system" for log in logs)
    assert logs[0]["changes"]["after"]["name"] == "new-ui"
    assert logs[1]["changes"]["before"]["rolloutPercentage"] == flag["rolloutPercentage"]
    assert logs[1]["changes"]["after"]["rolloutPercentage"] == 50
    assert logs[2]["changes"]["before"]["_id"] == flag["_id"]


async def test_banning_a_user_is_logged_with_the_reason_and_signs_them_out(api: Api) -> None:
    response = await api.client.patch(
        f"/api/v1/users/{api.b.id}",
        json={"isBanned": True, "reason": "spam"},
        headers=api.admin.headers,
    )
    assert response.status_code == 200, response.text
    [log] = await _audit(api, targetId=api.b.id)
    assert log["action"] == "users.update" and log["targetType"] == "user"
    assert log["reason"] == "spam"
    assert log["changes"] == {"before": {"isBanned": False}, "after": {"isBanned": True}}
    assert (await api.get(api.b, "notes")).status_code == 401


async def test_quote_management_is_logged_as_content(api: Api) -> None:
    quote = await api.create(api.admin, "stoic_quotes", sample_body("stoic_quotes"))
    [log] = await _audit(api, targetId=quote["_id"])
    assert (log["action"], log["targetType"]) == ("stoic_quotes.create", "content")


async def test_the_audit_trail_cannot_be_edited_or_erased(api: Api) -> None:
    await api.create(api.admin, "feature_flags", sample_body("feature_flags"))
    [log] = await _audit(api)
    path = f"/api/v1/admin_logs/{log['_id']}"
    for response in (
        await api.client.patch(path, json={"reason": "oops"}, headers=api.admin.headers),
        await api.client.delete(path, headers=api.admin.headers),
        await api.client.post("/api/v1/admin_logs", json={}, headers=api.admin.headers),
    ):
        assert response.status_code == 405
    assert await _audit(api) == [log]


async def test_ordinary_writes_are_not_audited(api: Api) -> None:
    await api.create(api.a, "notes", sample_body("notes"))
    await api.client.post("/api/v1/analytics", json={"event": "opened"})
    assert await _audit(api) == []


async def test_openapi_lists_every_table(api: Api) -> None:
    from whitecell.core.tables import REGISTRY

    paths = (await api.client.get("/openapi.json")).json()["paths"]
    for name, table in REGISTRY.items():
        if table.access.read == "nobody":
            continue
        assert f"/api/v1/{name}" in paths or name in ("users",), name
        assert any(p.startswith(f"/api/v1/{name}") for p in paths), name
