"""The web app wired into the API's FastAPI application (docs/web.md): its pages' routers, the
package's static files, the page error handlers and the security headers."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from whitecell.web import coach, dashboard, discipline, docs, me, progress, recovery, signin
from whitecell.web.headers import SecurityHeaders
from whitecell.web.pages import install_page_errors
from whitecell.web.study import flashcards as study_flashcards
from whitecell.web.study import home as study_home
from whitecell.web.study import notes as study_notes
from whitecell.web.study import quizzes as study_quizzes
from whitecell.web.study import review as study_review
from whitecell.web.study import sessions as study_sessions
from whitecell.web.study import textbooks as study_textbooks

# Each screen's router, in the order of the navigation.
ROUTERS = (
    signin.router,
    dashboard.router,
    study_home.router,
    study_review.router,
    study_flashcards.router,
    study_notes.router,
    study_quizzes.router,
    study_textbooks.router,
    study_sessions.router,
    discipline.router,
    recovery.router,
    coach.router,
    me.router,
    progress.router,
    docs.router,
)


def install_web(app: FastAPI) -> None:
    before = len(app.router.routes)
    for router in ROUTERS:
        app.include_router(router)
    # The pages go right after the API's table dispatcher (routes[0], which answers every
    # /api/v1 path it knows at once): a page is then found among the pages' routes, not after
    # a scan of the API's few hundred.
    pages = app.router.routes[before:]
    del app.router.routes[before:]
    app.router.routes[1:1] = pages
    app.mount("/static", StaticFiles(packages=[("whitecell.web", "static")]), name="static")
    install_page_errors(app)
    app.add_middleware(SecurityHeaders)
