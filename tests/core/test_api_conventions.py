"""Conventions every endpoint follows: problem details, request ids, OpenAPI, health probes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx

from tests.support import scratch_database
from whitecell.app import create_app
from whitecell.core.config import Settings


async def test_unknown_route_is_a_problem_document(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert {body["status"], body["title"], body["instance"]} == {
        404,
        "Not Found",
        "/api/v1/nothing-here",
    }


async def test_wrong_method_is_405(client: httpx.AsyncClient) -> None:
    response = await client.put("/api/v1/auth/otp")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


async def test_a_405_allows_every_method_of_the_path(client: httpx.AsyncClient) -> None:
    for method, path, allowed in [
        ("PUT", "/api/v1/notes", "GET, POST"),
        ("PUT", "/api/v1/notes/01abc", "DELETE, GET, PATCH"),
        ("POST", "/api/v1/users/me", "DELETE, GET, PATCH"),
        ("POST", "/api/v1/auth/sessions", "DELETE, GET"),
        ("PUT", "/api/v1/textbooks/01abc/pdf", "GET, HEAD"),
        ("POST", "/healthz", "GET"),
        ("DELETE", "/openapi.json", "GET, HEAD"),
    ]:
        response = await client.request(method, path)
        assert response.status_code == 405, (method, path)
        assert response.headers["allow"] == allowed, (method, path)
        assert response.headers["content-type"] == "application/problem+json"
        assert allowed in response.json()["detail"]


async def test_malformed_json_is_400_not_500(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/v1/auth/otp", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "malformed_json"


async def test_wrong_types_are_422_with_every_field(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/v1/auth/otp/verify", json={"email": 5, "code": ["x"]})
    assert response.status_code == 422
    body = response.json()
    assert {e["field"] for e in body["errors"]} == {"email", "code"}
    assert "Traceback" not in response.text


async def test_request_ids_are_generated_or_echoed(client: httpx.AsyncClient) -> None:
    generated = await client.get("/healthz")
    assert len(generated.headers["x-request-id"]) == 26
    echoed = await client.get("/healthz", headers={"X-Request-ID": "trace-123"})
    assert echoed.headers["x-request-id"] == "trace-123"
    forged = await client.get("/healthz", headers={"X-Request-ID": "bad id\nwith newline"})
    assert forged.headers["x-request-id"] != "bad id\nwith newline"
    failed = await client.get("/api/v1/users/me")
    assert failed.json()["requestId"] == failed.headers["x-request-id"]


async def test_openapi_and_docs_are_served(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    assert "/api/v1/auth/otp" in spec["paths"]
    assert "/api/v1/users/me" in spec["paths"]
    patch_schema = spec["components"]["schemas"]["_ProfileChanges"]
    assert "email" not in patch_schema["properties"]  # server-owned fields are not advertised
    assert (await client.get("/docs")).status_code == 200


async def test_health_and_readiness(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["status"] == "ready"


async def test_not_ready_while_migrations_are_pending(
    settings_for: Callable[..., Settings], tmp_path: Path
) -> None:
    with scratch_database(tmp_path) as empty:
        app = create_app(settings_for(database_url=empty))
        # The app stops before its database is dropped.
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
                response = await client.get("/readyz")
        assert response.status_code == 503
        assert response.json()["status"] == "migrations pending"
