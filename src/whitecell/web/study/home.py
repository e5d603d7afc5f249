"""`GET /study`: the study home, with today's queue and a way into each study screen."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from whitecell.study.queries import queue_counts
from whitecell.web.render import render
from whitecell.web.session import Ctx, WebUser, protect

router = APIRouter(dependencies=[Depends(protect)], include_in_schema=False)
# The study screens, in the order the home lists them: (path, title, what it is for).
SCREENS = (
    ("/study/review", "Review", "Today's cards, one at a time, graded from memory."),
    (
        "/study/flashcards",
        "Flashcards",
        "Browse, write and edit cards; import and export Anki decks.",
    ),
    ("/study/notes", "Notes", "Write and link notes; search them."),
    ("/study/quizzes", "Quizzes", "Quizzes from your cards, timed and graded."),
    ("/study/textbooks", "Textbooks", "Read your PDFs and keep your place."),
    ("/study/sessions", "Sessions", "Time your study and see your year."),
)


@router.get("/study")
async def study_home(request: Request, user: WebUser, ctx: Ctx) -> Response:
    async with ctx.store.read() as tx:
        counts = await queue_counts(tx, user)
    return render(request, "study/home.html", {"counts": counts, "screens": SCREENS})
