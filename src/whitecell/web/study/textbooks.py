"""Textbooks in the browser (issue 15, "Study"): the list, uploading a PDF (the API's own upload
code: `core/uploads.create_from_upload`), reading it in the browser's PDF viewer through the
signed, ranged-read link the API hands out, and the page reached with its percentage."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response

from whitecell.core import crud
from whitecell.core.errors import AppError
from whitecell.core.files import receives_file
from whitecell.core.uploads import create_from_upload, signed_link
from whitecell.study.tables import TEXTBOOKS
from whitecell.web.forms import problem_errors, values, whole_number
from whitecell.web.render import render
from whitecell.web.session import Ctx, WebCaller, protect

router = APIRouter(
    prefix="/study/textbooks", dependencies=[Depends(protect)], include_in_schema=False
)
UPLOAD_FIELDS = ("title", "subject", "author", "course")


async def _list_page(
    request: Request,
    caller: Any,
    ctx: Any,
    errors: dict[str, str] | None = None,
    data: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    async with ctx.store.read() as tx:
        books = await crud.select_documents(
            tx,
            "textbooks",
            '"userId" = :me',
            {"me": caller.id},
            'ORDER BY "uploadedAt" DESC, "_id" DESC LIMIT 200',
        )
    context = {
        "books": books,
        "errors": errors or {},
        "data": data or {},
        "max_mb": ctx.settings.max_upload_mb,
    }
    return render(request, "study/textbooks_list.html", context, status=status)


@router.get("")
async def textbook_list(request: Request, caller: WebCaller, ctx: Ctx) -> Response:
    return await _list_page(request, caller, ctx)


@router.post("/upload")
@receives_file
async def upload(request: Request, caller: WebCaller, ctx: Ctx) -> Response:
    """The same upload as `POST /api/v1/textbooks/upload`: the PDF in `file`, the fields as
    form fields (the server reads the page count from the PDF)."""
    typed: dict[str, Any] = {}

    def fields(form: Any) -> dict[str, Any]:
        typed.update(values(form, *UPLOAD_FIELDS))
        return dict(typed)

    try:
        book, _seq = await create_from_upload(request, ctx, TEXTBOOKS, caller, fields)
    except RequestValidationError as invalid:
        errors = {
            ".".join(str(p) for p in e["loc"][1:]) or "": str(e["msg"]).removeprefix(
                "Value error, "
            )
            for e in invalid.errors()
        }
        return await _list_page(request, caller, ctx, errors, typed, 422)
    except AppError as error:
        if error.status == 404:
            raise
        return await _list_page(request, caller, ctx, problem_errors(error), typed, error.status)
    return RedirectResponse(f"/study/textbooks/{book['_id']}", status_code=303)


def _same_site(url: str) -> str:
    """The signed link as a path of this site: the page frames it (CSP frame-src 'self')
    whatever host the public URL names."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


async def _reader(
    request: Request,
    caller: Any,
    ctx: Any,
    book_id: str,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    async with ctx.store.read() as tx:
        book = await crud.get(tx, TEXTBOOKS, caller, book_id)
    try:
        url, expires_at = await signed_link(ctx, TEXTBOOKS, caller, book_id)
        link: str | None = _same_site(url)
    except AppError:
        link, expires_at = None, None  # a book entered through the API without a PDF
    context = {"book": book, "link": link, "expires_at": expires_at, "errors": errors or {}}
    return render(request, "study/textbooks_read.html", context, status=status)


@router.get("/{book_id}")
async def read(book_id: str, request: Request, caller: WebCaller, ctx: Ctx) -> Response:
    return await _reader(request, caller, ctx, book_id)


@router.post("/{book_id}/progress")
async def progress(book_id: str, request: Request, caller: WebCaller, ctx: Ctx) -> Response:
    """The page reached: the book's `currentPage` (its percentage and reading goals follow)."""
    form = await request.form()
    raw = values(form, "currentPage").get("currentPage", "")
    async with ctx.store.read() as tx:
        await crud.get(tx, TEXTBOOKS, caller, book_id)  # 404 before anything else
    page = whole_number(raw)
    if page is None or page < 1:
        return await _reader(
            request, caller, ctx, book_id, {"currentPage": "Enter a page number."}, 422
        )
    try:
        async with ctx.store.write() as tx:
            await crud.update(tx, TEXTBOOKS, caller, book_id, {"currentPage": page})
    except AppError as error:
        return await _reader(request, caller, ctx, book_id, problem_errors(error), error.status)
    return RedirectResponse(f"/study/textbooks/{book_id}", status_code=303)
