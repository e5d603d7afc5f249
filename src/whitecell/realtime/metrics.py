"""The live feed's figures for `/metrics` (docs/operations.md, "Metrics"), read at scrape time:
connections and subscriptions of this process, and the messages waiting in their queues. How
far the feed itself is behind the change log is the `realtime` consumer's lag
(core/collectors.py, fed `Feed.delivered`)."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from whitecell.realtime.feed import Feed


class FeedCollector(Collector):
    def __init__(self, feed: Feed) -> None:
        self.feed = feed

    def collect(self) -> Iterator[GaugeMetricFamily]:
        connections = self.feed.connections
        yield GaugeMetricFamily(
            "whitecell_realtime_connections",
            "Live connections (WebSocket and Server-Sent Events) to this process.",
            value=len(connections),
        )
        yield GaugeMetricFamily(
            "whitecell_realtime_subscriptions",
            "Subscriptions of those connections.",
            value=sum(len(c.subscriptions) for c in connections),
        )
        queued = [c.queue.qsize() for c in connections]
        yield GaugeMetricFamily(
            "whitecell_realtime_queued_messages",
            "Messages waiting to be sent, over all connections.",
            value=sum(queued),
        )
        yield GaugeMetricFamily(
            "whitecell_realtime_queued_messages_max",
            "Messages waiting on the most behind connection (it is dropped at the queue size).",
            value=max(queued, default=0),
        )
