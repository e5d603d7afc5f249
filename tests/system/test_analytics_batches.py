"""Analytics in batches and their aggregates (docs/operations.md, "Analytics"), on both
databases: up to 500 events a call, all or none stored; the network kept, not the address, and
a reduced user agent; no change event written; the summary against a hand-computed fixture; old
events deleted and their counts kept."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from tests.support import Api, ClientFactory, api_with
from whitecell.core.permissions import Caller
from whitecell.system.analytics import AnalyticsEvent, store_events
from whitecell.system.clients import reduced_user_agent, truncated_ip
from whitecell.system.jobs import delete_old_analytics

BATCH = "/api/v1/analytics/events"
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
EDGE = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.86"
)
SAFARI_IOS = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
)
CHROME_ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.6778.81 Mobile Safari/537.36"
)


def test_a_client_is_kept_as_its_network_and_its_browser() -> None:
    assert truncated_ip("203.0.113.77") == "203.0.113.0"
    assert truncated_ip("2001:db8:abcd:12:34::5") == "2001:db8:abcd::"
    assert truncated_ip("not an address") is None and truncated_ip(None) is None
    assert reduced_user_agent(FIREFOX) == "Firefox 133 on Linux"
    assert reduced_user_agent(EDGE) == "Edge 131 on Windows"
    assert reduced_user_agent(SAFARI_IOS) == "Safari 18 on iOS"
    assert reduced_user_agent(CHROME_ANDROID) == "Chrome 131 on Android"
    assert reduced_user_agent("curl/8.5.0") == "curl 8"
    assert reduced_user_agent("something odd") == "Other"


async def change_log_rows(api: Api) -> int:
    async with api.context.store.read() as tx:
        return int(await tx.scalar("SELECT count(*) FROM change_log") or 0)


async def test_a_batch_is_stored_whole_without_a_change_event(
    make_client: ClientFactory,
) -> None:
    api = await api_with(make_client, client_ip="203.0.113.77")
    before = await change_log_rows(api)
    events = [
        {"event": "card_flipped", "module": "study", "metadata": {"n": n}} for n in range(500)
    ]
    sent = await api.client.post(
        BATCH, json={"events": events}, headers={**api.a.headers, "User-Agent": FIREFOX}
    )
    assert sent.status_code == 201, sent.text
    assert sent.json() == {"stored": 500}
    assert await change_log_rows(api) == before  # not user-visible documents
    stored = (await api.get(api.admin, "analytics", limit=1)).json()["items"][0]
    assert stored["userId"] == api.a.id and stored["ipAddress"] == "203.0.113.0"
    assert stored["userAgent"] == "Firefox 133 on Linux"
    assert (await api.get(api.admin, "analytics", count="true", limit=1)).json()["total"] == 500

    too_many = await api.client.post(BATCH, json={"events": events + events[:1]})
    assert too_many.status_code == 422
    assert [e["field"] for e in too_many.json()["errors"]] == ["events"]
    late = datetime.now(UTC) - timedelta(days=8)
    one_bad = [*events[:3], {"event": "x", "timestamp": late.isoformat()}]
    refused = await api.client.post(BATCH, json={"events": one_bad})
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["events.3.timestamp"]
    assert (await api.get(api.admin, "analytics", count="true", limit=1)).json()["total"] == 500


async def test_anonymous_batches_are_counted_per_network_and_full_addresses_are_opt_in(
    make_client: ClientFactory,
) -> None:
    api = await api_with(
        make_client, client_ip="2001:db8:abcd:12::5", rate_analytics_ip=(2, 60),
        analytics_full_ip=True,
    )  # fmt: skip
    for _ in range(2):
        assert (
            await api.client.post(BATCH, json={"events": [{"event": "open"}]})
        ).status_code == 201
    refused = await api.client.post(BATCH, json={"events": [{"event": "open"}]})
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
    stored = (await api.get(api.admin, "analytics", limit=1)).json()["items"][0]
    assert stored["userId"] is None and stored["ipAddress"] == "2001:db8:abcd:12::5"


def at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


async def test_the_summary_matches_a_hand_computed_fixture(api: Api) -> None:
    """Three users: A signed up in week 1 and is active in weeks 1 and 3, B signed up in week 1
    and is active in week 1 only, the admin signed up in week 2 and is active in week 2. The
    weeks start on Mondays: 2026-11-02, 11-09, 11-16."""
    week1, week2, week3 = date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16)
    signups = {api.a.id: at(week1), api.b.id: at(week1 + timedelta(days=6)),
               api.admin.id: at(week2 + timedelta(days=2))}  # fmt: skip
    async with api.context.store.write() as tx:
        for user_id, moment in signups.items():
            await tx.execute(
                'UPDATE users SET "createdAt" = :at WHERE "_id" = :id',
                {"at": tx.store.bind_timestamp(moment), "id": user_id},
            )
    plan: list[tuple[Any, date, str, str | None, int]] = [
        (api.a, week1, "note_opened", "study", 3),  # 3 events on Monday of week 1
        (api.a, week1 + timedelta(days=1), "set_logged", "fitness", 2),
        (api.b, week1 + timedelta(days=1), "note_opened", "study", 1),
        (api.admin, week2 + timedelta(days=3), "puzzle_opened", "mind", 4),
        (api.a, week3 + timedelta(days=4), "note_opened", "study", 1),
        (None, week3, "app_opened", None, 5),  # anonymous: counted, never active
    ]
    async with api.context.store.write() as tx:
        for who, day, event, module, n in plan:
            caller = Caller(who.user if who else None, "198.51.100.4", FIREFOX)
            body = AnalyticsEvent.model_validate({"event": event, "module": module})
            await store_events(tx, caller, [body] * n, [at(day)] * n, full_ip=False)
    answer = await api.client.get(
        "/api/v1/analytics/summary",
        params={"from": "2026-11-02", "to": "2026-11-22", "weeks": 2},
        headers=api.admin.headers,
    )
    assert answer.status_code == 200, answer.text
    summary = answer.json()
    assert summary["activeUsers"]["daily"] == [
        {"period": "2026-11-02", "users": 1},
        {"period": "2026-11-03", "users": 2},
        {"period": "2026-11-12", "users": 1},
        {"period": "2026-11-20", "users": 1},
    ]
    assert summary["activeUsers"]["weekly"] == [
        {"period": "2026-11-02", "users": 2},
        {"period": "2026-11-09", "users": 1},
        {"period": "2026-11-16", "users": 1},
    ]
    assert summary["activeUsers"]["monthly"] == [{"period": "2026-11", "users": 3}]
    assert summary["byModule"] == [
        {"module": None, "count": 5},  # ties: no module first, then by name
        {"module": "study", "count": 5},
        {"module": "mind", "count": 4},
        {"module": "fitness", "count": 2},
    ]
    assert summary["byEvent"][0] == {"event": "app_opened", "module": None, "count": 5}
    assert {(e["event"], e["count"]) for e in summary["byEvent"]} == {
        ("app_opened", 5), ("note_opened", 5), ("puzzle_opened", 4), ("set_logged", 2)
    }  # fmt: skip
    assert summary["retention"] == [
        {"cohort": "2026-11-02", "users": 2, "activeByWeek": [2, 0, 1]},
        {"cohort": "2026-11-09", "users": 1, "activeByWeek": [1, 0, 0]},
    ]
    for who in (api.a, None):
        refused = await api.client.get(
            "/api/v1/analytics/summary", params={"from": "2026-11-02", "to": "2026-11-22"},
            headers=who.headers if who else {},
        )  # fmt: skip
        assert refused.status_code == (403 if who else 401)
    too_long = await api.client.get(
        "/api/v1/analytics/summary", params={"from": "2025-01-01", "to": "2026-11-22"},
        headers=api.admin.headers,
    )  # fmt: skip
    assert too_long.status_code == 422


@pytest.mark.parametrize("retention_days", [30])
async def test_old_events_are_deleted_and_their_counts_kept(
    make_client: ClientFactory, retention_days: int
) -> None:
    api = await api_with(make_client, analytics_retention_days=retention_days)
    old, recent = datetime.now(UTC) - timedelta(days=40), datetime.now(UTC) - timedelta(days=1)
    async with api.context.store.write() as tx:
        body = AnalyticsEvent.model_validate({"event": "opened"})
        caller = Caller(api.a.user, "198.51.100.4", FIREFOX)
        await store_events(tx, caller, [body, body], [old, recent], full_ip=False)
    removed = await delete_old_analytics(api.context)
    assert removed["analytics"] == 1
    assert (await api.get(api.admin, "analytics", count="true", limit=1)).json()["total"] == 1
    first = (old - timedelta(days=1)).date().isoformat()
    summary = await api.client.get(
        "/api/v1/analytics/summary",
        params={"from": first, "to": datetime.now(UTC).date().isoformat()},
        headers=api.admin.headers,
    )
    assert sum(e["count"] for e in summary.json()["byEvent"]) == 2
