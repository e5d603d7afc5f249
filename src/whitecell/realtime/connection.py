"""One client's live connection (WebSocket or SSE alike): its subscriptions and its bounded queue
of outgoing messages."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from whitecell.core.changes import ChangeEvent
from whitecell.core.permissions import Caller
from whitecell.realtime.matching import Selector, Viewer
from whitecell.realtime.protocol import TOO_SLOW

if TYPE_CHECKING:
    from whitecell.realtime.feed import Feed


@dataclass(eq=False)
class Subscription:
    """A client's subscription. Until its snapshot (or resume backlog) is sent, live events are
    buffered; afterwards each event newer than `after` is delivered once, in sequence order,
    unless the snapshot already held it (`held`)."""

    id: str
    connection: Connection
    selector: Selector
    after: int = 0
    live: bool = False
    buffer: list[ChangeEvent] = field(default_factory=list)
    # PostgreSQL: whether the snapshot sent holds a change, by its transaction id. Rows commit
    # out of number order there, so a snapshot can hold changes numbered after its `seq`.
    held: Callable[[int], bool] | None = None

    def offer(self, event: ChangeEvent) -> None:
        if self.live:
            self.deliver(event)
        elif len(self.buffer) < self.connection.queue_size:
            self.buffer.append(event)
        else:
            self.connection.close(TOO_SLOW, "too many changes while subscribing; resubscribe")

    def deliver(self, event: ChangeEvent) -> None:
        if event.seq <= self.after:
            return
        self.after = event.seq
        if self.held is not None and event.xid is not None and self.held(event.xid):
            return
        viewer = self.connection.viewer
        op = self.selector.operation(viewer, event.op, event.id, event.document, event.previous)
        if op is None:
            return
        document = None
        if op != "delete" and event.document is not None:
            present = self.selector.table.present
            document = (
                present(event.document, self.connection.caller) if present else event.document
            )
        self.connection.send(
            {
                "type": "change",
                "id": self.id,
                "op": op,
                "_id": event.id,
                "document": document,
                "seq": event.seq,
            }
        )

    def go_live(self, after: int) -> None:
        """The snapshot (or backlog) up to `after` is sent: deliver what came in meanwhile."""
        self.after = max(self.after, after)
        for event in self.buffer:
            self.deliver(event)
        self.buffer.clear()
        self.live = True


class Connection:
    """Messages go through a bounded queue, so a slow client never delays the feed or other
    clients: when its queue is full it is disconnected (it can resume with `since`)."""

    def __init__(self, feed: Feed, viewer: Viewer, caller: Caller, queue_size: int) -> None:
        self.feed = feed
        self.viewer = viewer
        self.caller = caller
        self.queue_size = queue_size
        self.queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(queue_size)
        self.subscriptions: dict[str, Subscription] = {}
        self.closing: tuple[int, str] | None = None
        self.closed = asyncio.Event()
        self.last_heard = time.monotonic()

    def send(self, message: dict[str, Any]) -> None:
        if self.closing is not None:
            return
        try:
            self.queue.put_nowait(message)
        except asyncio.QueueFull:
            self.close(TOO_SLOW, "fell too far behind; reconnect and resume with since")

    def close(self, code: int, reason: str) -> None:
        """Ask the transport to end this connection (idempotent); it stops receiving at once."""
        if self.closing is not None:
            return
        self.closing = (code, reason)
        self.feed.detach(self)
        self.closed.set()

    def add(self, subscription: Subscription) -> None:
        self.subscriptions[subscription.id] = subscription
        self.feed.add(subscription)

    def remove(self, subscription_id: str) -> bool:
        subscription = self.subscriptions.pop(subscription_id, None)
        if subscription is None:
            return False
        self.feed.remove(subscription)
        return True
