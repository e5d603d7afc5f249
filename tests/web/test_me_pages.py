"""The Me pages over HTTP: the profile and study settings with the API's own checks shown beside
their fields, signed-in devices signed out one by one or all at once, the badge catalogue with
progress, the leaderboard, and every badge's icon served from the package."""

from __future__ import annotations

import pytest

from tests.samples import sample_body
from tests.support import Api, Browser, Person
from whitecell.auth import signin
from whitecell.auth.signin import Client
from whitecell.gamification.badges import CATALOG
from whitecell.gamification.worker import Engine


async def test_the_me_pages_answer_their_owner(browser_a: Browser) -> None:
    for path in ("/me", "/me/devices", "/me/badges", "/leaderboard", "/leaderboard?period=all"):
        page = await browser_a.get(path)
        assert page.status_code == 200, path
        assert 'aria-label="Me"' in page.text


async def test_the_me_pages_ask_a_stranger_to_sign_in(api: Api) -> None:
    for path in ("/me", "/me/devices", "/me/badges", "/leaderboard"):
        response = await api.client.get(path)
        assert response.status_code == 303 and response.headers["location"].startswith("/signin")


async def test_a_profile_edit_is_saved_as_the_api_saves_it(api: Api, browser_a: Browser) -> None:
    response = await browser_a.post(
        "/me/profile",
        {"name": "Ada L.", "username": "ada_l", "avatar": "https://example.com/a.png",
         "timezone": "Europe/Paris"},
    )  # fmt: skip
    assert response.status_code == 303 and response.headers["location"] == "/me?saved=profile"
    me = (await api.client.get("/api/v1/users/me", headers=api.a.headers)).json()
    assert (me["name"], me["username"], me["timezone"]) == ("Ada L.", "ada_l", "Europe/Paris")
    assert me["avatar"] == "https://example.com/a.png"
    page = await browser_a.get("/me", saved="profile")
    assert "Profile saved." in page.text and 'value="ada_l"' in page.text
    cleared = await browser_a.post(
        "/me/profile", {"name": "Ada L.", "username": "ada_l", "avatar": "", "timezone": "UTC"}
    )
    assert cleared.status_code == 303
    assert (await api.client.get("/api/v1/users/me", headers=api.a.headers)).json()[
        "avatar"
    ] is None


async def test_profile_errors_are_shown_beside_their_fields(api: Api, browser_a: Browser) -> None:
    bad = await browser_a.post(
        "/me/profile",
        {"name": "Ada", "username": "a b", "avatar": "not a link", "timezone": "Mars/Olympus"},
    )
    assert bad.status_code == 422
    for name in ("username", "avatar", "timezone"):
        assert f'id="e-{name}"' in bad.text, name
    assert 'aria-invalid="true"' in bad.text and 'value="Mars/Olympus"' in bad.text
    taken = await browser_a.post(
        "/me/profile", {"name": "Ada", "username": api.b.user["username"], "timezone": "UTC"}
    )
    assert taken.status_code == 422 and 'id="e-username"' in taken.text
    me = (await api.client.get("/api/v1/users/me", headers=api.a.headers)).json()
    assert me["username"] == api.a.user["username"]


async def test_study_settings_are_saved_and_checked(api: Api, browser_a: Browser) -> None:
    saved = await browser_a.post("/me/study", {"scheduler": "fsrs", "newCardsPerDay": "35"})
    assert saved.status_code == 303
    me = (await api.client.get("/api/v1/users/me", headers=api.a.headers)).json()
    assert (me["scheduler"], me["newCardsPerDay"]) == ("fsrs", 35)
    bad = await browser_a.post("/me/study", {"scheduler": "leitner", "newCardsPerDay": "-1"})
    assert bad.status_code == 422
    assert 'id="e-scheduler"' in bad.text and 'id="e-newCardsPerDay"' in bad.text


