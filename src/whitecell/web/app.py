"""The web app wired into the API's FastAPI application (docs/web.md): its pages' routers, the
package's static files, the page error handlers and the security headers."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from whitecell.web import dashboard, docs, signin
from whitecell.web.headers import SecurityHeaders
from whitecell.web.pages import install_page_errors
from whitecell.web.study import flashcards as study_flashcards
from whitecell.web.study import home as study_home
from whitecell.web.study import review as study_review

# Each screen's router, in the order of the navigation.
ROUTERS = (
    signin.router,
    dashboard.router,
    study_home.router,
    study_review.router,
    study_flashcards.router,
    docs.router,
)


def install_web(app: FastAPI) -> None:
    for router in ROUTERS:
        app.include_router(router)
    app.mount("/static", StaticFiles(packages=[("whitecell.web", "static")]), name="static")
    install_page_errors(app)
    app.add_middleware(SecurityHeaders)
