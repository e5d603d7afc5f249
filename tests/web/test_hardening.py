"""The web app under hostile or malformed input: every refusal is a 4xx page, never a 500, and
never a way around the CSRF check (the findings of the web app's security review)."""

from __future__ import annotations

import re

import httpx
from fastapi.routing import APIRoute
from starlette.websockets import WebSocket

from tests.support import Api, Browser, ClientFactory, Mailbox, api_with
from whitecell.auth.dependencies import SESSION_COOKIE
from whitecell.realtime.websocket import _same_site_cookie
from whitecell.web.app import ROUTERS
from whitecell.web.cookies import SAFE_METHODS, session_csrf_token
from whitecell.web.session import protect


async def test_a_csrf_token_that_is_not_ascii_is_refused_not_a_crash(
    api: Api, browser_a: Browser
) -> None:
    # `hmac.compare_digest` raises on str holding anything but ASCII.
    field = await browser_a.post("/signout", {"csrf": "é"})
    assert field.status_code == 403
    header = await browser_a.post(
        "/discipline/tasks", {"title": "x"}, headers={"X-CSRF-Token": "é".encode("latin-1")}
    )
    assert header.status_code == 403
    assert (await browser_a.get("/")).status_code == 200  # still signed in


async def test_a_forged_undo_token_holding_non_ascii_undoes_nothing(browser_a: Browser) -> None:
    response = await browser_a.post("/study/review/undo", {"undo": "abc.é"})
    assert response.status_code == 200
    assert "There is nothing to undo." in response.text


# "²" passes `str.isdigit` but not `int`; 5000 digits pass both checks but not `int` either.
NOT_NUMBERS = ("²", "9" * 5000)


async def test_numbers_a_form_cannot_convert_are_refused_beside_their_field(
    api: Api, browser_a: Browser
) -> None:
    for text in NOT_NUMBERS:
        forms = (
            ("/discipline/tasks", {"title": "Read", "priority": text}),
            ("/discipline/recovery", {"energyLevel": text}),
            ("/me/study", {"newCardsPerDay": text}),
            ("/study/quizzes/generate", {"count": text}),
            (
                "/study/flashcards/new",
                {"question": "q", "answer": "a", "subject": "s", "difficulty": text},
            ),
        )
        for path, data in forms:
            response = await browser_a.post(path, data)
            assert response.status_code == 422, (path, response.status_code)
            assert "text/html" in response.headers["content-type"]


async def test_a_grade_or_a_habit_that_is_not_a_number_is_a_4xx(
    api: Api, browser_a: Browser
) -> None:
    card = await api.create(api.a, "flashcards", {"question": "q", "answer": "a", "subject": "s"})
    stack = await api.create(
        api.a,
        "habit_stacks",
        {"name": "Am", "anchorHabit": "Tea", "habits": ["Read"], "difficulty": "easy"},
    )
    task = await api.create(api.a, "daily_tasks", {"title": "Run", "date": "2026-01-01"})
    for text in NOT_NUMBERS:
        grade = await browser_a.post(f"/study/review/{card['_id']}/grade", {"grade": text})
        assert grade.status_code == 422
        counted = await browser_a.post(
            f"/study/review/{card['_id']}/grade", {"grade": "3", "reviewed": text}
        )
        assert counted.status_code == 200
        tick = await browser_a.post(f"/discipline/habits/{stack['_id']}/tick", {"habit": text})
        assert tick.status_code in (303, 422)
        priority = await browser_a.post(
            f"/discipline/tasks/{task['_id']}/priority", {"priority": text}
        )
        assert priority.status_code == 422


async def test_a_page_number_edited_in_the_link_shows_a_page(browser_a: Browser) -> None:
    for page in ("abc", "-3", "9" * 30, "²"):
        response = await browser_a.get("/study/flashcards", page=page)
        assert response.status_code == 200, page
        assert "text/html" in response.headers["content-type"]


async def test_a_check_in_for_a_day_that_is_not_a_date_is_refused_beside_it(
    browser_a: Browser,
) -> None:
    for day in ("notadate", "2026-02-30"):
        response = await browser_a.post("/discipline/recovery", {"date": day, "energyLevel": "3"})
        assert response.status_code == 422
        assert 'id="e-date"' in response.text


def _multipart(*parts: tuple[str, str | None, bytes]) -> bytes:
    """A multipart body of (name, filename, content) parts, boundary `xyz`."""
    body = b""
    for name, filename, content in parts:
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        body += f"--xyz\r\nContent-Disposition: {disposition}\r\n\r\n".encode() + content + b"\r\n"
    return body + b"--xyz--\r\n"


async def _post_multipart(api: Api, browser: Browser, path: str, body: bytes) -> int:
    api.client.cookies.clear()
    headers = {
        **browser.cookie,
        "Origin": "http://whitecell.test",
        "Content-Type": "multipart/form-data; boundary=xyz",
    }
    response = await api.client.post(path, content=body, headers=headers)
    assert "text/html" in response.headers["content-type"]
    return response.status_code


