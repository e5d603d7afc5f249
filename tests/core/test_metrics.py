"""`/metrics` (core/metrics.py, core/collectors.py): off without a token, refused without the
right one, and parsed by prometheus-client's own parser into figures an operator can trust."""

from __future__ import annotations

import asyncio
import time

import httpx
from prometheus_client.parser import text_string_to_metric_families

from tests.helpers import bearer
from tests.samples import sample_body
from tests.support import Api, ClientFactory, api_with
from whitecell.core.jobs import PeriodicJob
from whitecell.gamification.worker import Engine

TOKEN = "metrics-token-for-the-tests"
Labels = tuple[tuple[str, str], ...]


async def scrape(client: httpx.AsyncClient) -> dict[tuple[str, Labels], float]:
    """Every sample of `/metrics`, by name and labels, as Prometheus would read them."""
    response = await client.get("/metrics", headers=bearer(TOKEN))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def value(samples: dict[tuple[str, Labels], float], name: str, **labels: str) -> float:
    return samples[(name, tuple(sorted(labels.items())))]


async def test_metrics_are_not_served_without_a_token(client: httpx.AsyncClient) -> None:
    assert (await client.get("/metrics")).status_code == 404
    assert (await client.get("/metrics", headers=bearer("anything"))).status_code == 404


async def test_metrics_refuse_a_missing_or_wrong_token(make_client: ClientFactory) -> None:
    client = await make_client(metrics_token=TOKEN)
    for headers in (
        {},
        bearer("not-the-token"),
        bearer(TOKEN + "x"),
        {"Authorization": f"Basic {TOKEN}"},
        {"Authorization": TOKEN},
    ):
        refused = await client.get("/metrics", headers=headers)
        assert refused.status_code == 401, headers
        assert refused.json()["code"] == "unauthorized"
        assert refused.headers["WWW-Authenticate"] == "Bearer"
    assert (await client.get("/metrics", headers=bearer(TOKEN))).status_code == 200


async def test_metrics_are_neither_under_the_api_nor_in_openapi(make_client: ClientFactory) -> None:
    client = await make_client(metrics_token=TOKEN)
    paths = (await client.get("/openapi.json")).json()["paths"]
    assert not [path for path in paths if "metrics" in path]
    assert (await client.get("/api/v1/metrics", headers=bearer(TOKEN))).status_code == 404


async def test_a_note_read_by_id_is_counted_under_its_template(make_client: ClientFactory) -> None:
    api = await api_with(make_client, metrics_token=TOKEN)
    note = await api.create(api.a, "notes", sample_body("notes"))
    for _ in range(3):
        assert (await api.get(api.a, f"notes/{note['_id']}")).status_code == 200
    assert (await api.get(api.b, f"notes/{note['_id']}")).status_code == 404
    assert (await api.client.get(f"/no/such/page/{note['_id']}")).status_code == 404

    samples = await scrape(api.client)
    template = "/api/v1/notes/{doc_id}"
    requests = "whitecell_http_requests_total"
    assert value(samples, requests, method="GET", route=template, status="200") == 3
    assert value(samples, requests, method="GET", route=template, status="404") == 1
    assert value(samples, requests, method="POST", route="/api/v1/notes", status="201") == 1
    assert value(samples, requests, method="GET", route="(other)", status="404") == 1
    latency = "whitecell_http_request_duration_seconds"
    assert value(samples, f"{latency}_count", method="GET", route=template) == 4
    assert 0 < value(samples, f"{latency}_sum", method="GET", route=template) < 10
    assert value(samples, f"{latency}_bucket", method="GET", route=template, le="+Inf") == 4
    # Never the raw path: no label anywhere holds the note's id.
    assert not [key for key in samples if note["_id"] in str(key)]


async def test_the_xp_engines_lag_counts_the_changes_it_has_not_scored(
    make_client: ClientFactory,
) -> None:
    api = await api_with(make_client, metrics_token=TOKEN, gamification_enabled=False)
    engine = api.context.service(Engine)
    await engine.drain()
    for _ in range(3):
        await api.create(api.a, "notes", sample_body("notes"))

    samples = await scrape(api.client)
    lag = "whitecell_change_log_consumer_lag_events"
    assert value(samples, lag, consumer="gamification") == 3
    age = "whitecell_change_log_consumer_lag_seconds"
    assert 0 <= value(samples, age, consumer="gamification") < 60
    assert value(samples, "whitecell_change_log_head_seq") >= 3
    # The live feed of this process has dispatched every change as it committed.
    assert value(samples, lag, consumer="realtime") == 0

    await engine.drain()
    samples = await scrape(api.client)
    assert value(samples, lag, consumer="gamification") == 0
    assert value(samples, age, consumer="gamification") == 0
    assert value(samples, "whitecell_change_log_dead_letters", consumer="gamification") == 0


async def first_cleanup(api: Api) -> PeriodicJob:
    """The cleanup job, once its first run (as the server starts) has ended."""
    cleanup = next(job for job in api.context.jobs if job.name == "cleanup")
    for _ in range(500):
        if cleanup.runs:
            return cleanup
        await asyncio.sleep(0.02)
    raise AssertionError("the cleanup job never ran")


async def test_job_runs_are_counted_per_job(make_client: ClientFactory) -> None:
    api = await api_with(make_client, metrics_token=TOKEN)
    await first_cleanup(api)
    samples = await scrape(api.client)
    assert value(samples, "whitecell_job_runs_total", job="cleanup") == 1
    assert value(samples, "whitecell_job_failures_total", job="cleanup") == 0
    ended = value(samples, "whitecell_job_last_success_timestamp_seconds", job="cleanup")
    assert time.time() - 60 < ended <= time.time()
    assert 0 < value(samples, "whitecell_job_last_duration_seconds", job="cleanup") < 60


async def test_the_database_connections_are_shown(make_client: ClientFactory) -> None:
    api = await api_with(make_client, metrics_token=TOKEN, gamification_enabled=False)
    await first_cleanup(api)
    # A unit of work held open across the scrape is shown lent out.
    async with api.context.store.read() as tx:
        await tx.scalar("SELECT 1")
        during = await scrape(api.client)
    assert value(during, "whitecell_db_connections_in_use") == 1
    after = await scrape(api.client)
    assert value(after, "whitecell_db_connections_in_use") == 0
    assert value(after, "whitecell_db_connections_waiting") == 0
    size = value(after, "whitecell_db_connections")
    assert size >= 2  # the one held above, and the scrape's own
    if api.context.store.dialect.is_sqlite:
        assert ("whitecell_db_connections_max", ()) not in after
    else:
        assert value(after, "whitecell_db_connections_max") == 10
        assert size <= 10
