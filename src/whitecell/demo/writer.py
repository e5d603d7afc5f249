"""How the demo writes: every body through the API's own create model, then `crud.create`.

A demo row must obey exactly the rules a client's row obeys, so each body is serialised to JSON
(as an HTTP client would send it), validated by `create_body(table)` and stored by `crud.create`,
which checks references, fills defaults, runs the table's compute hook and records change events.

What a client cannot say is *when* it acted: the server stamps `createdAt`, `updatedAt`,
`completedAt` with its clock. A demo that pretends four weeks went by moves those stamps back to
the moment the row pretends to have been written (`Writer.create(..., at=...)`). That is the only
server-owned state the module builders touch; `gamification.py` scores the demo's past with the
engine's own rules, since the engine only scores what happens from now on.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import orjson
from pydantic import ValidationError

from whitecell.core import crud
from whitecell.core.bodies import create_body, update_body
from whitecell.core.clock import isoformat_z, utcnow
from whitecell.core.errors import AppError
from whitecell.core.permissions import Caller
from whitecell.core.schemas import WriteModel
from whitecell.core.tables import REGISTRY
from whitecell.core.transactions import Tx

Document = dict[str, Any]


class DemoDataRejected(Exception):
    """A demo body that the API would answer with a 422: a bug in the demo (or in a rule)."""


@dataclass(frozen=True)
class Timeline:
    """The demo's calendar: `days` days ending today, in the demo user's time zone."""

    zone: ZoneInfo
    now: datetime  # aware, UTC
    days: int

    @classmethod
    def ending_now(cls, zone_name: str, weeks: int) -> Timeline:
        return cls(ZoneInfo(zone_name), utcnow(), weeks * 7)

    @property
    def today(self) -> date:
        return self.now.astimezone(self.zone).date()

    @property
    def first_day(self) -> date:
        return self.today - timedelta(days=self.days - 1)

    def dates(self) -> list[date]:
        """Every day of the demo, oldest first, today last."""
        return [self.first_day + timedelta(days=n) for n in range(self.days)]

    def ago(self, days: int) -> date:
        return self.today - timedelta(days=days)

    def story(self, days_ago: int) -> date:
        """A day of the demo's four-week story (0-27 days ago), fitted to the actual span."""
        return self.today - timedelta(days=round(days_ago * (self.days - 1) / 27))

    def week(self, day: date) -> int:
        """0 for the demo's first week, 1 for the next..."""
        return (day - self.first_day).days // 7

    def is_sick_day(self, day: date) -> bool:
        """One day off sick in the story: no training, no study, tasks left undone."""
        return day == self.story(11) and self.days > 7

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        """That local wall-clock time, never later than now (a row cannot be from the future)."""
        return min(self._moment(day, hour, minute), self.now - timedelta(minutes=1))

    def happened(self, day: date, hour: int, minute: int = 0) -> bool:
        """Whether that local time is past: today's evening workout does not exist at noon."""
        return self._moment(day, hour, minute) < self.now

    def _moment(self, day: date, hour: int, minute: int) -> datetime:
        return datetime.combine(day, time(hour, minute), self.zone).astimezone(UTC)


def rng_for(seed: int, module: str) -> random.Random:
    """One generator per module, so changing one module's data leaves the others' unchanged."""
    return random.Random(f"{seed}:{module}")  # noqa: S311  (demo data, not secrets)


# Server clocks a demo may move back, besides each table's creation and update stamps.
_DONE_AT = frozenset({"completedAt", "lastReadAt"})


@dataclass
class Writer:
    """Creates one user's rows inside one write transaction and counts them per table."""

    tx: Tx
    caller: Caller
    counts: Counter[str] = field(default_factory=Counter)
    # Every row written, latest version, by table then id: what the gamification step rewards.
    made: dict[str, dict[str, Document]] = field(default_factory=lambda: defaultdict(dict))

    async def create(
        self,
        table_name: str,
        body: dict[str, Any],
        *,
        at: datetime | None = None,
        updated: datetime | None = None,
        completed: datetime | None = None,
    ) -> Document:
        """Validate `body` as the API would, create the row, then backdate its server stamps.

        `at` becomes the creation stamp (and the update stamp unless `updated` is given);
        `completed` the `completedAt` of a task or goal that the body marks done.
        """
        values = validated(table_name, body)
        table = REGISTRY[table_name]
        try:
            created = await crud.create(self.tx, table, self.caller, values)
        except AppError as error:  # a reference or a compute hook refused it, as it would a client
            raise DemoDataRejected(f"{table_name}: {error.detail}") from error
        document = self._keep(table_name, created)
        self.counts[table_name] += 1
        stamps: dict[str, datetime] = {}
        if at is not None and table.created_at:
            stamps[table.created_at] = at
        last_change = updated or at
        if last_change is not None and table.updated_at:
            stamps[table.updated_at] = last_change
        if completed is not None and document.get("completedAt") is not None:
            stamps["completedAt"] = completed
        return await self.backdate(table_name, document, stamps) if stamps else document

    async def update(
        self, table_name: str, document: Document, changes: dict[str, Any]
    ) -> Document:
        """A PATCH of `document`, validated by the table's update model as the API would."""
        values = validated(table_name, changes, update_body)
        table = REGISTRY[table_name]
        try:
            updated = await crud.update(self.tx, table, self.caller, document["_id"], values)
        except AppError as error:
            raise DemoDataRejected(f"{table_name}: {error.detail}") from error
        return self._keep(table_name, updated)

    async def backdate(
        self, table_name: str, document: Document, stamps: dict[str, datetime]
    ) -> Document:
        """Move server stamps of a row written in this transaction back to `stamps`."""
        table = REGISTRY[table_name]
        allowed = {table.created_at, table.updated_at} | _DONE_AT
        unknown = set(stamps) - allowed
        if unknown:
            raise ValueError(f"{table_name}: {sorted(unknown)} are not server clocks")
        changes = {name: isoformat_z(min(moment, utcnow())) for name, moment in stamps.items()}
        # The change events recorded by crud carry the stamps of "now": amended, so sync clients
        # replaying the change log end up with the row as stored.
        stored = await crud.amend_new_row(self.tx, table, document["_id"], changes)
        return self._keep(table_name, stored)

    async def insert_server_row(
        self, table_name: str, body: dict[str, Any], *, private: Document | None = None
    ) -> Document:
        """A row of a table only the server writes (XP, badges, streaks), as its engine would;
        `private`: its columns that never leave the server (a sudoku's solution)."""
        values = validated(table_name, body)
        document = {"userId": self.caller.id, **values, **(private or {})}
        table = REGISTRY[table_name]
        for column in table.columns.values():
            if column.name not in document and callable(column.default):
                document[column.name] = column.default(self.caller)  # others: crud fills them
        stored = await crud.insert_server_row(self.tx, table, document)
        self.counts[table_name] += 1
        return self._keep(table_name, stored)

    def _keep(self, table_name: str, document: Document) -> Document:
        self.made[table_name][document["_id"]] = document
        return document


def validated(
    table_name: str,
    body: dict[str, Any],
    model_for: Callable[[str], type[WriteModel]] = create_body,
) -> dict[str, Any]:
    """`body` as the API would accept it: a JSON round trip, then the table's request model."""
    as_json = orjson.loads(orjson.dumps(body))
    try:
        model = model_for(table_name).model_validate(as_json)
    except ValidationError as error:
        raise DemoDataRejected(f"{table_name}: {error}") from error
    values: dict[str, Any] = model.model_dump(mode="json", exclude_unset=True)
    return values
