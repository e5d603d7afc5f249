"""What one scoring transaction reads once and learns as it goes (engine.py): the people, the
source rows, what each source holds in `xp_logs`, the streak rows and the badges earned, and
what the batch changed (days with XP, days to look at again, people whose XP moved).

Prefetched a query per kind for the whole batch, not a query per change. Source tables are
named by the rule table (rules.py), never here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from whitecell.core import crud
from whitecell.core.clock import local_today
from whitecell.core.transactions import Tx
from whitecell.gamification.rules import RULES_BY_TABLE
from whitecell.gamification.tables import BADGES, STREAKS, XP_LOGS
from whitecell.users import service as users
from whitecell.users.tables import USERS

Document = dict[str, Any]
StreakKey = tuple[str, str, str | None]  # (person, streakType, module)


def chunks(values: Sequence[str], size: int = 400) -> list[Sequence[str]]:
    """`values` in slices short enough for one `IN (...)`."""
    return [values[start : start + size] for start in range(0, len(values), size)]


def marks(names: dict[str, str]) -> str:
    """The bind marks of `names`, for an `IN (...)`."""
    return ", ".join(f":{name}" for name in names)


async def for_people(tx: Tx, query: str, user_ids: Sequence[str]) -> list[Any]:
    """The rows of `query` for these people, read a slice at a time: `query` holds
    `{people}` where their bind marks go (`"userId" IN ({people})`)."""
    found: list[Any] = []
    for chunk in chunks(user_ids):
        names = {f"u{i}": user_id for i, user_id in enumerate(chunk)}
        found += await tx.all(query.format(people=marks(names)), names)
    return found


async def where_in(tx: Tx, table: str, column: str, values: Sequence[str]) -> list[Document]:
    """Rows of `table` whose `column` is one of `values`, as documents."""
    found: list[Document] = []
    for chunk in chunks(values):
        names = {f"v{i}": value for i, value in enumerate(chunk)}
        found += await crud.select_documents(tx, table, f"{column} IN ({marks(names)})", names)
    return found


class Batch:
    """The state of one scoring transaction, shared by the XP (scoring.py), the streaks
    (streak_keeping.py) and the totals (totals.py)."""

    def __init__(self, tx: Tx, now: datetime) -> None:
        self.tx, self.now = tx, now
        self.people: dict[str, Document | None] = {}
        # Read once for the whole batch (prefetch): a query per kind, not per change.
        self.rows: dict[tuple[str, str], Document] = {}  # (table, _id) -> the source as it is
        self.held: dict[tuple[str, str, str], tuple[int, int]] = {}  # (person, source, action)
        self.streaks: dict[StreakKey, Document | None] = {}
        self.streaks_known: set[str] = set()  # people whose every streak row is in `streaks`
        self.earned: dict[str, set[str]] = defaultdict(set)  # person -> badge types
        # person -> (module, local day) with XP awarded
        self.active: dict[str, set[tuple[str, date]]] = defaultdict(set)
        # person -> (module, local day) of a recent award taken back in full: counted still?
        self.recheck: dict[str, set[tuple[str, date]]] = defaultdict(set)
        self.touched: dict[str, set[str]] = defaultdict(set)  # person -> tables changed
        self.awarded: set[str] = set()  # people whose XP moved
        # (person, action, start of their day) -> base XP logged that day: each daily cap
        # read once a batch, then counted here as the batch logs more (scoring.py).
        self.used_today: dict[tuple[str, str, datetime], int] = {}

    async def prefetch(self, sources: list[tuple[str, str, str]]) -> None:
        """People, source rows, what each source holds, streaks and badges, for the batch."""
        user_ids = sorted({user_id for _table, _doc_id, user_id in sources})
        if not user_ids:
            return
        people = await where_in(self.tx, USERS.name, '"_id"', user_ids)
        self.people.update({user_id: None for user_id in user_ids})
        self.people.update({person["_id"]: person for person in people})
        by_table: dict[str, list[str]] = defaultdict(list)
        for table, doc_id, _user_id in sources:
            if table in RULES_BY_TABLE:
                by_table[table].append(doc_id)
        for table, ids in by_table.items():
            for row in await where_in(self.tx, table, '"_id"', ids):
                self.rows[(table, row["_id"])] = row
        source_ids = sorted({doc_id for ids in by_table.values() for doc_id in ids})
        for chunk in chunks(source_ids):
            names = {f"s{i}": doc_id for i, doc_id in enumerate(chunk)}
            users_in = {f"u{i}": user_id for i, user_id in enumerate(user_ids)}
            held = await self.tx.all(
                'SELECT "userId", "sourceId", action, sum("baseXP"), sum("xpAmount") '
                f'FROM {XP_LOGS.name} WHERE "userId" IN ({marks(users_in)}) '
                f'AND "sourceId" IN ({marks(names)}) GROUP BY "userId", "sourceId", action',
                {**names, **users_in},
            )
            for user_id, source_id, action, base, xp in held:
                self.held[(user_id, source_id, action)] = (int(base or 0), int(xp or 0))
        for streak in await where_in(self.tx, STREAKS.name, '"userId"', user_ids):
            self.streaks[(streak["userId"], streak["streakType"], streak.get("module"))] = streak
        self.streaks_known.update(user_ids)
        for user_id, badge_type in await for_people(
            self.tx,
            f'SELECT "userId", "badgeType" FROM {BADGES.name} WHERE "userId" IN ({{people}})',
            user_ids,
        ):
            self.earned[user_id].add(badge_type)

    async def person(self, user_id: str) -> Document | None:
        """The person's `users` row (None once the account is gone)."""
        if user_id not in self.people:
            self.people[user_id] = await users.user_by(self.tx, "_id", user_id)
        return self.people[user_id]

    def today(self, person: Document, at: datetime | None = None) -> date:
        """The person's day at `at` (default: the batch's now), in their time zone."""
        return local_today(person.get("timezone"), at or self.now)

    async def streak(self, user_id: str, kind: str, module: str | None) -> Document | None:
        """The person's streak row of `kind` (and `module`), None when there is none."""
        key = (user_id, kind, module)
        if key not in self.streaks and user_id in self.streaks_known:
            return None  # prefetched: this person has no such streak
        if key not in self.streaks:
            condition = '"module" = :module' if module else '"module" IS NULL'
            found = await crud.select_documents(
                self.tx,
                STREAKS.name,
                f'"userId" = :me AND "streakType" = :kind AND {condition}',
                {"me": user_id, "kind": kind, "module": module},
            )
            self.streaks[key] = found[0] if found else None
        return self.streaks[key]
