"""HTTP routes for every declared table: `/api/v1/{table}` list, create, read, update, delete.

Routes exist only for what the table's access allows. Documents are written with orjson straight
into the response (they are built from validated data and database rows, so FastAPI's response
validation would only repeat work on the hot path); the OpenAPI document still describes them.
"""

# No `from __future__ import annotations`: the handlers' annotations name per-table body models
# created at runtime, which FastAPI must see as real classes.

from collections.abc import Callable
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Request, Response, status

from whitecell.core import crud
from whitecell.core.bodies import create_body, document_model, update_body
from whitecell.core.context import AppContext, get_context
from whitecell.core.listing import parse_list_query
from whitecell.core.openapi import SIGN_IN_OPTIONAL
from whitecell.core.pages import Page, list_page
from whitecell.core.permissions import Caller, may_write
from whitecell.core.tables import Table

JSON = "application/json"
CHANGE_SEQ_HEADER = "X-Change-Seq"

LIST_DESCRIPTION = """Keyset-paginated list: `{{items, nextCursor}}` (`total` with `count=true`).

Filter on indexed fields with `?field=value` or `?field[op]=value` (eq, ne, gt, gte, lt, lte, in);
sort with `?order=field` or `?order=-field`; page with `?limit=` (1-100, default 20) and
`?cursor=<nextCursor>`; search with `?search=` where the table has full-text search. At most 50
filter conditions; integers in ASCII digits; a bad parameter is a 400 naming it.
Filterable: {filterable}. Sortable: {sortable}. Default order: `{order}`.{search}"""


def json_response(
    payload: Any, status_code: int = 200, headers: dict[str, str] | None = None
) -> Response:
    return Response(
        orjson.dumps(payload), status_code=status_code, media_type=JSON, headers=headers
    )


def page_payload(page: Page) -> dict[str, Any]:
    payload: dict[str, Any] = {"items": page.items, "nextCursor": page.next_cursor}
    if page.total is not None:
        payload["total"] = page.total
    return payload


def build_router(table: Table, caller_dependency: Callable[..., Any]) -> APIRouter:
    router = APIRouter(prefix=f"/api/v1/{table.name}", tags=[table.module])
    CallerDep = Annotated[Caller, Depends(caller_dependency)]
    Ctx = Annotated[AppContext, Depends(get_context)]
    Document = document_model(table)

    def permitted(action: str) -> list[Any]:
        # Runs before the body is read: a caller who may not write learns that first (401/403),
        # not what would have been wrong with the body.
        async def check(caller: CallerDep) -> None:
            may_write(table, caller, action)

        return [Depends(check)]

    present = table.present or (lambda document, _caller: document)
    access = table.access
    # What the OpenAPI document adds to each route: anonymous callers, and the unique fields a
    # write may collide on (core/openapi.py infers the rest from the route's shape).
    anonymous = {
        "read": access.read == "owner_or_public",
        **{
            action: getattr(access, action) == "anyone" for action in ("create", "update", "delete")
        },
    }

    def extra(action: str) -> dict[str, Any] | None:
        return SIGN_IN_OPTIONAL if anonymous[action] else None

    unique = [f for fields in table.unique for f in fields if f != "userId"]
    taken: dict[int | str, dict[str, Any]] = {}
    if unique:
        taken[409] = {"description": f"Already taken: {', '.join(unique)}."}

    if access.read != "nobody":

        @router.get(
            "",
            response_model=None,
            responses={
                200: {"description": "A page of documents"},
                400: {"description": "A filter, order, limit or cursor cannot be used."},
            },
            openapi_extra=extra("read"),
            summary=f"List {table.name}",
            description=LIST_DESCRIPTION.format(
                filterable=", ".join(f"`{f}`" for f in sorted(table.filterable)),
                sortable=", ".join(f"`{f}`" for f in sorted(table.sortable)),
                order=table.order,
                search=" Full-text search over " + ", ".join(table.search) + "."
                if table.search
                else "",
            ),
        )
        async def list_documents(request: Request, caller: CallerDep, ctx: Ctx) -> Response:
            query = parse_list_query(table, list(request.query_params.multi_items()))
            async with ctx.store.read() as tx:
                page = await list_page(tx, table, caller, query)
            page.items = [present(item, caller) for item in page.items]
            return json_response(page_payload(page))

    if access.read != "nobody" and table.generated_read:

        @router.get(
            "/{doc_id}",
            response_model=None,
            responses={200: {"model": Document}},
            openapi_extra=extra("read"),
            summary=f"Read one of {table.name}",
        )
        async def read_document(doc_id: str, caller: CallerDep, ctx: Ctx) -> Response:
            async with ctx.store.read() as tx:
                document = await crud.get(tx, table, caller, doc_id)
            return json_response(present(document, caller))

    if access.create != "nobody":
        Create = create_body(table.name)

        @router.post(
            "",
            status_code=status.HTTP_201_CREATED,
            response_model=None,
            responses={201: {"model": Document}, **taken},
            openapi_extra=extra("create"),
            summary=f"Create one of {table.name}",
            dependencies=permitted("create"),
        )
        async def create_document(body: Create, caller: CallerDep, ctx: Ctx) -> Response:  # type: ignore[valid-type]
            values = body.model_dump(mode="json", exclude_unset=True)  # type: ignore[attr-defined]
            async with ctx.store.write() as tx:
                document = await crud.create(tx, table, caller, values)
            return json_response(
                present(document, caller),
                status.HTTP_201_CREATED,
                {
                    CHANGE_SEQ_HEADER: str(tx.seq),
                    "Location": f"/api/v1/{table.name}/{document['_id']}",
                },
            )

    if access.update != "nobody":
        Update = update_body(table.name)

        @router.patch(
            "/{doc_id}",
            response_model=None,
            responses={200: {"model": Document}, **taken},
            openapi_extra=extra("update"),
            summary=f"Change one of {table.name}",
            dependencies=permitted("update"),
        )
        async def update_document(
            doc_id: str,
            body: Update,  # type: ignore[valid-type]
            caller: CallerDep,
            ctx: Ctx,
        ) -> Response:
            changes = body.model_dump(mode="json", exclude_unset=True)  # type: ignore[attr-defined]
            async with ctx.store.write() as tx:
                document = await crud.update(tx, table, caller, doc_id, changes)
            return json_response(
                present(document, caller), headers={CHANGE_SEQ_HEADER: str(tx.seq)}
            )

    if access.delete != "nobody":

        @router.delete(
            "/{doc_id}",
            status_code=status.HTTP_204_NO_CONTENT,
            openapi_extra=extra("delete"),
            summary=f"Delete one of {table.name}",
            dependencies=permitted("delete"),
        )
        async def delete_document(doc_id: str, caller: CallerDep, ctx: Ctx) -> Response:
            async with ctx.store.write() as tx:
                await crud.delete(tx, table, caller, doc_id)
            return Response(
                status_code=status.HTTP_204_NO_CONTENT, headers={CHANGE_SEQ_HEADER: str(tx.seq)}
            )

    return router
