"""The discipline pages over HTTP: today's tasks (add, tick through the API's write path so XP is
paid once, priority, carry-over, repeat), habit stacks ticked habit by habit with their streak,
and the private check-in, which never reaches the dashboard."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.samples import sample_body
from tests.support import Api, Browser, Person
from whitecell.gamification.worker import Engine


async def _task(api: Api, who: Person, **fields: Any) -> dict[str, Any]:
    return await api.create(who, "daily_tasks", sample_body("daily_tasks", **fields))


async def _task_xp(api: Api, who: Person, task_id: str) -> int:
    await api.context.service(Engine).drain()
    rows = (await api.get(who, "xp_logs", limit=100, sourceId=task_id)).json()["items"]
    return sum(r["xpAmount"] for r in rows)


async def _stack(api: Api, name: str, anchor: str, habits: list[str]) -> dict[str, Any]:
    body = {"name": name, "anchorHabit": anchor, "habits": habits, "difficulty": "easy"}
    return await api.create(api.a, "habit_stacks", body)


def _today() -> str:
    return datetime.now(UTC).date().isoformat()  # the people have no time zone: UTC


async def test_the_discipline_page_shows_the_owner_s_tasks_and_stacks(
    api: Api, browser_a: Browser, browser_b: Browser
) -> None:
    await _task(api, api.a, title="Write the report", date=_today(), completed=False)
    await _stack(api, "Morning", "coffee", ["stretch", "plan the day"])
    page = await browser_a.get("/discipline")
    assert page.status_code == 200
    assert "Write the report" in page.text and "plan the day" in page.text
    assert 'class="habit-tick" data-habit="1"' in page.text
    other = await browser_b.get("/discipline")
    assert "Write the report" not in other.text and "plan the day" not in other.text


async def test_adding_a_task_shows_it_and_a_bad_one_is_refused_beside_its_field(
    browser_a: Browser,
) -> None:
    added = await browser_a.post("/discipline/tasks", {"title": "Call mum", "priority": "5"},
                                 htmx=True)  # fmt: skip
    assert added.status_code == 200
    assert 'id="discipline-tasks"' in added.text and "Call mum" in added.text
    refused = await browser_a.post("/discipline/tasks", {"title": "", "priority": "9"}, htmx=True)
    assert refused.status_code == 422
    assert 'id="e-title"' in refused.text and 'id="e-priority"' in refused.text
    plain = await browser_a.post("/discipline/tasks", {"title": "No script"})
    assert plain.status_code == 303 and plain.headers["location"] == "/discipline"


async def test_a_repeating_task_makes_today_s_instance(api: Api, browser_a: Browser) -> None:
    added = await browser_a.post(
        "/discipline/tasks", {"title": "Floss", "priority": "2", "repeat": "daily"}, htmx=True
    )
    assert added.status_code == 200 and "Floss" in added.text and "(repeats)" in added.text
    rules = (await api.get(api.a, "task_recurrences")).json()["items"]
    assert [r["frequency"] for r in rules] == ["daily"]


async def test_ticking_a_task_on_the_page_pays_what_the_api_pays_once(
    api: Api, browser_a: Browser
) -> None:
    through_page = await _task(api, api.a, date=_today(), completed=False, priority=4)
    through_api = await _task(api, api.a, date=_today(), completed=False, priority=4)
    url = f"/discipline/tasks/{through_page['_id']}/toggle"
    for _ in range(3):  # on, off, on: the XP is held once
        response = await browser_a.post(url, htmx=True)
        assert response.status_code == 200
    patched = await api.client.patch(
        f"/api/v1/daily_tasks/{through_api['_id']}", json={"completed": True},
        headers=api.a.headers,
    )  # fmt: skip
    assert patched.status_code == 200
    page_xp = await _task_xp(api, api.a, through_page["_id"])
    assert page_xp == await _task_xp(api, api.a, through_api["_id"]) == 4 + 2 * 4
    # A form that says which state it wants is harmless when sent twice.
    for _ in range(2):
        await browser_a.post(url, {"completed": "true"}, htmx=True)
    assert await _task_xp(api, api.a, through_page["_id"]) == page_xp
    stored = (await api.get(api.a, f"daily_tasks/{through_page['_id']}")).json()
    assert stored["completed"] is True


async def test_the_dashboard_s_tick_answers_with_the_dashboard_s_section(
    api: Api, browser_a: Browser
) -> None:
    task = await _task(api, api.a, title="Dashboard tick", date=_today(), completed=False)
    response = await browser_a.post(
        f"/discipline/tasks/{task['_id']}/toggle", {"back": "home"}, htmx=True
    )
    assert response.status_code == 200
    assert 'id="sec-tasks"' in response.text and "1 of 1 done" in response.text
    plain = await browser_a.post(f"/discipline/tasks/{task['_id']}/toggle", {"back": "home"})
    assert plain.status_code == 303 and plain.headers["location"] == "/"


async def test_another_person_s_task_is_404(api: Api, browser_b: Browser) -> None:
    task = await _task(api, api.a, date=_today(), completed=False)
    for path in (
        f"/discipline/tasks/{task['_id']}/toggle",
        f"/discipline/tasks/{task['_id']}/priority",
    ):
        response = await browser_b.post(path, {"priority": "5"}, htmx=True)
        assert response.status_code == 404
    stored = (await api.get(api.a, f"daily_tasks/{task['_id']}")).json()
    assert stored["completed"] is False and stored["priority"] == task["priority"]


async def test_raising_a_priority_moves_the_task_up(api: Api, browser_a: Browser) -> None:
    low = await _task(api, api.a, title="Low one", date=_today(), completed=False, priority=2)
    await _task(api, api.a, title="Mid one", date=_today(), completed=False, priority=3)
    response = await browser_a.post(
        f"/discipline/tasks/{low['_id']}/priority", {"priority": "4"}, htmx=True
    )
    assert response.status_code == 200
    assert response.text.index("Low one") < response.text.index("Mid one")
    refused = await browser_a.post(
        f"/discipline/tasks/{low['_id']}/priority", {"priority": "6"}, htmx=True
    )
    assert refused.status_code == 422


async def test_carrying_over_moves_yesterday_s_unfinished_tasks(
    api: Api, browser_a: Browser
) -> None:
    yesterday = (datetime.now(UTC).date() - timedelta(days=1)).isoformat()
    await _task(api, api.a, title="Left over", date=yesterday, completed=False)
    page = await browser_a.get("/discipline")
    assert "Carry over 1 unfinished task from yesterday" in page.text
    moved = await browser_a.post("/discipline/tasks/carry-over", htmx=True)
    assert moved.status_code == 200
    assert "Carried 1 task over" in moved.text and "Left over" in moved.text
    today = (await api.get(api.a, "daily_tasks/today")).json()
    assert [t["title"] for t in today["items"]] == ["Left over"]


async def test_ticking_habits_completes_the_day_and_its_streak(
    api: Api, browser_a: Browser, browser_b: Browser
) -> None:
    stack = await _stack(api, "Evening", "dinner", ["dishes", "read"])
    url = f"/discipline/habits/{stack['_id']}/tick"
    first = await browser_a.post(url, {"habit": "0"}, htmx=True)
    assert first.status_code == 200
    assert 'data-habit="0" aria-pressed="true"' in first.text
    assert 'data-streak="0"' in first.text
    second = await browser_a.post(url, {"habit": "1"}, htmx=True)
    assert 'data-streak="1"' in second.text and "Done today." in second.text
    stored = (await api.get(api.a, f"habit_stacks/{stack['_id']}")).json()
    assert stored["currentStreak"] == 1 and stored["completedDates"] == [_today()]
    undone = await browser_a.post(url, {"habit": "1"}, htmx=True)
    assert 'data-habit="1" aria-pressed="false"' in undone.text and 'data-streak="0"' in undone.text
    assert (await browser_b.post(url, {"habit": "0"}, htmx=True)).status_code == 404
    gone = await browser_a.post(url, {"habit": "7"}, htmx=True)
    assert gone.status_code == 422 and 'role="alert"' in gone.text and 'id="stack-' in gone.text


async def test_a_habit_stack_can_be_added_and_a_bad_one_is_refused(browser_a: Browser) -> None:
    added = await browser_a.post(
        "/discipline/habits",
        {
            "name": "Desk",
            "anchorHabit": "sit down",
            "habits": "water\n\nclear inbox\n",
            "difficulty": "medium",
        },
        htmx=True,
    )
    assert added.status_code == 200 and "clear inbox" in added.text
    assert 'data-habit="1"' in added.text
    refused = await browser_a.post(
        "/discipline/habits", {"name": "", "anchorHabit": "x"}, htmx=True
    )
    assert refused.status_code == 422 and 'id="e-name"' in refused.text


async def test_the_check_in_is_private_and_never_on_the_dashboard(
    api: Api, browser_a: Browser, browser_b: Browser
) -> None:
    page = await browser_a.get("/discipline/recovery")
    assert page.status_code == 200 and "Daily check-in" in page.text
    assert page.headers["cache-control"] == "no-store"
    saved = await browser_a.post(
        "/discipline/recovery", {"relapsed": "no", "moodLevel": "4", "notes": "Secret words"}
    )
    assert saved.status_code == 303
    again = await browser_a.get("/discipline/recovery")
    assert "Secret words" in again.text and 'data-testid="days-on-track">1 day' in again.text
    # A second save the same day changes that check-in rather than refusing.
    edited = await browser_a.post("/discipline/recovery", {"relapsed": "yes", "notes": "Reset"})
    assert edited.status_code == 303
    stored = (await api.get(api.a, "pmo_tracker")).json()["items"]
    assert len(stored) == 1 and stored[0]["relapsed"] is True and stored[0]["moodLevel"] is None
    bad = await browser_a.post("/discipline/recovery", {"moodLevel": "9"})
    assert bad.status_code == 422 and 'id="e-moodLevel"' in bad.text
    for path in ("/", "/discipline", *(f"/home/sections/{s}" for s in ("progress", "tasks"))):
        shown = await browser_a.get(path)
        assert "Reset" not in shown.text and "pmo" not in shown.text.lower()
        assert "recovery" not in shown.text.lower() or path == "/discipline"
    others = await browser_b.get("/discipline/recovery")
    assert "Reset" not in others.text and "No check-ins yet." in others.text
