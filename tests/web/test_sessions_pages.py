"""Study sessions in the browser over HTTP: start and stop a server-timed session, one at a time,
and the year's heat-map with a shade per day."""

from __future__ import annotations

from datetime import timedelta

from tests.support import Api, Browser
from whitecell.core.clock import isoformat_z, local_today, utcnow


async def test_a_session_is_started_stopped_and_shown_on_the_heat_map(
    api: Api, browser_a: Browser, browser_b: Browser
) -> None:
    empty = await browser_a.get("/study/sessions")
    assert empty.status_code == 200 and 'id="session-start"' in empty.text
    started = await browser_a.post("/study/sessions/start", {"subject": "Physics"})
    assert started.status_code == 303
    running = await browser_a.get("/study/sessions")
    assert 'id="session-timer"' in running.text and "session_timer.js" in running.text
    again = await browser_a.post("/study/sessions/start", {"subject": "Maths"})
    assert again.status_code == 409 and "still running" in again.text
    async with api.context.store.read() as tx:
        session_id = await tx.scalar(
            'SELECT "_id" FROM study_sessions WHERE subject = :s', {"s": "Physics"}
        )
    # Started 45 minutes ago, as far as the server knows.
    async with api.context.store.write() as tx:
        await tx.execute(
            'UPDATE study_sessions SET "startedAt" = :then WHERE "_id" = :id',
            {"then": tx.store.bind_timestamp(utcnow() - timedelta(minutes=45)), "id": session_id},
        )
    assert (await browser_b.post(f"/study/sessions/{session_id}/stop")).status_code == 404
    stopped = await browser_a.post(f"/study/sessions/{session_id}/stop")
    assert stopped.status_code == 303
    page = await browser_a.get("/study/sessions")
    today = local_today(None).isoformat()
    assert f'class="heat heat3" title="{today}: 45 min"' in page.text
    assert "45 minutes on 1 day" in page.text
    assert page.text.count('class="heat heat') >= 365
    other = await browser_b.get("/study/sessions")
    assert "0 minutes on 0 days" in other.text
    stored = (await api.get(api.a, f"study_sessions/{session_id}")).json()
    assert stored["duration"] == 45 and stored["endedAt"] is not None
    assert isoformat_z(utcnow())[:4] == stored["endedAt"][:4]


async def test_a_session_needs_a_subject(browser_a: Browser) -> None:
    refused = await browser_a.post("/study/sessions/start", {"subject": ""})
    assert refused.status_code == 422 and 'id="e-subject"' in refused.text
