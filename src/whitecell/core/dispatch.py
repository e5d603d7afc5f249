"""Finding a table's route by its name instead of trying every route in turn.

Starlette matches a request against each route's pattern in order; with ~180 routes that costs
about as much as the whole of an indexed read (measured: 80-100 µs of ~200). This one route sits
first, reads the table name from the path and tries only that table's handful of routes. The same
route objects stay in the app after it, so the OpenAPI document is unchanged.

A path served for other methods answers 405 whose `Allow` names every method of the path (RFC
9110 15.5.6). Starlette's router, and this dispatcher, hand a wrong method to the first route
whose path matched, which names only its own methods (`PUT /api/v1/notes` said `Allow: GET`);
`method_not_allowed` gathers them from all routes, once a 405 is certain.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.routing import BaseRoute, Match, NoMatchFound
from starlette.types import Receive, Scope, Send

from whitecell.core.errors import problem

PREFIX = "/api/v1/"
_ROUTE = "whitecell.route"


class TableDispatch(BaseRoute):
    def __init__(self, routes: Iterable[BaseRoute]) -> None:
        self._by_table: dict[str, list[BaseRoute]] = defaultdict(list)
        for route in routes:
            path: str = getattr(route, "path", "")
            if path.startswith(PREFIX):
                self._by_table[path[len(PREFIX) :].split("/", 1)[0]].append(route)

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        path: str = scope.get("path", "")
        if scope["type"] != "http" or not path.startswith(PREFIX):
            return Match.NONE, {}
        routes = self._by_table.get(path[len(PREFIX) :].split("/", 1)[0])
        if not routes:
            return Match.NONE, {}
        partial: tuple[BaseRoute, Scope] | None = None
        for route in routes:
            match, child = route.matches(scope)
            if match == Match.FULL:
                return Match.FULL, {**child, _ROUTE: route}
            if match == Match.PARTIAL and partial is None:
                partial = (route, child)
        if partial is not None:  # the path exists, not for this method: the route answers 405
            return Match.PARTIAL, {**partial[1], _ROUTE: partial[0]}
        return Match.NONE, {}

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        route: BaseRoute = scope.pop(_ROUTE)
        await route.handle(scope, receive, send)

    def url_path_for(self, name: str, /, **path_params: Any) -> Any:
        raise NoMatchFound(name, path_params)


def allowed_methods(routes: Iterable[BaseRoute], scope: Scope) -> list[str]:
    """Every method of the scope's path, sorted: of all the routes of its most literal pattern.

    `/flashcards/due` also matches `/flashcards/{doc_id}`, whose PATCH would only answer 404
    there; the path's own routes (fewest parameters) are the resource the client named.
    """
    methods: dict[int, set[str]] = defaultdict(set)
    for route in routes:
        route_methods = getattr(route, "methods", None)
        if route_methods and route.matches(scope)[0] != Match.NONE:
            path: str = getattr(route, "path", "")
            methods[-path.count("{")].update(route_methods)
    return sorted(methods[max(methods)]) if methods else []


def install_method_not_allowed(app: FastAPI) -> None:
    """A 405 problem whose `Allow` lists the methods of all the path's routes."""

    @app.exception_handler(405)
    async def _method_not_allowed(request: Request, exc: HTTPException) -> JSONResponse:
        allow = ", ".join(allowed_methods(request.app.router.routes, request.scope))
        return problem(
            405,
            f"{request.method} is not served here; use {allow}." if allow else "Not served here.",
            code="method_not_allowed",
            headers={**(exc.headers or {}), "Allow": allow},
            request=request,
        )
