"""The flashcards browser (`/study/flashcards`): the person's cards filtered by subject and status,
a page at a time; writing and editing a card, checked by the API's own body models (web/forms.py);
importing an Anki deck (study/decks.py `import_anki`) and exporting one (`export_download`)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from whitecell.core import crud
from whitecell.core.bodies import create_body, update_body
from whitecell.core.errors import AppError
from whitecell.core.files import received_file, receives_file
from whitecell.core.permissions import may_write
from whitecell.study import decks, queries
from whitecell.study.tables import FLASHCARDS
from whitecell.web.forms import FormInvalid, parse, problem_errors, whole_number
from whitecell.web.pages import is_htmx
from whitecell.web.render import render
from whitecell.web.session import Ctx, WebCaller, protect

router = APIRouter(
    prefix="/study/flashcards", dependencies=[Depends(protect)], include_in_schema=False
)

PAGE_SIZE = 25  # cards per page of the browser
LAST_PAGE = 1_000_000  # past any real deck; keeps the offset a 64-bit integer
FIELDS = ("question", "answer", "subject", "difficulty")
STATUS_LABELS = {
    "new": "New",
    "learning": "Learning",
    "review": "Review",
    "mastered": "Mastered",
    "due": "Due today",
}


def _form_values(form: Any) -> dict[str, Any]:
    """The card's fields as sent (text stripped; a field left empty is not sent; a whole number
    as a number, since the API's models take JSON's types strictly)."""
    sent: dict[str, Any] = {}
    for name in FIELDS:
        value = form.get(name)
        if isinstance(value, str) and value.strip():
            sent[name] = value.strip()
    difficulty = whole_number(sent.get("difficulty"))
    if difficulty is not None:
        sent["difficulty"] = difficulty
    return sent


@router.get("")
async def browse(
    request: Request,
    caller: WebCaller,
    ctx: Ctx,
    subject: str = "",
    status: str = "",
    page: str = "1",
) -> Response:
    user = caller.user or {}
    # Read from the text, not as an `int` parameter: a link edited to `?page=x` shows the first
    # page rather than the API's JSON 422, and a huge number stays inside the database's integers.
    number = whole_number(page.strip()) or 1
    page_number = min(max(1, number), LAST_PAGE)
    chosen_status = status if status in queries.BROWSE_STATUSES else None
    async with ctx.store.read() as tx:
        items, total = await queries.browse_flashcards(
            tx,
            user,
            subject=subject or None,
            status=chosen_status,
            offset=(page_number - 1) * PAGE_SIZE,
            limit=PAGE_SIZE,
        )
        subjects = await queries.flashcard_subjects(tx, user)
    pages = max(1, -(-total // PAGE_SIZE))
    filters = {k: v for k, v in (("subject", subject), ("status", chosen_status or "")) if v}

    def page_link(number: int) -> str:
        return "/study/flashcards?" + urlencode({**filters, "page": number})

    context = {
        "items": items,
        "total": total,
        "page": page_number,
        "pages": pages,
        "subjects": subjects,
        "subject": subject,
        "status": chosen_status or "",
        "statuses": STATUS_LABELS,
        "previous": page_link(page_number - 1) if page_number > 1 else None,
        "next": page_link(page_number + 1) if page_number < pages else None,
        "export": "/study/flashcards/export"
        + (f"?{urlencode({'subject': subject})}" if subject else ""),
        "saved": request.query_params.get("saved"),
    }
    return render(request, "study/flashcards.html", context)


def _editor(
    request: Request,
    card: dict[str, Any] | None,
    values: dict[str, Any],
    errors: dict[str, str],
    status: int = 200,
) -> Response:
    context = {"card": card, "values": values, "errors": errors}
    return render(request, "study/flashcard_form.html", context, status=status)


@router.get("/new")
async def new_card(request: Request, caller: WebCaller, subject: str = "") -> Response:
    return _editor(request, None, {"subject": subject, "difficulty": 3}, {})


@router.post("/new")
async def create_card(request: Request, caller: WebCaller, ctx: Ctx) -> Response:
    """A new card through the API's create body and `crud.create`, as `POST /flashcards`."""
    values = _form_values(await request.form())
    try:
        body = parse(create_body(FLASHCARDS.name), values)
        async with ctx.store.write() as tx:
            await crud.create(
                tx, FLASHCARDS, caller, body.model_dump(mode="json", exclude_unset=True)
            )
    except (FormInvalid, AppError) as error:
        errors = problem_errors(error)
        return _editor(request, None, values, errors, status=422)
    subject = values.get("subject", "")
    return RedirectResponse(
        f"/study/flashcards?{urlencode({'subject': subject, 'saved': 'created'})}", status_code=303
    )


@router.get("/import")
async def import_page(request: Request, caller: WebCaller) -> Response:
    return render(request, "study/import.html", {"summary": None, "errors": {}})


@router.post("/import")
@receives_file
async def import_deck(request: Request, caller: WebCaller, ctx: Ctx) -> Response:
    """Import an `.apkg` (multipart, in `file`) as `POST /flashcards/import/anki` does, and show
    what came of it."""
    template = "study/_import_result.html" if is_htmx(request) else "study/import.html"
    try:
        may_write(FLASHCARDS, caller, "create")
        async with received_file(request, ctx.settings, "Anki package (.apkg)") as upload:
            summary = await decks.import_anki(
                ctx.store, ctx.settings, caller, upload.path, client_gone=request.is_disconnected
            )
    except AppError as error:
        context = {"summary": None, "errors": problem_errors(error)}
        return render(request, template, context, status=error.status)
    summary.pop("seq", None)
    return render(request, template, {"summary": summary, "errors": {}})


@router.get("/export")
async def export_deck(caller: WebCaller, ctx: Ctx, subject: str = "") -> Response:
    """The person's cards (of one subject, or all) as an Anki deck: the API's own export."""
    return await decks.export_download(ctx.store, caller, subject.strip() or None)


@router.get("/{card_id}/edit")
async def edit_card(card_id: str, request: Request, caller: WebCaller, ctx: Ctx) -> Response:
    async with ctx.store.read() as tx:
        card = await crud.get(tx, FLASHCARDS, caller, card_id)
    return _editor(request, card, {name: card.get(name) for name in FIELDS}, {})


@router.post("/{card_id}/edit")
async def save_card(card_id: str, request: Request, caller: WebCaller, ctx: Ctx) -> Response:
    """The card's text, subject and difficulty through the API's update body, as
    `PATCH /flashcards/{id}`; a field emptied is refused as the create would refuse it."""
    async with ctx.store.read() as tx:
        card = await crud.get(tx, FLASHCARDS, caller, card_id)  # 404 for anyone else's
    form = await request.form()
    values = _form_values(form)
    missing = {n: "Field required" for n in ("question", "answer", "subject") if n not in values}
    try:
        if missing:
            raise FormInvalid(missing)
        body = parse(update_body(FLASHCARDS.name), values)
        async with ctx.store.write() as tx:
            await crud.update(
                tx, FLASHCARDS, caller, card_id, body.model_dump(mode="json", exclude_unset=True)
            )
    except (FormInvalid, AppError) as error:
        errors = problem_errors(error)
        shown = {**{name: form.get(name) for name in FIELDS}}
        return _editor(request, card, shown, errors, status=422)
    return RedirectResponse(
        f"/study/flashcards?{urlencode({'subject': values['subject'], 'saved': 'updated'})}",
        status_code=303,
    )
