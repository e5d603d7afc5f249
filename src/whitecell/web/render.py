"""Pages rendered from the package's Jinja2 templates (autoescaped: whatever a user wrote is shown
as text), with the few things every page needs: the signed-in user, the CSRF token, asset links
that change when the file does, and Markdown turned into sanitised HTML."""

from __future__ import annotations

import hashlib
from functools import cache
from importlib.resources import files
from typing import Any

import nh3
from jinja2 import Environment, PackageLoader, select_autoescape
from markdown_it import MarkdownIt
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse

from whitecell import __version__
from whitecell.core.context import AppContext
from whitecell.web.cookies import csrf_token, remember_anonymous_token

STATIC_PREFIX = "/static/"
# Markdown as CommonMark with tables and strikethrough; raw HTML in a note is not rendered.
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(
    ["table", "strikethrough"]
)
# What the sanitiser keeps of the renderer's output (links get rel="noopener noreferrer").
ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "del", "s", "code",
    "pre", "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td", "img",
}  # fmt: skip


def markdown(text: str | None) -> Markup:
    """A note's Markdown as HTML that can carry no script: rendered, then sanitised (nh3)."""
    html = _markdown.render(text or "")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}, "img": {"src", "alt", "title"}, "th": {"align"},
                    "td": {"align"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )  # fmt: skip
    return Markup(clean)  # noqa: S704 (sanitised above)


@cache
def asset_version(path: str) -> str:
    """A short hash of a static file's bytes: its links change when it does, so it can be
    cached for a year."""
    data = files("whitecell.web").joinpath("static", path).read_bytes()
    return hashlib.sha256(data).hexdigest()[:12]


def asset(path: str) -> str:
    return f"{STATIC_PREFIX}{path}?v={asset_version(path)}"


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("whitecell.web", "templates"),
        autoescape=select_autoescape(("html", "xml", "svg")),
        trim_blocks=True,
        lstrip_blocks=True,
        enable_async=False,
        auto_reload=False,  # templates ship in the package: never stat them on each render
    )
    env.globals.update(asset=asset, version=__version__)
    env.filters["markdown"] = markdown
    return env


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    """`template` with `context`, plus `request`, `user` (None when signed out), `csrf`."""
    ctx: AppContext = request.app.state.context
    values = {
        "request": request,
        "user": getattr(request.state, "web_user", None),
        "csrf": csrf_token(request, ctx.settings),
        **(context or {}),
    }
    html = environment().get_template(template).render(values)
    response = HTMLResponse(html, status_code=status, headers=headers)
    remember_anonymous_token(request, response, ctx.settings)
    return response
