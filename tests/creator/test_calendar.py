"""The content calendar: a month's due and scheduled items by day, in the user's time zone
(docs/creator.md, "Calendar")."""

from __future__ import annotations

from tests.samples import sample_body
from tests.support import Api


async def test_a_month_lists_due_and_scheduled_items_by_local_day(api: Api) -> None:
    zone = await api.client.patch(
        "/api/v1/users/me", json={"timezone": "Pacific/Auckland"}, headers=api.a.headers
    )
    assert zone.status_code == 200, zone.text

    async def item(title: str, **fields: str | None) -> None:
        body = sample_body("content_items", title=title, dueDate=None, scheduledDate=None)
        await api.create(api.a, "content_items", {**body, **fields})

    await item("due", dueDate="2026-12-03")
    # 2026-11-30 12:30 UTC is 1 December 01:30 in Auckland (UTC+13): in December.
    await item("scheduled", scheduledDate="2026-11-30T12:30:00Z")
    # 2026-12-31 11:30 UTC is 1 January 00:30 in Auckland: not in December.
    await item("next year", scheduledDate="2026-12-31T11:30:00Z", dueDate="2026-12-31")
    await item("undated")
    await api.create(
        api.b, "content_items", sample_body("content_items", title="theirs", dueDate="2026-12-03")
    )

    response = await api.get(api.a, "content_items/calendar", month="2026-12")
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["timezone"] == "Pacific/Auckland"
    days = {
        d["date"]: ([i["title"] for i in d["due"]], [i["title"] for i in d["scheduled"]])
        for d in answer["days"]
    }
    assert days == {
        "2026-12-01": ([], ["scheduled"]),
        "2026-12-03": (["due"], []),
        "2026-12-31": (["next year"], []),
    }
    january = (await api.get(api.a, "content_items/calendar", month="2027-01")).json()
    assert [(d["date"], len(d["scheduled"])) for d in january["days"]] == [("2027-01-01", 1)]


async def test_calendar_answers_401_and_422(api: Api) -> None:
    assert (await api.client.get("/api/v1/content_items/calendar?month=2026-12")).status_code == 401
    for month in ("2026-13", "2026-1", "0000-01", "9999-12", "december"):
        response = await api.get(api.a, "content_items/calendar", month=month)
        assert response.status_code == 422, (month, response.text)
    assert (await api.get(api.a, "content_items/calendar")).status_code == 422
