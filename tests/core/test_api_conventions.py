"""Conventions every endpoint follows: problem details, request ids, OpenAPI, health probes."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from tests.samples import sample_body
from tests.support import Api, scratch_database
from whitecell.app import create_app
from whitecell.core.config import Settings
from whitecell.core.tables import REGISTRY
from whitecell.core.types import safe_link


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
        ("POST", "/api/v1/textbooks/01abc/pdf", "GET, HEAD, PUT"),
        # A path of its own beside a pattern (`/flashcards/{doc_id}`) names its own methods.
        ("PUT", "/api/v1/flashcards/due", "GET"),
        ("PUT", "/api/v1/quizzes/generate", "POST"),
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


PROBLEM = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}


async def test_the_openapi_document_lists_every_error_as_a_problem(
    client: httpx.AsyncClient,
) -> None:
    spec = (await client.get("/openapi.json")).json()
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    assert set(spec["components"]["schemas"]["Problem"]["properties"]) == {
        "type",
        "title",
        "status",
        "detail",
        "code",
        "instance",
        "requestId",
        "errors",
    }
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                if status.startswith("4"):
                    assert response["content"] == PROBLEM, (method, path, status)

    def statuses(method: str, path: str) -> set[int]:
        responses = spec["paths"][path][method]["responses"]
        return {int(status) for status in responses if status.startswith("4")}

    # 409: a served scramble used twice, an import key taken (docs/mind.md, "Cubing").
    # 429: a signed-in caller's writes are limited (core/writelimits.py).
    assert statuses("post", "/api/v1/cube_times") == {400, 401, 403, 408, 409, 413, 415, 422, 429}
    assert statuses("get", "/api/v1/cube_times") == {400, 401, 403}
    assert statuses("patch", "/api/v1/cube_times/{doc_id}") == {
        400,
        401,
        403,
        404,
        408,
        409,
        413,
        415,
        422,
        429,
    }
    assert 409 in statuses("post", "/api/v1/feature_flags")  # a unique name
    assert 409 in statuses("post", "/api/v1/study_sessions/start")
    assert statuses("post", "/api/v1/auth/otp") == {
        400,
        408,
        413,
        415,
        422,
        429,
    }  # no token: no 401
    assert statuses("get", "/api/v1/gamification/rules") == set()
    assert {411, 413, 415} <= statuses("post", "/api/v1/textbooks/upload")
    assert {404, 416} <= statuses("get", "/api/v1/textbooks/{doc_id}/pdf")
    # Routes anonymous callers may use say that signing in is optional.
    assert {} in spec["paths"]["/api/v1/analytics"]["post"]["security"]
    assert {} in spec["paths"]["/api/v1/analytics/events"]["post"]["security"]
    assert {} in spec["paths"]["/api/v1/textbooks/{doc_id}/pdf"]["get"]["security"]
    assert {} not in spec["paths"]["/api/v1/cube_times"]["post"]["security"]


async def test_the_openapi_document_states_what_the_validator_checks(
    client: httpx.AsyncClient,
) -> None:
    schemas = (await client.get("/openapi.json")).json()["components"]["schemas"]

    def field(model: str, name: str) -> dict[str, Any]:
        schema: dict[str, Any] = schemas[model]["properties"][name]
        return next(s for s in schema.get("anyOf", [schema]) if s.get("type") != "null")

    assert field("CubeTimesCreate", "date")["format"] == "date-time"
    assert field("DailyTasksCreate", "date")["format"] == "date"
    assert (
        field("CubeTimesCreate", "time")["minimum"],
        field("CubeTimesCreate", "time")["maximum"],
    ) == (
        0,
        86_400_000,
    )
    assert field("CubeTimesCreate", "scramble")["maxLength"] == 500
    clock = re.compile(field("DailyTasksCreate", "dueTime")["pattern"])
    link = re.compile(field("ProgressPhotosCreate", "imageUrl")["pattern"])
    for value, accepted in [("07:30", True), ("23:59", True), ("24:00", False), ("7:30", False)]:
        assert bool(clock.search(value)) is accepted, value
    for value in [
        "https://example.com/a.png",
        "HTTP://EXAMPLE.COM",
        "  http://x",
        "data:image/png;base64,AAAA",
        "DATA:Application/PDF;base64,AA",
        "javascript:alert(1)",
        "ftp://example.com",
        "data:text/html,<script>",
        "example.com",
    ]:
        try:
            safe_link(value)
            accepted = True
        except ValueError:
            accepted = False
        assert bool(link.search(value)) is accepted, value


async def test_an_update_schema_says_a_required_field_may_be_left_out_but_never_null(
    api: Api,
) -> None:
    schemas = (await api.client.get("/openapi.json")).json()["components"]["schemas"]
    update = schemas["CubeTimesUpdate"]
    assert "required" not in update  # every field may be left out
    # Required by the table: not nullable, as the 422 below; optional: null clears it.
    assert update["properties"]["time"]["type"] == "integer"
    assert "anyOf" not in update["properties"]["time"]
    assert "default" not in update["properties"]["time"]
    assert {"type": "null"} in update["properties"]["sessionId"]["anyOf"]
    for table in REGISTRY.values():
        model = schemas.get("".join(p.capitalize() for p in table.name.split("_")) + "Update")
        for name, field in (model or {}).get("properties", {}).items():
            column = table.columns.get(name)
            if column is not None and column.required and not column.server:
                assert {"type": "null"} not in field.get("anyOf", []), (table.name, name)
    created = await api.create(api.a, "cube_times", sample_body("cube_times", sessionId="s1"))
    path = f"/api/v1/cube_times/{created['_id']}"
    nulled = await api.client.patch(path, json={"time": None}, headers=api.a.headers)
    assert nulled.status_code == 422 and nulled.json()["errors"][0]["field"] == "time"
    cleared = await api.client.patch(path, json={"sessionId": None}, headers=api.a.headers)
    assert cleared.status_code == 200 and cleared.json()["sessionId"] is None
