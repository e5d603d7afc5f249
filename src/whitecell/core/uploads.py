"""HTTP routes of the tables whose rows carry a file (a PDF, an image): upload, fetch (ranges),
signed links (docs/files.md)."""

# No `from __future__ import annotations`: the handlers' annotations name dependencies built per
# call of `build_upload_router`, which FastAPI must see as real objects.

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import anyio
import orjson
from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.datastructures import FormData

from whitecell.core import crud
from whitecell.core.bodies import create_body, document_model, update_body
from whitecell.core.clock import isoformat_z
from whitecell.core.config import Settings
from whitecell.core.context import AppContext, get_context
from whitecell.core.errors import Forbidden, NotFound, Unauthorized, ValidationFailed
from whitecell.core.files import (
    download_name,
    file_key,
    file_response,
    file_url,
    received_pdf,
    receives_file,
    signature_valid,
    signed_url,
)
from whitecell.core.ids import new_id
from whitecell.core.images import EXTENSIONS, received_image
from whitecell.core.openapi import SIGN_IN_OPTIONAL, multipart_body
from whitecell.core.permissions import Caller, may_write
from whitecell.core.resources import CHANGE_SEQ_HEADER, json_response
from whitecell.core.schemas import WriteModel
from whitecell.core.storage import set_aside
from whitecell.core.tables import REGISTRY, Table
from whitecell.core.transactions import Tx