async def test_signing_out_a_device_ends_that_session(api: Api, browser_a: Browser) -> None:
    phone = await _another_session(api, "phone")
    laptop = await _another_session(api, "laptop")
    page = await browser_a.get("/me/devices")
    assert page.text.count("data-session=") == 3 and "This device" in page.text
    assert page.text.count('class="device-signout"') == 2
    sessions = (await api.client.get("/api/v1/auth/sessions", headers=phone.headers)).json()
    phone_session = next(s["_id"] for s in sessions["items"] if s["current"])
    ended = await browser_a.post(f"/me/devices/{phone_session}/signout")
    assert ended.status_code == 303
    assert await _status(api, phone) == 401
    assert await _status(api, laptop) == 200 and await _status(api, api.a) == 200
    others = await browser_a.post("/me/devices/signout-others")
    assert others.status_code == 303
    assert await _status(api, laptop) == 401 and await _status(api, api.a) == 200


async def test_another_person_s_session_cannot_be_signed_out(api: Api, browser_b: Browser) -> None:
    sessions = (await api.client.get("/api/v1/auth/sessions", headers=api.a.headers)).json()
    response = await browser_b.post(f"/me/devices/{sessions['items'][0]['_id']}/signout")
    assert response.status_code == 404
    assert await _status(api, api.a) == 200


async def _another_session(api: Api, device: str) -> Person:
    """A's account signed in on another device."""
    async with api.context.store.write() as tx:
        login = await signin.open_session(
            api.context, tx, api.a.user, "otp", Client(ip="127.0.0.2", user_agent=device)
        )
    return Person(login.user, login.token)


async def _status(api: Api, who: Person) -> int:
    return (await api.client.get("/api/v1/users/me", headers=who.headers)).status_code


async def test_the_badge_catalogue_shows_progress_and_earned_badges(
    api: Api, browser_a: Browser
) -> None:
    await api.create(api.a, "daily_tasks", sample_body("daily_tasks", completed=True))
    await api.context.service(Engine).drain()
    page = await browser_a.get("/me/badges")
    assert page.status_code == 200
    earned = page.text.split('id="t-waiting"')[0]
    assert 'data-badge="first_task"' in earned and "Earned <time" in earned
    assert f"of {len(CATALOG)}" in page.text
    assert 'aria-label="Progress toward Unstoppable" aria-valuemin="0"' in page.text
    assert "1 / 500" in page.text  # tasks_500's progress


async def test_the_leaderboard_ranks_people_by_xp(api: Api, browser_a: Browser) -> None:
    await api.create(api.b, "daily_tasks", sample_body("daily_tasks", completed=True))
    await api.context.service(Engine).drain()
    page = await browser_a.get("/leaderboard", period="week")
    assert page.status_code == 200
    assert f"@{api.b.user['username']}" in page.text
    assert 'data-testid="my-rank">You: #2 · 0 XP' in page.text


@pytest.mark.parametrize("badge_type", [b.badge_type for b in CATALOG] + ["default"])
async def test_every_badge_has_its_icon(api: Api, badge_type: str) -> None:
    icon = await api.client.get(f"/badges/{badge_type}.svg")
    assert icon.status_code == 200
    assert icon.headers["content-type"].startswith("image/svg+xml")
    assert icon.text.startswith("<svg") and "<script" not in icon.text
    assert "font" not in icon.text and "http://" not in icon.text.replace(
        'xmlns="http://www.w3.org/2000/svg"', ""
    )
    versioned = await api.client.get(f"/badges/{badge_type}.svg?v=1")
    assert "immutable" in versioned.headers["cache-control"]
    assert "immutable" not in icon.headers["cache-control"]


async def test_an_unknown_badge_icon_is_404(api: Api) -> None:
    for name in ("no_such_badge", "..%2Fcss%2Fapp"):
        assert (await api.client.get(f"/badges/{name}.svg")).status_code == 404
