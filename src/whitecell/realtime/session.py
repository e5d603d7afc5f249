"""What the server does with each client message, whatever the transport."""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter, ValidationError

from whitecell.auth import service as auth_service
from whitecell.core import crud
from whitecell.core.context import AppContext
from whitecell.core.errors import AppError
from whitecell.core.listing import RESERVED, parse_list_query
from whitecell.core.pages import list_page
from whitecell.core.permissions import Caller
from whitecell.core.tables import REGISTRY, Table
from whitecell.realtime import log
from whitecell.realtime.connection import Connection, Subscription
from whitecell.realtime.feed import SETTLE_PATIENCE, Feed
from whitecell.realtime.matching import Selector, Viewer
from whitecell.realtime.protocol import (
    ClientMessage,
    Ping,
    Pong,
    Subscribe,
    Unsubscribe,
    error,
    filter_params,
)
from whitecell.users import service as users_service

MAX_SUBSCRIPTIONS = 100
_messages: TypeAdapter[Any] = TypeAdapter(ClientMessage)


class BadMessage(ValueError):
    """A client message that does not fit the protocol, and the field at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field, self.reason = field, message


class Refused(Exception):
    """A subscription the server will not create: becomes an `error` message."""

    def __init__(self, code: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.code, self.message, self.extra = code, message, extra


async def open_connection(ctx: AppContext, token: str) -> Connection:
    """A connection for the session behind `token` (401/403 as `AppError` otherwise)."""
    feed = ctx.service(Feed)
    auth = await auth_service.authenticate(ctx, token)
    user = auth.user
    viewer = Viewer(user["_id"], user.get("role") == "admin", auth.session_id)
    return Connection(feed, viewer, Caller(user), feed.settings.realtime_queue_size)


def parse(raw: Any) -> Any:
    """A client message, or a `BadMessage` (a `ValueError`) saying what is wrong with it."""
    try:
        return _messages.validate_python(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"][1:]) or "message"
        raise BadMessage(where, str(first["msg"]).removeprefix("Value error, ")) from None


async def handle(connection: Connection, message: Any) -> None:
    if isinstance(message, Subscribe):
        try:
            await subscribe(connection, message)
        except Refused as refused:
            connection.send(error(refused.code, refused.message, message.id, **refused.extra))
    elif isinstance(message, Unsubscribe):
        if connection.remove(message.id):
            connection.send({"type": "unsubscribed", "id": message.id})
        else:
            connection.send(error("unknown_subscription", "no such subscription", message.id))
    elif isinstance(message, Ping):
        connection.send({"type": "pong"})
    elif isinstance(message, Pong):
        pass
    else:  # a second `auth`
        connection.send(error("bad_message", "already authenticated"))


def _selector(connection: Connection, message: Subscribe) -> Selector:
    table = REGISTRY.get(message.table)
    if table is None or table.access.read == "nobody":
        raise Refused("unknown_table", f"no table {message.table!r} can be subscribed to")
    if not table.events:  # a derived index (workout_exercises): its source's events announce it
        raise Refused(
            "unknown_table", f"{table.name} has no change events: subscribe to its source"
        )
    viewer = connection.viewer
    own_user = table.name == "users" and message.documentId == viewer.user_id
    if table.access.read == "admin" and not viewer.is_admin and not own_user:
        raise Refused("forbidden", "only administrators may read this table")
    reserved = sorted(k for k in message.filter if k.split("[")[0] in RESERVED)
    if reserved:
        raise Refused("bad_filter", f"{reserved[0]}: not a filter", field=reserved[0])
    try:
        query = parse_list_query(table, filter_params(message))
    except AppError as exc:
        field = exc.errors[0].field if exc.errors else None
        raise Refused("bad_filter", exc.detail, field=field) from None
    except (ValueError, OverflowError) as exc:
        # A value the parser let through but could not convert (a timestamp leaving the
        # calendar in UTC): the client's mistake all the same.
        raise Refused("bad_filter", f"filter: {exc}", field="filter") from None
    return Selector(table, query, message.documentId)


def _owner_scoped(table: Table) -> bool:
    return table.access.read == "owner" and table.owned


async def subscribe(connection: Connection, message: Subscribe) -> None:
    if message.id in connection.subscriptions:
        raise Refused("duplicate_id", "a subscription with this id exists")
    if len(connection.subscriptions) >= MAX_SUBSCRIPTIONS:
        raise Refused("too_many_subscriptions", f"at most {MAX_SUBSCRIPTIONS} per connection")
    selector = _selector(connection, message)
    subscription = Subscription(message.id, connection, selector, after=message.since or 0)
    # Registered first: whatever commits from now on is buffered, none of it is missed.
    connection.add(subscription)
    try:
        if message.since is not None and await _resume(connection, subscription, message.since):
            return
        await _snapshot(connection, subscription, reset=message.since is not None)
    except BaseException:
        connection.remove(subscription.id)
        raise


async def _resume(connection: Connection, subscription: Subscription, since: int) -> bool:
    """Send every matching change after `since`; False when the log no longer reaches back."""
    feed, table = connection.feed, subscription.selector.table
    limit = feed.settings.realtime_backlog_limit
    user = connection.viewer.user_id if _owner_scoped(table) else None
    settled = await _settled(feed)
    async with feed.store.snapshot() as tx:
        top = settled if settled is not None else await log.last_seq(tx)
        if since < await log.horizon(tx) or since > top:
            return False
        events = await log.backlog(tx, table.name, since, top, limit + 1, user_id=user)
    if len(events) > limit:
        return False
    for event in events:
        subscription.deliver(event)
    connection.send({"type": "resumed", "id": subscription.id, "seq": top})
    subscription.go_live(top)
    return True


async def _settled(feed: Feed) -> int | None:
    """PostgreSQL, before a subscription's snapshot: the sequence its snapshot or backlog ends
    at, the high-water mark (every row at or below it committed before the snapshot, which is
    taken after). The feed has dispatched nothing past it before the subscription was
    registered, so what comes later reaches the subscription through the feed. None on SQLite,
    where the snapshot's own last row is exact (one writer)."""
    if feed.store.dialect.is_sqlite:
        return None
    return max(feed.position, await feed.store.high_water(SETTLE_PATIENCE))


async def _snapshot(connection: Connection, subscription: Subscription, *, reset: bool) -> None:
    feed, selector = connection.feed, subscription.selector
    table, caller = selector.table, connection.caller
    settled = await _settled(feed)
    async with feed.store.snapshot() as tx:
        if settled is None:
            top = await log.last_seq(tx)
        else:
            # Of the changes after `top`, those the snapshot already holds are not sent again.
            top = settled
            subscription.held = await log.snapshot_holds(tx)
        if selector.document_id is not None:
            try:
                if table.name == "users" and selector.document_id == caller.id:
                    me = await users_service.user_by(tx, "_id", selector.document_id)
                    items = [me] if me else []
                else:
                    items = [await crud.get(tx, table, caller, selector.document_id)]
            except AppError:
                raise Refused("not_found", f"no such {table.name} document") from None
            cursor = None
        else:
            page = await list_page(tx, table, caller, selector.query)
            items, cursor = page.items, page.next_cursor
    if table.present:
        items = [table.present(item, caller) for item in items]
    connection.send(
        {
            "type": "snapshot",
            "id": subscription.id,
            "items": items,
            "nextCursor": cursor,
            "seq": top,
            "reset": reset,
        }
    )
    # A fresh snapshot is the new starting point, whatever `since` said: a `since` beyond the
    # log's end (forged, or from another database) would otherwise hold back every change.
    subscription.after = top
    subscription.go_live(top)