@dataclass
class _Received:
    """An upload's form, its files to store by variant, the fields the server sets that are
    validated with the client's (the file's URL, a PDF's pages), the server-owned ones, and what
    the table derives from the file (`Upload.derived`)."""

    form: FormData
    paths: dict[str, Path]
    values: dict[str, Any]
    facts: dict[str, Any] = field(default_factory=dict)
    derived: Any = None


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
    what = "image" if upload.kind == "image" else "PDF"
    router = APIRouter(prefix=f"/api/v1/{table.name}", tags=[table.module])
    present = table.present or (lambda document, _caller: document)
    # What a signed link's fetch reads beside the owner: the title naming a PDF, an image's type.
    named = "contentType" if upload.kind == "image" else "title"
    name_sql = f'"{named}"' if named in table.columns else "NULL"

    @router.post(
        "/upload",
        status_code=201,
        summary=f"Create one of {table.name} from an uploaded {what} (multipart)",
        responses={201: {"model": document_model(table)}, 411: {}},
        openapi_extra=multipart_body(what, with_document=True),
    )
    @receives_file
    async def upload_document(request: Request, caller: SignedIn, ctx: Context) -> Response:
        """`multipart/form-data` with the {what} in `file` and the other fields as JSON in
        `document`. The server sets {sets}; the file is refused (413, 415, 422) before anything
        is stored."""
        document, seq = await create_from_upload(
            request, ctx, table, caller, lambda form: _document_field(form.get("document"))
        )
        doc_id = document["_id"]
        return json_response(
            present(document, caller),
            201,
            {CHANGE_SEQ_HEADER: str(seq), "Location": f"/api/v1/{table.name}/{doc_id}"},
        )

    sets = (
        f"`{upload.url}`, `{upload.thumbnail}`, `width`, `height` and `contentType` from the "
        "image, which is re-encoded without its metadata"
        if upload.kind == "image"
        else f"`{upload.url}`" + (f" and `{upload.pages}` from the PDF" if upload.pages else "")
    )
    upload_document.__doc__ = (upload_document.__doc__ or "").format(what=what, sets=sets)

    if upload.kind == "pdf":

        @router.put(
            "/{doc_id}/pdf",
            summary=f"Replace the PDF of one of {table.name} (multipart)",
            responses={200: {"model": document_model(table)}, 411: {}},
            openapi_extra=multipart_body(what),
        )
        @receives_file
        async def replace_pdf(
            doc_id: str, request: Request, caller: SignedIn, ctx: Context
        ) -> Response:
            """`multipart/form-data` with the new PDF in `file`: it takes the place of the row's
            file (a row that linked to a PDF elsewhere gets its own), and the server sets {sets}
            again. Refused like an upload (413, 415, 422), changing nothing; 404 for anyone but
            the owner."""
            document, seq = await replace_file(request, ctx, table, caller, doc_id)
            return json_response(present(document, caller), 200, {CHANGE_SEQ_HEADER: str(seq)})

        replace_pdf.__doc__ = (replace_pdf.__doc__ or "").format(sets=sets)

    for variant in upload.variants:
        media: dict[str, Any] = (
            {t: {} for t in EXTENSIONS} if upload.kind == "image" else {"application/pdf": {}}
        )

        def fetcher(variant: str = variant) -> Callable[..., Any]:
            async def fetch_file(
                doc_id: str,
                request: Request,
                caller: OptionalCaller,
                ctx: Context,
                expires: Annotated[int | None, Query()] = None,
                signature: Annotated[str | None, Query(max_length=128)] = None,
            ) -> Response:
                """For the owner (with the session token), or for anyone holding a signed link
                from `POST /{doc_id}/<file>/link` until it expires. `Range: bytes=a-b` answers
                206."""
                if signature is not None or expires is not None:
                    if (
                        expires is None
                        or signature is None
                        or not signature_valid(
                            ctx.settings.secret, table, doc_id, expires, signature, variant
                        )
                    ):
                        raise Forbidden("This link is invalid or has expired: ask for a new one.")
                    async with ctx.store.read() as tx:
                        row = await tx.one(
                            f'SELECT "userId", {name_sql} FROM "{table.name}" WHERE "_id" = :id',
                            {"id": doc_id},
                        )
                    if row is None:
                        raise NotFound(f"No such {table.name} document.")
                    owner, document = str(row[0]), {named: row[1]}
                    cache = "private, max-age=60"
                else:
                    if caller.id is None:
                        raise Unauthorized("Sign in, or use a signed link.")
                    async with ctx.store.read() as tx:
                        document = await crud.get(tx, table, caller, doc_id)
                    owner, cache = str(document["userId"]), "private, no-cache"
                stored = await ctx.storage.stat(file_key(table, owner, doc_id, variant))
                if stored is None:
                    raise NotFound(f"This {table.name} document has no uploaded {what}.")
                if upload.kind == "image":
                    media_type = str(document.get("contentType") or "image/jpeg")
                    name = f"{table.name}-{doc_id}-{variant}.{EXTENSIONS.get(media_type, 'img')}"
                    return file_response(request, ctx.storage, stored, name, cache, media_type)
                return file_response(request, ctx.storage, stored, download_name(document), cache)

            return fetch_file

        fetch = fetcher()
        path = f"/{{doc_id}}/{variant}"
        router.add_api_route(
            path,
            fetch,
            methods=["GET"],
            summary=f"The {variant} of one of {table.name}, with byte ranges",
            response_class=Response,
            responses={
                200: {"content": media},
                206: {"description": "The range asked for", "content": media},
                304: {"description": "Unchanged since the `If-None-Match` ETag"},
                416: {},
            },
            openapi_extra=SIGN_IN_OPTIONAL,  # a signed link opens it without a token
        )
        # HEAD (a reader sizing the file first) answers like GET, without the body.
        router.add_api_route(path, fetch, methods=["HEAD"], include_in_schema=False)

        def linker(variant: str = variant) -> Callable[..., Any]:
            async def link_file(doc_id: str, caller: SignedIn, ctx: Context) -> Response:
                """For a viewer that cannot send the token (an `<img>`, a PDF viewer): the link
                works for anyone who has it, until `expiresAt` (`WHITECELL_SIGNED_LINK_SECONDS`)."""
                url, expires_at = await signed_link(ctx, table, caller, doc_id, variant)
                return json_response({"url": url, "expiresAt": isoformat_z(expires_at)})

            return link_file

        router.add_api_route(
            f"{path}/link",
            linker(),
            methods=["POST"],
            summary=f"A short-lived link to the {variant}, without a token",
        )

    return router


async def create_from_upload(
    request: Request,
    ctx: AppContext,
    table: Table,
    caller: Caller,
    fields: Callable[[FormData], dict[str, Any]],
) -> tuple[dict[str, Any], int]:
    """Store the multipart request's file and create `table`'s document for it (the API's
    upload route and the web app's forms): `fields` reads the client's fields from the form.
    The stored document and the change sequence; nothing is kept if any step fails."""
    may_write(table, caller, "create")
    doc_id = new_id()
    async with _received(request, ctx.settings, table, doc_id) as received:
        values = {**fields(received.form), **received.values}
        body = _validated(create_body(table.name), values)
        await _read_derived(table, received)
        keys = [file_key(table, str(caller.id), doc_id, variant) for variant in received.paths]
        try:
            for key, path in zip(keys, received.paths.values(), strict=True):
                await ctx.storage.put(key, path)
            async with ctx.store.write() as tx:
                document = await crud.create(
                    tx,
                    table,
                    caller,
                    {**body.model_dump(mode="json", exclude_unset=True), **received.facts},
                    document_id=doc_id,
                )
                await _keep_derived(tx, table, document, received)
        except BaseException:
            for key in keys:  # nothing stored half-way
                await ctx.storage.delete(key)
            raise
    return document, tx.seq


