"""The browser's side of the web app's defences (docs/web.md): a form posted by another origin
is refused even with a valid token, and what a person wrote is shown as text, never run."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.samples import sample_body
from tests.support import free_port
from tests.web.browser.api import ApiClient
from tests.web.browser.harness import Tab
from whitecell.web.cookies import session_csrf_token

XSS = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>"\'&'


@contextmanager
def foreign_site(page_html: str) -> Iterator[str]:
    """Another origin on loopback (same host, another port) serving one attacker's page."""
    body = page_html.encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def auto_post(action: str, fields: dict[str, str]) -> str:
    inputs = "".join(f'<input type="hidden" name="{k}" value="{v}">' for k, v in fields.items())
    return (
        f'<!doctype html><title>Win a prize</title><form method="post" action="{action}">'
        f"{inputs}</form><script>document.forms[0].submit()</script>"
    )


@pytest.mark.parametrize(
    ("path", "fields"),
    [("/signout", {}), ("/welcome", {"username": "pwned", "timezone": "UTC"})],
)
def test_a_form_posted_from_another_origin_is_refused(
    tab: Tab, path: str, fields: dict[str, str]
) -> None:
    tab.sign_in("ada@example.com", "ada")
    # The worst case: the attacker even knows this session's CSRF token; the origin still fails.
    token = session_csrf_token(tab.server.settings, tab.cookie_token())
    with foreign_site(auto_post(tab.server.url(path), {"csrf": token, **fields})) as site:
        tab.requests.allowed.add(site.removeprefix("http://"))
        with tab.page.expect_response(tab.server.url(path)) as posted:
            tab.page.goto(site)
        assert posted.value.status == 403
    tab.goto("/")
    assert tab.path == "/", "the session survived"
    with ApiClient.signed_in(tab.server, "ada@example.com") as api:
        assert api.get("users/me")["username"] == "ada"


def test_what_a_person_wrote_is_shown_as_text(tab: Tab) -> None:
    tab.sign_in("ada@example.com", "ada")
    with ApiClient.signed_in(tab.server, "ada@example.com") as api:
        api.task(XSS)
    tab.goto("/")
    title = tab.page.locator("ul.tasks li span").first
    expect(title).to_have_text(XSS)
    assert tab.page.locator("ul.tasks img, ul.tasks script").count() == 0
    assert tab.page.evaluate("window.pwned") is None


def test_a_note_title_and_body_are_shown_as_text(tab: Tab) -> None:
    tab.sign_in("ada@example.com", "ada")
    with ApiClient.signed_in(tab.server, "ada@example.com") as api:
        note = api.create("notes", sample_body("notes", title=XSS, content=f"# {XSS}\n\n{XSS}"))
    response = tab.goto(f"/study/notes/{note['_id']}")
    assert response is not None and response.status == 200
    expect(tab.page.locator("#note-title")).to_contain_text(XSS)
    expect(tab.page.locator("main")).to_contain_text(XSS)
    assert tab.page.locator("main img, main script").count() == 0
    assert tab.page.evaluate("window.pwned") is None
