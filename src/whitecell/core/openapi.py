"""The OpenAPI document: FastAPI's, plus every error a route answers and what the validator checks.

FastAPI documents a route's success and a 422 typed `application/json` with its own error shape.
Ours answers every error as RFC 9457 problem details (`core/errors.py`), so each operation lists,
typed `application/problem+json` with the `Problem` schema, the statuses its shape implies:

- a bearer token (optional or not): 401 (missing, expired or forged token) and 403 (a suspended
  account, or a row or route the caller may not touch); on a write, 429 (core/writelimits.py);
- a path parameter: 404; any parameter or a body: 422; a body: 400 (not JSON), 408 (too slow),
  413 (too large), 415 (not the declared media type);
- whatever the route declares itself (`responses={409: ...}` on its decorator), or what the app
  passes for routes it cannot annotate (`statuses` of `install_openapi`).

Validators written as functions (`core/types.py`: safe links, HH:MM times) are invisible to
Pydantic's JSON Schema; their rule is written here as a `pattern` on every field that uses them,
so that a client generator, or a fuzzer, knows what is accepted.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from http import HTTPStatus
from typing import Any, Literal, get_args, get_origin

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from pydantic import AfterValidator, BaseModel
from pydantic.fields import FieldInfo

from whitecell.core.errors import PROBLEM_JSON
from whitecell.core.types import NUL_FREE, SAFE_DATA_TYPES, ClockTime, safe_link
from whitecell.core.writelimits import UNSAFE_METHODS, is_unlimited

# `openapi_extra` of a route that also serves anonymous callers: FastAPI appends this empty
# requirement to the bearer one, which is how OpenAPI says "signing in is optional".
SIGN_IN_OPTIONAL: dict[str, Any] = {"security": [{}]}

PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "RFC 9457 problem details; `errors` names each field at fault.",
    "type": "object",
    "required": ["type", "title", "status", "detail", "code"],
    "properties": {
        "type": {"type": "string", "description": "Always `about:blank`."},
        "title": {"type": "string", "description": "The status's phrase."},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string", "description": "What happened and what to do about it."},
        "code": {"type": "string", "description": "Stable, for programs: `validation_failed`."},
        "instance": {"type": "string", "description": "The request's path."},
        "requestId": {"type": "string", "description": "As in the `X-Request-ID` header."},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "message"],
                "properties": {
                    "field": {"type": "string", "description": "`exercises[0].sets`"},
                    "message": {"type": "string"},
                },
            },
        },
    },
}
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}

WHY: dict[int, str] = {
    400: "Malformed: the body is not JSON, or a query parameter cannot be read.",
    401: "No valid session token: sign in and send `Authorization: Bearer <token>`.",
    403: "Not for this caller (or the account is suspended).",
    404: "No such resource, or it is not yours.",
    409: "Conflicts with the current state: fetch it again.",
    408: "The body did not arrive in time (core/bodylimits.py).",
    411: "Send a Content-Length header.",
    413: "The body is too large.",
    415: "The body is not of the declared media type.",
    416: "The range lies outside the file.",
    422: "A value is invalid; `errors` names each field.",
    429: "Too many requests: wait as long as `Retry-After` says.",
}


def _case_insensitive(text: str) -> str:
    return "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else re.escape(c) for c in text)


# What `safe_link` accepts (leading blanks, any letter case), as an ECMA-262 pattern; the
# lookahead keeps the NUL refusal that every text field states (`NUL_FREE`, core/types.py).
LINK_PATTERN = (
    r"^(?=[^\x00]*$)\s*("
    + _case_insensitive("http")
    + "[sS]?://|"
    + _case_insensitive("data:")
    + "("
    + "|".join(_case_insensitive(kind) for kind in SAFE_DATA_TYPES)
    + "))"
)
CLOCK_PATTERN = "^([01][0-9]|2[0-3]):[0-5][0-9]$"
PATTERNS: dict[Callable[..., Any], str] = {safe_link: LINK_PATTERN}
PATTERNS.update(
    {meta.func: CLOCK_PATTERN for meta in get_args(ClockTime) if isinstance(meta, AfterValidator)}
)


def multipart_body(what: str, *, with_document: bool = False) -> dict[str, Any]:
    """`openapi_extra` of an upload route, which reads its multipart body itself."""
    properties: dict[str, Any] = {
        "file": {"type": "string", "format": "binary", "description": f"The {what}."}
    }
    if with_document:
        properties["document"] = {
            "type": "string",
            "description": "The row's other fields, as a JSON object.",
        }
    schema = {"type": "object", "required": ["file"], "properties": properties}
    return {
        "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": schema}}}
    }


def install_openapi(app: FastAPI, statuses: Mapping[str, Iterable[int]] = {}) -> None:
    """Serve the completed document; `statuses` adds, per "METHOD /path", what a route's own
    decorator does not say."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title,
                version=app.version,
                summary=app.summary,
                description=app.description,
                routes=app.routes,
            )
            complete(document, app.routes, statuses)
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def complete(
    document: dict[str, Any], routes: Iterable[Any], statuses: Mapping[str, Iterable[int]]
) -> None:
    """Problem responses on every operation, and the patterns of function validators."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas["Problem"] = PROBLEM_SCHEMA
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    routes = list(routes)
    unlimited = {
        f"{method} {route.path}"
        for route in routes
        if isinstance(route, APIRoute) and is_unlimited(route.endpoint)
        for method in route.methods or ()
    }
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            name = f"{method.upper()} {path}"
            extra = statuses.get(name, ())
            # A signed-in caller's writes are limited, but for the routes that end sessions.
            limited = method.upper() in UNSAFE_METHODS and name not in unlimited
            if limited and operation.get("security"):
                extra = (*extra, 429)
            _document_problems(operation, extra)
    seen: set[type[BaseModel]] = set()
    for route in routes:
        if isinstance(route, APIRoute) and route.include_in_schema:
            for model in _models(route):
                _state_patterns(model, schemas, seen)


def _document_problems(operation: dict[str, Any], extra: Iterable[int]) -> None:
    parameters = operation.get("parameters", [])
    implied: set[int] = set(extra)
    if operation.get("security"):
        implied |= {401, 403}
    if any(p.get("in") == "path" for p in parameters):
        implied.add(404)
    if parameters:
        implied.add(422)
    if "requestBody" in operation:
        implied |= {400, 408, 413, 415, 422}
    responses = operation.setdefault("responses", {})
    declared = {int(code) for code in responses if code.isdigit() and 400 <= int(code) < 600}
    for status in sorted(implied | declared):
        response = responses.setdefault(str(status), {})
        if response.get("description") in (None, "", "Validation Error"):
            response["description"] = WHY.get(status, HTTPStatus(status).phrase)
        response["content"] = {PROBLEM_JSON: {"schema": PROBLEM_REF}}
    operation["responses"] = dict(sorted(responses.items()))


# -- patterns -------------------------------------------------------------------------------


def _models(route: APIRoute) -> Iterator[type[BaseModel]]:
    fields = [route.body_field] if route.body_field is not None else []
    fields += [route.response_field] if route.response_field is not None else []
    for field in fields:
        yield from _models_in(field.field_info.annotation)
    for answer in route.responses.values():
        model = answer.get("model") if isinstance(answer, dict) else None
        if isinstance(model, type) and issubclass(model, BaseModel):
            yield model


def _models_in(annotation: Any) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    elif get_origin(annotation) is not Literal:
        for argument in get_args(annotation):
            yield from _models_in(argument)


def _validators(annotation: Any, metadata: Iterable[Any] = ()) -> set[Callable[..., Any]]:
    """The functions of every `AfterValidator` in a field's type, however deeply nested."""
    found: set[Callable[..., Any]] = set()
    pending: list[Any] = [annotation, *metadata]
    while pending:
        item = pending.pop()
        if isinstance(item, AfterValidator):
            found.add(item.func)
        elif isinstance(item, FieldInfo):
            pending.extend(item.metadata)
        elif get_origin(item) is not Literal:  # Annotated, unions, lists: look inside
            pending.extend(get_args(item))
    return found


