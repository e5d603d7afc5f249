"""The feed: committed changes, in sequence order, fanned out to the subscriptions that may see
them, in memory.

Where the changes come from:
- SQLite (one process): the store's in-process subscribers, right after each commit.
- PostgreSQL (any number of processes): the change log itself. Every write transaction does
  `NOTIFY whitecell_changes` (delivered at commit, never for a rollback); each process LISTENs on
  a dedicated connection and, when woken (or every `realtime_poll_seconds` in case a wake-up was
  lost), reads the log rows after the last one it dispatched, up to the high-water mark (writers
  number rows without waiting for each other; below the mark no row can still commit:
  core/highwater.py). The log is the source of truth, the notification only a wake-up, so
  nothing is lost and nothing new is required besides PostgreSQL.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any

from whitecell.auth.tables import SESSIONS
from whitecell.core import crud
from whitecell.core.changes import CHANGES_CHANNEL, ChangeEvent
from whitecell.core.clock import isoformat_z, utcnow
from whitecell.core.config import Settings
from whitecell.core.store import Store
from whitecell.realtime import log
from whitecell.realtime.connection import Connection, Subscription
from whitecell.realtime.protocol import ACCOUNT_CHANGED, GOING_AWAY, SESSION_ENDED

logger = logging.getLogger("whitecell.realtime")
BATCH = 500
# PostgreSQL: how long a read of the log waits for rows numbered before it to commit, and how
# soon the feed looks again when some still had not (a write that stays open holds back the rows
# numbered after it, not the feed).
SETTLE_PATIENCE = 0.05
RECHECK_SECONDS = 0.01


class TooManyConnections(Exception):
    pass


class Feed:
    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.settings = settings
        # The last sequence dispatched; on PostgreSQL never past the high-water mark, so every
        # row at or below it is committed and was dispatched (or nobody was connected).
        self.position = 0
        self._behind = False  # PostgreSQL: commits announced while nobody was connected
        self._announced = 0  # the newest sequence those announcements named
        self._tables: dict[str, set[Subscription]] = defaultdict(set)
        self._users: dict[str, set[Connection]] = defaultdict(set)
        self._tasks: list[asyncio.Task[None]] = []
        self._unsubscribe: Callable[[], None] | None = None
        # In-process caches told which tables changed, from any process (the feature flags).
        self.listeners: list[Callable[[set[str]], None]] = []
        self._stopping = asyncio.Event()

    # -- lifecycle -------------------------------------------------------------------------------

    async def start(self) -> None:
        try:
            if self.store.dialect.is_sqlite:
                async with self.store.read() as tx:
                    self.position = await log.last_seq(tx)
            else:
                mark = await self.store.high_water(patience=2.0)
                async with self.store.read() as tx:
                    self.position = max(mark, await log.horizon(tx))
        except Exception:  # no schema yet (migrations pending): /readyz says so; start anyway
            logger.warning("change log unreadable; live feeds start from the beginning")
        if self.store.dialect.is_sqlite:
            self._unsubscribe = self.store.subscribe(self.dispatch)
        else:
            self._tasks.append(asyncio.create_task(self._listen(), name="whitecell-feed-listen"))
        self._tasks.append(asyncio.create_task(self._sweep(), name="whitecell-feed-sessions"))

    async def stop(self) -> None:
        if self._unsubscribe:
            self._unsubscribe()
        # The flag as well as the cancellation: psycopg may absorb a cancellation that lands
        # while it waits for notifications; the loops then end at their next turn.
        self._stopping.set()
        for task in self._tasks:
            task.cancel()
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=5)
        self._tasks.clear()
        for connection in [c for group in self._users.values() for c in group]:
            connection.close(GOING_AWAY, "the server is restarting; reconnect and resume")

    # -- connections and subscriptions -----------------------------------------------------------

    def attach(self, connection: Connection) -> None:
        mine = self._users[connection.viewer.user_id]
        if len(mine) >= self.settings.realtime_connections_per_user:
            raise TooManyConnections
        mine.add(connection)

    def detach(self, connection: Connection) -> None:
        self._users[connection.viewer.user_id].discard(connection)
        if not self._users[connection.viewer.user_id]:
            del self._users[connection.viewer.user_id]
        for subscription in connection.subscriptions.values():
            self._tables[subscription.selector.table.name].discard(subscription)

    def add(self, subscription: Subscription) -> None:
        self._tables[subscription.selector.table.name].add(subscription)

    def remove(self, subscription: Subscription) -> None:
        self._tables[subscription.selector.table.name].discard(subscription)

    @property
    def connections(self) -> list[Connection]:
        return [c for group in self._users.values() for c in group]

    # -- dispatch --------------------------------------------------------------------------------

    def dispatch(self, events: Sequence[ChangeEvent]) -> None:
        fresh: list[ChangeEvent] = []
        for event in events:
            if event.seq <= self.position:
                continue  # already dispatched (a poll racing a wake-up)
            self.position = event.seq
            fresh.append(event)
            self._enforce(event)
            for subscription in list(self._tables.get(event.table, ())):
                try:
                    subscription.offer(event)
                except Exception:
                    # A row one subscription cannot present (a hook that cannot read it) must
                    # not cost everyone else this change and the rest of the commit: that
                    # subscription skips it, once, and the log says which row to look at.
                    logger.exception(
                        "change not delivered to one subscription; skipped",
                        extra={"seq": event.seq, "table": event.table, "_id": event.id},
                    )
        if fresh:
            self._tell_listeners({event.table for event in fresh})

    def _tell_listeners(self, tables: set[str]) -> None:
        for listener in self.listeners:
            try:
                listener(tables)
            except Exception:
                logger.exception("change listener %r failed", listener)

    def _enforce(self, event: ChangeEvent) -> None:
        """Sessions that end and accounts that are suspended lose their connections at once."""
        document = event.document or {}
        if event.table == "sessions" and (event.op == "delete" or not document.get("isValid")):
            for connection in self._users.get(event.userId or "", set()).copy():
                if connection.viewer.session_id == event.id:
                    connection.close(SESSION_ENDED, "the session was signed out")
        elif event.table == "users":
            for connection in self._users.get(event.id, set()).copy():
                if (
                    event.op == "delete"
                    or document.get("isBanned")
                    or not document.get("isActive", True)
                ):
                    connection.close(ACCOUNT_CHANGED, "the account is suspended or deleted")
                elif (document.get("role") == "admin") != connection.viewer.is_admin:
                    connection.close(ACCOUNT_CHANGED, "the account's role changed; reconnect")

    # -- PostgreSQL: the log, woken by NOTIFY ------------------------------------------------------

    async def _listen(self) -> None:
        import psycopg

        while not self._stopping.is_set():
            try:
                async with await psycopg.AsyncConnection.connect(
                    self.store.conninfo, autocommit=True
                ) as connection:
                    await connection.execute(f"LISTEN {CHANGES_CHANNEL}")
                    await self._catch_up()  # whatever committed while we were not listening
                    while not self._stopping.is_set():
                        # Sooner while rows numbered before the last read may still commit.
                        wait = self.settings.realtime_poll_seconds
                        if self._users and self.store.high_water_behind:
                            wait = RECHECK_SECONDS
                        async for notice in connection.notifies(timeout=wait):
                            await self._woken(notice.payload)
                        await self._woken(None)  # the periodic poll: a lost wake-up costs 1 s
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("change feed lost its database connection; reconnecting")
                await asyncio.sleep(1)

    async def _woken(self, payload: str | None) -> None:
        if self._users:
            await self._catch_up()
            return
        seq, _, tables = (payload or "").partition(" ")
        if payload is not None:
            # Nobody is listening here: skip reading the log (writes stay cheap). The caches
            # still learn which tables the commit wrote (forgetting twice costs nothing).
            self._behind = True
            if seq.isdigit():
                self._announced = max(self._announced, int(seq))
            if tables:
                self._tell_listeners(set(tables.split(",")))
        elif self._behind:
            await self._skip_ahead()

    @property
    def delivered(self) -> int:
        """The sequence this process owes its subscribers nothing up to (for metrics): its
        position, or with nobody connected, the newest commit announced, since nobody is owed
        anything."""
        return self.position if self._users else max(self.position, self._announced)

    async def _skip_ahead(self) -> None:
        """With nobody connected, move to the high-water mark without reading the log (once a
        poll), so a first subscriber's catch-up reads a second of it at most."""
        mark = await self.store.high_water()
        if not self._users:  # still nobody: no subscription can have wanted what is skipped
            self.position = max(self.position, mark)
            self._behind = self.store.high_water_behind

    async def _catch_up(self) -> None:
        while True:
            upto = await self.store.high_water(SETTLE_PATIENCE)
            async with self.store.read() as tx:
                events = await log.after(tx, self.position, BATCH, upto)
            self.dispatch(events)
            if len(events) < BATCH:
                return

    # -- sessions that expire or are revoked elsewhere -------------------------------------------

    async def _sweep(self) -> None:
        while not self._stopping.is_set():
            await asyncio.sleep(self.settings.realtime_session_check_seconds)
            try:
                await self._check_sessions()
            except Exception:
                logger.exception("realtime session check failed; it will run again")

    async def _check_sessions(self) -> None:
        """One query for every connected session: gone, expired or idle ones are disconnected;
        a connection in use keeps its session from idling out."""
        connections = self.connections
        sessions = sorted({c.viewer.session_id for c in connections})
        if not sessions:
            return
        now = utcnow()
        names = {f"s{i}": s for i, s in enumerate(sessions)}
        params: dict[str, Any] = {
            **names,
            "now": self.store.bind_timestamp(now),
            "idle": self.store.bind_timestamp(
                now - timedelta(seconds=self.settings.session_idle_seconds)
            ),
            "yes": True,
            "no": False,
        }
        placeholders = ", ".join(f":{n}" for n in names)
        async with self.store.read() as tx:
            rows = await tx.all(
                'SELECT sessions."_id" FROM sessions '
                'JOIN users ON users."_id" = sessions."userId" '
                f'WHERE sessions."_id" IN ({placeholders}) AND sessions."isValid" = :yes '
                'AND sessions."expiresAt" > :now AND sessions."lastSeenAt" > :idle '
                'AND users."isBanned" = :no AND users."isActive" = :yes',
                params,
            )
        alive = {row[0] for row in rows}
        for connection in connections:
            if connection.viewer.session_id not in alive:
                connection.close(SESSION_ENDED, "the session ended")
        if alive:
            touch = now - timedelta(seconds=self.settings.session_touch_seconds)
            keep = {f"k{i}": s for i, s in enumerate(sorted(alive))}
            async with self.store.write() as tx:
                await crud.update_server_rows(
                    tx,
                    SESSIONS,
                    f'"_id" IN ({", ".join(":" + k for k in keep)}) AND "lastSeenAt" < :touch',
                    {**keep, "touch": self.store.bind_timestamp(touch)},
                    {"lastSeenAt": isoformat_z(now)},
                )
