"""HTTP routes of the tables whose rows carry a PDF: upload, fetch (ranges), signed links."""

# No `from __future__ import annotations`: the handlers' annotations name dependencies built per
# call of `build_upload_router`, which FastAPI must see as real objects.

from collections.abc import Callable
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from whitecell.core import crud
from whitecell.core.bodies import create_body, document_model
from whitecell.core.clock import isoformat_z
from whitecell.core.context import AppContext, get_context
from whitecell.core.errors import Forbidden, NotFound, Unauthorized, ValidationFailed
from whitecell.core.files import (
    download_name,
    file_key,
    file_url,
    pdf_response,
    received_pdf,
    receives_file,
    signature_valid,
    signed_url,
)
from whitecell.core.ids import new_id
from whitecell.core.openapi import SIGN_IN_OPTIONAL, multipart_body
from whitecell.core.permissions import Caller, may_write
from whitecell.core.resources import CHANGE_SEQ_HEADER, json_response
from whitecell.core.tables import REGISTRY, Table


def build_upload_router(table: Table, caller_dependency: Callable[..., Any]) -> APIRouter:
    """The upload routes of `table`; `caller_dependency` says who is calling (the app passes
    auth's, as to `build_router`: core does not import auth)."""
    assert table.upload is not None
    OptionalCaller = Annotated[Caller, Depends(caller_dependency)]
    Context = Annotated[AppContext, Depends(get_context)]

    async def signed_in(caller: OptionalCaller) -> Caller:
        if caller.id is None:
            raise Unauthorized("Sign in and send the token as `Authorization: Bearer <token>`.")
        return caller

    SignedIn = Annotated[Caller, Depends(signed_in)]
    upload = table.upload
    router = APIRouter(prefix=f"/api/v1/{table.name}", tags=[table.module])
    present = table.present or (lambda document, _caller: document)
    title = '"title"' if "title" in table.columns else "NULL"  # names the downloaded file

    @router.post(
        "/upload",
        status_code=201,
        summary=f"Create one of {table.name} from an uploaded PDF (multipart)",
        responses={201: {"model": document_model(table)}, 411: {}},
        openapi_extra=multipart_body("PDF", with_document=True),
    )
    @receives_file
    async def upload_document(request: Request, caller: SignedIn, ctx: Context) -> Response:
        """`multipart/form-data` with the PDF in `file` and the other fields as JSON in
        `document`. The server sets `{url}`{pages}; the file is refused (413, 415, 422) before
        anything is stored."""
        may_write(table, caller, "create")
        async with received_pdf(request, ctx.settings) as pdf:
            doc_id = new_id()
            values = _document_field(pdf.form.get("document"))
            values[upload.url] = file_url(ctx.settings, table, doc_id)
            if upload.pages:
                values[upload.pages] = pdf.pages
            try:
                body = create_body(table.name).model_validate(values)
            except ValidationError as error:
                raise RequestValidationError(
                    [{**e, "loc": ("body", *e["loc"])} for e in error.errors()]
                ) from None
            key = file_key(table, str(caller.id), doc_id)
            await ctx.storage.put(key, pdf.path)
            try:
                async with ctx.store.write() as tx:
                    document = await crud.create(
                        tx,
                        table,
                        caller,
                        body.model_dump(mode="json", exclude_unset=True),
                        document_id=doc_id,
                    )
            except BaseException:
                await ctx.storage.delete(key)  # nothing stored half-way
                raise
        return json_response(
            present(document, caller),
            201,
            {CHANGE_SEQ_HEADER: str(tx.seq), "Location": f"/api/v1/{table.name}/{doc_id}"},
        )

    upload_document.__doc__ = (upload_document.__doc__ or "").format(
        url=upload.url, pages=f" and `{upload.pages}` from the PDF" if upload.pages else ""
    )

    @router.get(
        "/{doc_id}/pdf",
        summary=f"The PDF of one of {table.name}, with byte ranges",
        response_class=Response,
        responses={
            200: {"content": {"application/pdf": {}}},
            206: {"description": "The range asked for", "content": {"application/pdf": {}}},
            304: {"description": "Unchanged since the `If-None-Match` ETag"},
            416: {},
        },
        openapi_extra=SIGN_IN_OPTIONAL,  # a signed link opens it without a token
    )
    async def fetch_pdf(
        doc_id: str,
        request: Request,
        caller: OptionalCaller,
        ctx: Context,
        expires: Annotated[int | None, Query()] = None,
        signature: Annotated[str | None, Query(max_length=128)] = None,
    ) -> Response:
        """For the owner (with the session token), or for anyone holding a signed link from
        `POST /{doc_id}/pdf/link` until it expires. `Range: bytes=a-b` answers 206."""
        if signature is not None or expires is not None:
            if (
                expires is None
                or signature is None
                or not signature_valid(ctx.settings.secret, table, doc_id, expires, signature)
            ):
                raise Forbidden("This link is invalid or has expired: ask for a new one.")
            async with ctx.store.read() as tx:
                row = await tx.one(
                    f'SELECT "userId", {title} FROM "{table.name}" WHERE "_id" = :id',
                    {"id": doc_id},
                )
            if row is None:
                raise NotFound(f"No such {table.name} document.")
            owner, document = str(row[0]), {"title": row[1]}
            cache = "private, max-age=60"
        else:
            if caller.id is None:
                raise Unauthorized("Sign in, or use a signed link.")
            async with ctx.store.read() as tx:
                document = await crud.get(tx, table, caller, doc_id)
            owner, cache = str(document["userId"]), "private, no-cache"
        stored = await ctx.storage.stat(file_key(table, owner, doc_id))
        if stored is None:
            raise NotFound(f"This {table.name} document has no uploaded PDF.")
        return pdf_response(request, ctx.storage, stored, download_name(document), cache)

    # HEAD (a reader sizing the file first) answers like GET, without the body.
    router.add_api_route("/{doc_id}/pdf", fetch_pdf, methods=["HEAD"], include_in_schema=False)

    @router.post("/{doc_id}/pdf/link", summary="A short-lived link to the PDF, without a token")
    async def link_pdf(doc_id: str, caller: SignedIn, ctx: Context) -> Response:
        """For a PDF viewer that cannot send the token: the link works for anyone who has it,
        until `expiresAt` (`WHITECELL_SIGNED_LINK_SECONDS`)."""
        async with ctx.store.read() as tx:
            await crud.get(tx, table, caller, doc_id)
        if await ctx.storage.stat(file_key(table, str(caller.id), doc_id)) is None:
            raise NotFound(f"This {table.name} document has no uploaded PDF.")
        url, expires_at = signed_url(ctx.settings, table, doc_id)
        return json_response({"url": url, "expiresAt": isoformat_z(expires_at)})

    return router


def _document_field(raw: object) -> dict[str, object]:
    if raw is None:
        return {}
    if not isinstance(raw, str):
        raise ValidationFailed.field("document", "must be a form field holding a JSON object")
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise ValidationFailed.field("document", "is not valid JSON") from None
    if not isinstance(value, dict):
        raise ValidationFailed.field("document", "must be a JSON object")
    return value


def upload_routers(caller_dependency: Callable[..., Any]) -> list[APIRouter]:
    return [
        build_upload_router(table, caller_dependency) for table in REGISTRY.values() if table.upload
    ]
