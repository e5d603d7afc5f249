"""What `/metrics` reads from a running server at scrape time (docs/operations.md, "Metrics"):
the database connections, the periodic jobs, and how far each consumer of the change log is
behind it. Read when scraped rather than kept up to date on every request: nothing here costs
the hot path anything.

A collector whose figures come from the database says so with `refresh`, which the scrape awaits
before the registry is read (prometheus-client reads collectors synchronously).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Protocol, runtime_checkable

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from whitecell.core.clock import utcnow
from whitecell.core.jobs import PeriodicJob
from whitecell.core.store import Store
from whitecell.core.transactions import Tx

Metric = CounterMetricFamily | GaugeMetricFamily


@runtime_checkable
class Refreshed(Protocol):
    """A collector with figures read from the database before each scrape."""

    async def refresh(self) -> None: ...


class PoolCollector(Collector):
    """The store's connections: open, lent out, waited for (SQLite: readers and the writer)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def collect(self) -> Iterator[Metric]:
        stats = self.store.pool_stats()
        yield _gauge("whitecell_db_connections", "Database connections open.", stats.size)
        yield _gauge(
            "whitecell_db_connections_in_use",
            "Database connections lent to a unit of work.",
            stats.in_use,
        )
        yield _gauge(
            "whitecell_db_connections_waiting",
            "Units of work waiting for a connection (SQLite: for the one writer).",
            stats.waiting,
        )
        if stats.max_size is not None:
            yield _gauge(
                "whitecell_db_connections_max",
                "The most connections the pool may open.",
                stats.max_size,
            )


class JobCollector(Collector):
    """Runs and failures of the periodic jobs, per job."""

    def __init__(self, jobs: Sequence[PeriodicJob]) -> None:
        self.jobs = jobs

    def collect(self) -> Iterator[Metric]:
        runs = CounterMetricFamily("whitecell_job_runs", "Finished job runs.", labels=["job"])
        failures = CounterMetricFamily(
            "whitecell_job_failures", "Job runs that failed.", labels=["job"]
        )
        seconds = GaugeMetricFamily(
            "whitecell_job_last_duration_seconds", "How long the last run took.", labels=["job"]
        )
        success = GaugeMetricFamily(
            "whitecell_job_last_success_timestamp_seconds",
            "Unix time the last successful run ended.",
            labels=["job"],
        )
        for job in self.jobs:
            runs.add_metric([job.name], job.runs)
            failures.add_metric([job.name], job.failures)
            seconds.add_metric([job.name], job.last_seconds)
            if job.last_success is not None:
                success.add_metric([job.name], job.last_success)
        yield from (runs, failures, seconds, success)


class ChangeLogCollector(Collector):
    """The change log's head, and each consumer's lag behind it: in changes, and in seconds since
    the oldest change it has not taken (0 when it is caught up). Consumers are those with an
    offset in the database (the XP engine, `gamification`) and those that keep their position in
    memory (`positions`: the realtime feed of this process)."""

    def __init__(self, store: Store, positions: Mapping[str, Callable[[], int]]) -> None:
        self.store = store
        self.positions = positions
        self._reading: tuple[int, dict[str, tuple[int, float]], dict[str, int]] | None = None

    async def refresh(self) -> None:
        async with self.store.read() as tx:
            head = max(
                int(await tx.scalar("SELECT coalesce(max(seq), 0) FROM change_log") or 0),
                int(await tx.scalar("SELECT seq FROM change_log_horizon WHERE id = 1") or 0),
            )
            offsets = {
                str(name): int(seq)
                for name, seq in await tx.all("SELECT name, seq FROM consumer_offsets")
            }
            offsets.update({name: position() for name, position in self.positions.items()})
            now = utcnow()
            lags = {
                name: (max(0, head - seq), await self._age_after(tx, seq, now))
                for name, seq in offsets.items()
            }
            dead = {
                str(name): int(count)
                for name, count in await tx.all(
                    "SELECT consumer, count(*) FROM change_log_dead_letters GROUP BY consumer"
                )
            }
        self._reading = (head, lags, dead)

    async def _age_after(self, tx: Tx, seq: int, now: datetime) -> float:
        """Seconds since the oldest change after `seq` was committed; 0 if there is none."""
        committed = await tx.scalar(
            'SELECT "committedAt" FROM change_log WHERE seq > :seq ORDER BY seq LIMIT 1',
            {"seq": seq},
        )
        if committed is None:
            return 0.0
        return max(0.0, (now - self.store.read_timestamp(committed)).total_seconds())

    def collect(self) -> Iterator[Metric]:
        if self._reading is None:
            return
        head, lags, dead = self._reading
        yield _gauge("whitecell_change_log_head_seq", "The last change-log sequence.", head)
        events = GaugeMetricFamily(
            "whitecell_change_log_consumer_lag_events",
            "Changes a consumer has not taken yet.",
            labels=["consumer"],
        )
        seconds = GaugeMetricFamily(
            "whitecell_change_log_consumer_lag_seconds",
            "Age of the oldest change a consumer has not taken yet (0: caught up).",
            labels=["consumer"],
        )
        for name, (behind, age) in sorted(lags.items()):
            events.add_metric([name], behind)
            seconds.add_metric([name], age)
        letters = GaugeMetricFamily(
            "whitecell_change_log_dead_letters",
            "Change-log rows a consumer set aside (whitecell gamification check).",
            labels=["consumer"],
        )
        for name in sorted(set(dead) | {n for n in lags if n not in self.positions}):
            letters.add_metric([name], dead.get(name, 0))
        yield from (events, seconds, letters)


def _gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, value=value)
