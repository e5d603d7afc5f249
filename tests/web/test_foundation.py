"""The web app's foundation over HTTP: sign-in redirects, the session cookie, CSRF, security
headers, error pages, assets served from the package (the browser tests are tests/web/browser)."""

from __future__ import annotations

import httpx

from tests.support import Api, Browser


async def test_a_page_asks_a_stranger_to_sign_in_and_comes_back_after(api: Api) -> None:
    response = await api.client.get("/home/sections/tasks?x=1")
    assert response.status_code == 303
    assert response.headers["location"] == "/signin?next=/home/sections/tasks%3Fx%3D1"


async def test_the_dashboard_shows_the_signed_in_persons_day(browser_a: Browser) -> None:
    response = await browser_a.get("/")
    assert response.status_code == 200
    assert "Level 1" in response.text
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert response.headers["referrer-policy"] == "same-origin"


async def test_a_form_from_another_site_is_refused(api: Api, browser_a: Browser) -> None:
    foreign = await browser_a.post("/signout", headers={"Origin": "https://evil.example"})
    assert foreign.status_code == 403
    cross = await browser_a.post("/signout", headers={"Sec-Fetch-Site": "cross-site"})
    assert cross.status_code == 403
    # Still signed in: neither ended the session.
    assert (await browser_a.get("/")).status_code == 200


async def test_a_form_without_the_token_is_refused(api: Api, browser_a: Browser) -> None:
    api.client.cookies.clear()
    response = await api.client.post(
        "/signout",
        data={"csrf": "forged"},
        headers={**browser_a.cookie, "Origin": "http://whitecell.test"},
    )
    assert response.status_code == 403
    assert (await browser_a.get("/")).status_code == 200


async def test_signing_out_ends_the_session_for_the_api_too(api: Api, browser_a: Browser) -> None:
    response = await browser_a.post("/signout")
    assert response.status_code == 303
    assert "wc_session=" in response.headers["set-cookie"]
    assert (await browser_a.get("/")).status_code == 303
    me = await api.client.get("/api/v1/users/me", headers=api.a.headers)
    assert me.status_code == 401


async def test_an_unknown_page_is_a_friendly_404_and_the_api_keeps_problem_details(
    api: Api, browser_a: Browser
) -> None:
    page = await browser_a.get("/no/such/page")
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "does not exist" in page.text
    machine = await api.client.get("/api/v1/no/such/thing", headers=api.a.headers)
    assert machine.headers["content-type"] == "application/problem+json"


async def test_docs_and_assets_come_from_the_package(client: httpx.AsyncClient) -> None:
    docs = await client.get("/docs")
    assert docs.status_code == 200
    assert "cdn" not in docs.text.lower() and "https://" not in docs.text
    css = await client.get("/static/css/app.css?v=x")
    assert css.status_code == 200
    assert "immutable" in css.headers["cache-control"]
    manifest = await client.get("/static/manifest.webmanifest")
    assert manifest.status_code == 200


async def test_a_signed_in_browser_gets_the_signed_in_body_limit(
    api: Api, browser_a: Browser
) -> None:
    big = "x" * 100_000  # past the anonymous 64 KiB, within the signed-in 1 MiB
    signed = await browser_a.post("/welcome", {"username": big})
    assert signed.status_code == 422  # read and refused by validation, not by size
    api.client.cookies.clear()
    anonymous = await api.client.post(
        "/signin/code", data={"email": big}, headers={"Origin": "http://whitecell.test"}
    )
    assert anonymous.status_code == 413