def _state_patterns(
    model: type[BaseModel], schemas: dict[str, Any], seen: set[type[BaseModel]]
) -> None:
    if model in seen:
        return
    seen.add(model)
    components = [
        schemas[name]
        for name in (model.__name__, f"{model.__name__}-Input", f"{model.__name__}-Output")
        if name in schemas
    ]
    for name, field in model.model_fields.items():
        for nested in _models_in(field.annotation):
            _state_patterns(nested, schemas, seen)
        patterns = {
            PATTERNS[func]
            for func in _validators(field.annotation, field.metadata)
            if func in PATTERNS
        }
        if len(patterns) != 1:
            continue
        pattern = patterns.pop()
        for component in components:
            prop = component.get("properties", {}).get(field.alias or name)
            if prop is not None:
                for text in _string_schemas(prop):
                    # A schema holds one pattern: the function's, which also excludes NUL,
                    # takes the place of the plain NUL refusal.
                    if text.get("pattern") in (None, NUL_FREE):
                        text["pattern"] = pattern


def _string_schemas(schema: dict[str, Any]) -> Iterator[dict[str, Any]]:
    if schema.get("type") == "string" and "enum" not in schema:
        yield schema
    for key in ("anyOf", "oneOf", "allOf"):
        for option in schema.get(key, []):
            yield from _string_schemas(option)
    if isinstance(schema.get("items"), dict):
        yield from _string_schemas(schema["items"])
