"""`/metrics` in Prometheus's text format (docs/operations.md, "Metrics"), off unless
`WHITECELL_METRICS_TOKEN` is set, then served to `Authorization: Bearer <token>` alone. Not under
`/api/v1`, not in the OpenAPI document.

Each app has its own registry (tests start many apps in one process; the library's global
registry would mix them). Requests are counted by the request log's middleware, which already
times them (core/requestlog.py), under their route's template (`/api/v1/notes/{doc_id}`), never
the raw path: the labels stay bounded whatever clients ask for. Everything else is read when
scraped (core/collectors.py, realtime/metrics.py).
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Iterable

from fastapi import FastAPI, Request, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.registry import Collector
from starlette.types import Scope

from whitecell.core.collectors import Refreshed
from whitecell.core.config import Settings
from whitecell.core.errors import Unauthorized

PATH = "/metrics"
# Requests no route answered (a 404, a static file): one label, however many paths.
OTHER_ROUTE = "(other)"
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# Seconds; the API answers most requests in about a millisecond, uploads and streams take long.
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    """One app's registry: the request figures it keeps, and the collectors it reads."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self._requests = Counter(
            "whitecell_http_requests",
            "HTTP requests answered, by route template and status.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self._latency = Histogram(
            "whitecell_http_request_duration_seconds",
            "Time from a request's arrival to the end of its answer, by route template.",
            ["method", "route"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        # The labelled children, found once: `labels()` takes a lock and builds a key each time.
        self._counters: dict[tuple[str, str, int], Counter] = {}
        self._histograms: dict[tuple[str, str], Histogram] = {}
        self._collectors: list[Collector] = []

    def observe_request(self, scope: Scope, status: int, seconds: float) -> None:
        """Count one answered request under its route's template."""
        route = scope.get("route")
        template: str = getattr(route, "path_format", None) or OTHER_ROUTE
        method: str = scope.get("method", "GET")
        if method not in METHODS:
            method = "OTHER"  # a client may send any token as a method
        counter = self._counters.get((method, template, status))
        if counter is None:
            counter = self._requests.labels(method, template, str(status))
            self._counters[(method, template, status)] = counter
        counter.inc()
        histogram = self._histograms.get((method, template))
        if histogram is None:
            histogram = self._latency.labels(method, template)
            self._histograms[(method, template)] = histogram
        histogram.observe(seconds)

    def watch(self, collectors: Iterable[Collector]) -> Callable[[], None]:
        """Read these collectors at every scrape, until the returned function is called (a
        server's services live from its start to its stop, an app may be started again)."""
        added = list(collectors)
        for collector in added:
            self.registry.register(collector)
            self._collectors.append(collector)

        def unwatch() -> None:
            for collector in added:
                self.registry.unregister(collector)
                self._collectors.remove(collector)

        return unwatch

    async def scrape(self) -> bytes:
        """The registry in the text format, database figures read just before."""
        for collector in self._collectors:
            if isinstance(collector, Refreshed):
                await collector.refresh()
        return generate_latest(self.registry)


def install_metrics(app: FastAPI, settings: Settings) -> Metrics | None:
    """Serve `/metrics` when a token is configured; the app's `Metrics`, or None (then nothing
    is counted either)."""
    token = settings.metrics_token.get_secret_value()
    if not token:
        return None
    # No `_created` twin of every counter and histogram: twice the series for a figure that
    # Prometheus reads from the process start anyway (a process-wide switch of the library).
    disable_created_metrics()
    metrics = Metrics()
    expected = token.encode()

    async def scrape(request: Request) -> Response:
        scheme, _, sent = request.headers.get("authorization", "").partition(" ")
        # Constant time: the comparison must not tell a guesser how much of the token is right.
        if not (scheme.lower() == "bearer" and hmac.compare_digest(sent.encode(), expected)):
            raise Unauthorized("Send the metrics token as `Authorization: Bearer <token>`.")
        return Response(await metrics.scrape(), media_type=CONTENT_TYPE_LATEST)

    app.add_api_route(PATH, scrape, methods=["GET"], include_in_schema=False)
    return metrics
