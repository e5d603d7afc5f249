"""Notes in the browser (issue 15, "Study"): the list with full-text search (the API's search and
its highlighted snippets), the editor with a server-rendered Markdown preview and `[[` link
autocomplete (static/js/notes_editor.js), and a note shown sanitised with its backlinks. Every
read and write goes through the same functions as `/api/v1/notes`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from markupsafe import Markup

from whitecell.core import crud
from whitecell.core.bodies import create_body, update_body
from whitecell.core.errors import AppError
from whitecell.study import notes
from whitecell.study.tables import NOTES
from whitecell.web.forms import FormInvalid, parse, problem_errors, refusal_status
from whitecell.web.pages import is_htmx
from whitecell.web.render import render
from whitecell.web.session import Ctx, WebCaller, protect

router = APIRouter(prefix="/study/notes", dependencies=[Depends(protect)], include_in_schema=False)
FIELDS = ("title", "subject", "content")
LIST_LIMIT = 200


async def _recent(ctx: Any, caller: Any) -> list[dict[str, Any]]:
    async with ctx.store.read() as tx:
        return await crud.select_documents(
            tx,
            "notes",
            '"userId" = :me AND "isArchived" = :no',
            {"me": caller.id, "no": False},
            f'ORDER BY "isPinned" DESC, "updatedAt" DESC, "_id" DESC LIMIT {LIST_LIMIT}',
        )


async def _found(ctx: Any, caller: Any, q: str) -> list[dict[str, Any]]:
    async with ctx.store.read() as tx:
        items = await notes.search_notes(tx, caller, q, limit=50)
    # The snippet is the search's own: the note's text HTML-escaped, then <mark> around matches.
    return [{**item, "snippet": Markup(item["snippet"])} for item in items]  # noqa: S704


@router.get("")
async def note_list(request: Request, caller: WebCaller, ctx: Ctx, q: str = "") -> Response:
    """All my notes, or with `q` the best matches with their snippets; htmx asks for the results
    alone as the search box is typed in."""
    q = q.strip()[:200]
    context: dict[str, Any] = {"q": q}
    if q:
        context["found"] = await _found(ctx, caller, q)
    else:
        context["notes"] = await _recent(ctx, caller)
    if is_htmx(request) and request.headers.get("hx-target") == "note-results":
        return render(request, "study/notes_results.html", context)
    return render(request, "study/notes_list.html", context)


@router.get("/titles")
async def titles(caller: WebCaller, ctx: Ctx, q: str = "") -> Response:
    """My note titles holding `q`: what the editor offers after `[[`."""
    async with ctx.store.read() as tx:
        found = await notes.titles_like(tx, caller, q.strip()[:300])
    return JSONResponse({"items": found})


@router.post("/preview")
async def preview(request: Request, caller: WebCaller) -> Response:
    """The editor's Markdown rendered as the note page will show it (sanitised)."""
    form = await request.form()
    content = form.get("content")
    text = content if isinstance(content, str) else ""
    return render(request, "study/notes_preview.html", {"content": text})


@router.get("/new")
async def new_note(request: Request, caller: WebCaller) -> Response:
    return _editor(request, None, {"title": "", "subject": "", "content": ""}, {})


def _editor(
    request: Request,
    note: dict[str, Any] | None,
    data: dict[str, Any],
    errors: dict[str, str],
    status: int = 200,
) -> Response:
    context = {"note": note, "data": data, "errors": errors}
    return render(request, "study/notes_edit.html", context, status=status)


def _sent(form: Any) -> dict[str, str]:
    """The editor's fields as typed (content kept as is: spaces may matter in Markdown)."""
    data: dict[str, str] = {}
    for name in FIELDS:
        value = form.get(name)
        data[name] = value if isinstance(value, str) else ""
    data["title"], data["subject"] = data["title"].strip(), data["subject"].strip()
    return data


@router.post("")
async def create_note(request: Request, caller: WebCaller, ctx: Ctx) -> Response:
    data = _sent(await request.form())
    try:
        body = parse(create_body("notes"), data).model_dump(mode="json", exclude_unset=True)
        async with ctx.store.write() as tx:
            note = await crud.create(tx, NOTES, caller, body)
    except (FormInvalid, AppError) as error:
        return _refused(request, None, data, error)
    return RedirectResponse(f"/study/notes/{note['_id']}", status_code=303)


def _refused(
    request: Request,
    note: dict[str, Any] | None,
    data: dict[str, Any],
    error: FormInvalid | AppError,
) -> Response:
    if isinstance(error, AppError) and error.status == 404:
        raise error
    return _editor(request, note, data, problem_errors(error), refusal_status(error))


@router.get("/{note_id}")
async def show_note(note_id: str, request: Request, caller: WebCaller, ctx: Ctx) -> Response:
    async with ctx.store.read() as tx:
        note = await crud.get(tx, NOTES, caller, note_id)
        backlinks = await notes.backlinks_of(tx, caller, note_id)
        linked = note["linkedNotes"]
        outgoing = []
        if linked:
            names = {f"l{i}": doc_id for i, doc_id in enumerate(linked)}
            outgoing = await crud.select_documents(
                tx,
                "notes",
                f'"userId" = :me AND "_id" IN ({", ".join(":" + n for n in names)})',
                {"me": caller.id, **names},
                "ORDER BY title",
            )
    context = {"note": note, "backlinks": backlinks, "outgoing": outgoing}
    return render(request, "study/notes_show.html", context)


@router.get("/{note_id}/edit")
async def edit_note(note_id: str, request: Request, caller: WebCaller, ctx: Ctx) -> Response:
    async with ctx.store.read() as tx:
        note = await crud.get(tx, NOTES, caller, note_id)
    return _editor(request, note, {name: note[name] for name in FIELDS}, {})


@router.post("/{note_id}")
async def save_note(note_id: str, request: Request, caller: WebCaller, ctx: Ctx) -> Response:
    data = _sent(await request.form())
    async with ctx.store.read() as tx:
        note = await crud.get(tx, NOTES, caller, note_id)  # 404 before anything else
    try:
        changes = parse(update_body("notes"), data).model_dump(mode="json", exclude_unset=True)
        async with ctx.store.write() as tx:
            await crud.update(tx, NOTES, caller, note_id, changes)
    except (FormInvalid, AppError) as error:
        return _refused(request, note, data, error)
    return RedirectResponse(f"/study/notes/{note_id}", status_code=303)


@router.post("/{note_id}/delete")
async def delete_note(note_id: str, caller: WebCaller, ctx: Ctx) -> Response:
    async with ctx.store.write() as tx:
        await crud.delete(tx, NOTES, caller, note_id)
    return RedirectResponse("/study/notes", status_code=303)