async def test_an_upload_form_keeps_its_limits_and_its_csrf_check(
    api: Api, browser_a: Browser
) -> None:
    csrf = ("csrf", None, browser_a.csrf.encode())
    for path in ("/study/flashcards/import", "/study/textbooks/upload"):
        # The CSRF check parses the form first: the upload's one-file limit still holds.
        two_files = _multipart(csrf, ("file", "a", b"one"), ("file", "b", b"two"))
        assert await _post_multipart(api, browser_a, path, two_files) == 400
        many_fields = _multipart(csrf, *((f"f{i}", None, b"x") for i in range(20)))
        assert await _post_multipart(api, browser_a, path, many_fields) == 400
        # Malformed bodies are a 400, never a 500, and never get past the check.
        assert await _post_multipart(api, browser_a, path, b"garbage--xyz\r\n") == 400
        truncated = _multipart(csrf, ("file", "a", b"one"))[:-12]
        assert await _post_multipart(api, browser_a, path, truncated) in (400, 415, 422)
        no_token = _multipart(("file", "a", b"one"))
        assert await _post_multipart(api, browser_a, path, no_token) == 403


async def test_next_is_a_path_of_this_site_only(browser_a: Browser) -> None:
    for wanted in ("//evil.example", "/\\evil.example", "/\t/evil.example", "javascript:alert(1)"):
        response = await browser_a.get("/signin", next=wanted)
        assert response.status_code == 303
        assert response.headers["location"] == "/", wanted
        welcome = await browser_a.post("/welcome", {"next": wanted})
        assert welcome.headers["location"] == "/", wanted
    kept = await browser_a.get("/signin", next="/study/notes?q=a")
    assert kept.headers["location"] == "/study/notes?q=a"


async def test_a_new_account_comes_back_to_its_whole_next_after_welcome(
    api: Api, mailbox: Mailbox
) -> None:
    client = api.client
    client.cookies.clear()
    page = await client.get("/signin")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert csrf
    origin = {"Origin": "http://whitecell.test"}
    wanted = "/study/flashcards?subject=Bio&status=new"
    form = {"csrf": csrf.group(1), "email": "new@example.com", "next": wanted}
    assert (await client.post("/signin/code", data=form, headers=origin)).status_code == 200
    code = await mailbox.latest_code("new@example.com")
    verified = await client.post("/signin/verify", data={**form, "code": code}, headers=origin)
    assert verified.status_code == 303
    welcome = await client.get(verified.headers["location"])
    assert f'name="next" value="{wanted.replace("&", "&amp;")}"' in welcome.text
    client.cookies.clear()


async def test_the_session_cookie_is_httponly_lax_secure_on_https_and_signing_out_clears_it(
    make_client: ClientFactory, mailbox: Mailbox
) -> None:
    api = await api_with(make_client, public_base_url="https://whitecell.example")
    client = api.client
    client.base_url = httpx.URL("https://whitecell.example")  # its jar sends Secure cookies
    page = await client.get("/signin")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert csrf
    anonymous = page.headers["set-cookie"].lower()
    assert "httponly" in anonymous and "samesite=lax" in anonymous and "secure" in anonymous
    origin = {"Origin": "https://whitecell.example"}
    form = {"csrf": csrf.group(1), "email": api.a.user["email"]}
    assert (await client.post("/signin/code", data=form, headers=origin)).status_code == 200
    code = await mailbox.latest_code(api.a.user["email"])
    signed_in = await client.post("/signin/verify", data={**form, "code": code}, headers=origin)
    assert signed_in.status_code == 303
    cookie = signed_in.headers["set-cookie"].lower()
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    for flag in ("httponly", "samesite=lax", "secure", "path=/"):
        assert flag in cookie, flag
    token = client.cookies[SESSION_COOKIE]
    session_csrf = session_csrf_token(api.context.settings, token)
    out = await client.post("/signout", data={"csrf": session_csrf}, headers=origin)
    assert out.status_code == 303
    cleared = out.headers["set-cookie"].lower()
    assert cleared.startswith(f'{SESSION_COOKIE}=""') and "max-age=0" in cleared
    assert "secure" in cleared and "httponly" in cleared
    client.cookies.clear()
    me = await client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 401  # ended on the server too


def _handshake(**headers: str) -> WebSocket:
    scope = {
        "type": "websocket",
        "path": "/api/v1/realtime",
        "headers": [(k.replace("_", "-").encode(), v.encode()) for k, v in headers.items()],
    }
    return WebSocket(scope, receive=None, send=None)  # type: ignore[arg-type]


def test_the_live_feed_takes_the_cookie_only_from_a_page_of_this_site() -> None:
    public = "https://whitecell.example"
    cookie = f"{SESSION_COOKIE}=token"

    def taken(origin: str | None, host: str = "whitecell.example") -> bool:
        headers = {"cookie": cookie, "host": host}
        if origin is not None:
            headers["origin"] = origin
        return _same_site_cookie(_handshake(**headers), public) == "token"

    assert taken("https://whitecell.example")
    assert taken("http://127.0.0.1:8000", host="127.0.0.1:8000")  # the host asked
    # Behind a proxy passing the upstream's Host, the public URL's origin is this site.
    assert taken("https://whitecell.example", host="127.0.0.1:8000")
    for foreign in (
        "https://evil.example",
        "https://whitecell.example.evil.example",
        "http://whitecell.example",  # not the public URL's scheme, nor the host asked
        "null",
        "",
        None,
    ):
        assert not taken(foreign, host="127.0.0.1:8000"), foreign


def test_every_unsafe_page_route_passes_the_csrf_check() -> None:
    unsafe = 0
    for router in ROUTERS:
        for route in router.routes:
            if isinstance(route, APIRoute) and set(route.methods) - SAFE_METHODS:
                unsafe += 1
                checks = [d.dependency for d in (*router.dependencies, *route.dependencies)]
                assert protect in checks, route.path
    assert unsafe > 20  # the pages' forms were found