async def replace_file(
    request: Request, ctx: AppContext, table: Table, caller: Caller, doc_id: str
) -> tuple[dict[str, Any], int]:
    """Store the multipart request's file in place of row `doc_id`'s own and update the row from
    it (its URL, a PDF's pages, what the table derives from the file). The row as stored and the
    change sequence; if any step fails, the row and its previous file stay as they were."""
    upload = table.upload
    assert upload is not None
    may_write(table, caller, "update")
    async with ctx.store.read() as tx:
        await crud.get(tx, table, caller, doc_id)  # 404 before a byte of the file is read
    async with _received(request, ctx.settings, table, doc_id) as received:
        body = _validated(update_body(table.name), received.values)
        await _read_derived(table, received)
        changes = {**body.model_dump(mode="json", exclude_unset=True), **received.facts}
        keys = {
            file_key(table, str(caller.id), doc_id, variant): path
            for variant, path in received.paths.items()
        }
        async with set_aside(ctx.storage, list(keys)) as put_back:
            try:
                for key, path in keys.items():
                    await ctx.storage.put(key, path)
                async with ctx.store.write() as tx:
                    announced = len(tx.events)
                    document = await crud.update(tx, table, caller, doc_id, changes)
                    if len(tx.events) == announced:
                        # The file changed even where no field did (the same page count): those
                        # who follow the row (a PDF viewer) must hear of it.
                        document = await crud.update_server_row(
                            tx, table, document, {upload.url: document[upload.url]}
                        )
                    await _keep_derived(tx, table, document, received)
            except BaseException:
                await put_back()
                raise
    return document, tx.seq


def _validated(model: type[WriteModel], values: dict[str, Any]) -> WriteModel:
    try:
        return model.model_validate(values)
    except ValidationError as error:
        raise RequestValidationError(
            [{**e, "loc": ("body", *e["loc"])} for e in error.errors()]
        ) from None


async def _read_derived(table: Table, received: _Received) -> None:
    """What the table derives from the received file, once the fields are known to be valid:
    reading a book's text takes seconds, in a worker thread, off the event loop."""
    derived = table.upload.derived if table.upload else None
    if derived is not None:
        [path, *_] = received.paths.values()
        facts, received.derived = await anyio.to_thread.run_sync(derived.read, path)
        received.facts.update(facts)


async def _keep_derived(
    tx: Tx, table: Table, document: dict[str, Any], received: _Received
) -> None:
    derived = table.upload.derived if table.upload else None
    if derived is not None:
        await derived.keep(tx, document, received.derived)


async def signed_link(
    ctx: AppContext, table: Table, caller: Caller, doc_id: str, variant: str = "pdf"
) -> tuple[str, datetime]:
    """A short-lived link to the caller's document's file that opens without a token (404
    unless the document is theirs and has the file)."""
    async with ctx.store.read() as tx:
        await crud.get(tx, table, caller, doc_id)
    if await ctx.storage.stat(file_key(table, str(caller.id), doc_id, variant)) is None:
        what = "image" if table.upload and table.upload.kind == "image" else "PDF"
        raise NotFound(f"This {table.name} document has no uploaded {what}.")
    return signed_url(ctx.settings, table, doc_id, variant)


@asynccontextmanager
async def _received(
    request: Request, settings: Settings, table: Table, doc_id: str
) -> AsyncIterator[_Received]:
    upload = table.upload
    assert upload is not None
    if upload.kind == "image":
        async with received_image(request, settings) as image:
            facts: dict[str, Any] = {
                "width": image.facts.width,
                "height": image.facts.height,
                "contentType": image.facts.content_type,
            }
            if upload.thumbnail:
                facts[upload.thumbnail] = file_url(settings, table, doc_id, "thumbnail")
            paths = {"image": image.image, "thumbnail": image.thumbnail}
            url = {upload.url: file_url(settings, table, doc_id, "image")}
            yield _Received(image.form, paths, url, facts)
        return
    async with received_pdf(request, settings) as pdf:
        values: dict[str, Any] = {upload.url: file_url(settings, table, doc_id)}
        if upload.pages:
            values[upload.pages] = pdf.pages
        yield _Received(pdf.form, {"pdf": pdf.path}, values)


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
