"""Typed errors, mapped once to RFC 9457 problem details (`application/problem+json`)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from whitecell.core.types import NUL_FREE, NUL_REFUSED

logger = logging.getLogger("whitecell.errors")

PROBLEM_JSON = "application/problem+json"


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str
    # Where in an uploaded file (an imported CSV): its 1-based line and the column's header.
    line: int | None = None
    column: str | None = None

    def as_json(self) -> dict[str, Any]:
        where = {"line": self.line, "column": self.column}
        return {
            "field": self.field,
            "message": self.message,
            **{k: v for k, v in where.items() if v is not None},
        }


class AppError(Exception):
    """Base of every error the API reports on purpose."""

    status: int = 500
    code: str = "internal_error"

    def __init__(
        self,
        detail: str | None = None,
        *,
        errors: Sequence[FieldError] = (),
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.errors = list(errors)
        self.headers = headers or {}

    @property
    def title(self) -> str:
        return HTTPStatus(self.status).phrase


class BadRequest(AppError):
    status, code = 400, "bad_request"


class Unauthorized(AppError):
    status, code = 401, "unauthorized"

    def __init__(self, detail: str | None = None) -> None:
        super().__init__(detail, headers={"WWW-Authenticate": "Bearer"})


class Forbidden(AppError):
    status, code = 403, "forbidden"


class NotFound(AppError):
    status, code = 404, "not_found"


class RequestTimeout(AppError):
    status, code = 408, "request_timeout"


class Conflict(AppError):
    status, code = 409, "conflict"


class LengthRequired(AppError):
    status, code = 411, "length_required"


class PayloadTooLarge(AppError):
    status, code = 413, "payload_too_large"


class UnsupportedMediaType(AppError):
    status, code = 415, "unsupported_media_type"


class RangeNotSatisfiable(AppError):
    status, code = 416, "range_not_satisfiable"


class ValidationFailed(AppError):
    status, code = 422, "validation_failed"

    @classmethod
    def field(cls, field: str, message: str) -> ValidationFailed:
        return cls(f"{field}: {message}", errors=[FieldError(field, message)])


class TooManyRequests(AppError):
    status, code = 429, "rate_limited"

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            f"Too many requests; try again in {retry_after} seconds.",
            headers={"Retry-After": str(retry_after)},
        )


class ServiceUnavailable(AppError):
    status, code = 503, "unavailable"

    def __init__(self, detail: str | None = None, *, retry_after: int | None = None) -> None:
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
        super().__init__(detail, headers=headers)


def problem(
    status: int,
    detail: str,
    *,
    code: str,
    errors: Sequence[FieldError] = (),
    headers: dict[str, str] | None = None,
    request: Request | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "code": code,
    }
    if request is not None:
        body["instance"] = request.url.path
        request_id = getattr(request.state, "request_id", None)
        if request_id:
            body["requestId"] = request_id
    if errors:
        body["errors"] = [e.as_json() for e in errors]
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_JSON)


def _field_path(loc: Sequence[int | str]) -> str:
    # ("body", "exercises", 0, "sets") -> "exercises[0].sets"; the location word is dropped.
    parts = list(loc[1:]) if loc and loc[0] in {"body", "query", "path", "header", "cookie"} else []
    if not parts:
        return str(loc[0]) if loc else "body"
    path = ""
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def _message(error: dict[str, Any]) -> str:
    kind = error.get("type")
    if kind == "extra_forbidden":
        return "unknown field"
    if kind == "missing":
        return "is required"
    if kind == "string_pattern_mismatch" and error.get("ctx", {}).get("pattern") == NUL_FREE:
        return NUL_REFUSED
    return str(error.get("msg", "is invalid")).removeprefix("Value error, ")


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def _app_error(request: Request, exc: AppError) -> JSONResponse:
        return problem(
            exc.status,
            exc.detail,
            code=exc.code,
            errors=exc.errors,
            headers=exc.headers,
            request=request,
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        raw = list(exc.errors())
        if any(e.get("type") == "json_invalid" for e in raw):
            return problem(
                400, "The body is not valid JSON.", code="malformed_json", request=request
            )
        errors = [FieldError(_field_path(e.get("loc", ())), _message(e)) for e in raw]
        detail = "; ".join(f"{e.field}: {e.message}" for e in errors)
        return problem(422, detail, code="validation_failed", errors=errors, request=request)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return problem(
            exc.status_code,
            detail,
            code=code,
            headers=dict(exc.headers or {}),
            request=request,
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        logger.exception("unhandled error", exc_info=exc)
        return problem(
            500,
            "The server failed to answer this request; it has been logged.",
            code="internal_error",
            request=request,
        )
