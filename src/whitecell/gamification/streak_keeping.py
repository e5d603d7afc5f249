"""Streak rows kept in step with a batch (docs/gamification.md, Streaks): `daily_activity` and
`module_specific` from the days the batch awarded XP (or took the last of a day's XP back), and
each rule's `DayStreak` (rules.py) from the days whose every row is done.

The counting is streaks.py; the table and columns of a day streak come from its declaration.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import orjson

from whitecell.core import crud
from whitecell.core.clock import day_bounds, user_zone
from whitecell.core.documents import codec
from whitecell.gamification.batch import Batch, Document
from whitecell.gamification.rules import RULES_BY_TABLE, DayStreak, Rule
from whitecell.gamification.streaks import summarize
from whitecell.gamification.tables import STREAKS, XP_LOGS


@dataclass
class _DaysChanged:
    """The rows of a day streak a batch changed: their day now is read at the end, and the day
    each had before is looked at again too (a row moved to another day leaves the old one)."""

    ids: set[str] = field(default_factory=set)
    days: set[str] = field(default_factory=set)


def _json(value: Any) -> Document | None:
    if value is None or isinstance(value, dict):
        return value
    loaded = orjson.loads(value)
    return loaded if isinstance(loaded, dict) else None


class StreakKeeping:
    """The streak half of a batch: told of every change as it is read, written at the end."""

    def __init__(self, batch: Batch) -> None:
        self.batch, self.tx = batch, batch.tx
        # person -> rule declaring a day streak -> what the batch changed of its rows
        self.day_changes: dict[str, dict[Rule, _DaysChanged]] = defaultdict(dict)

    def row_changed(self, table: str, user_id: str, doc_id: str, previous: Any) -> None:
        """A log row of `table` (its `previous` document as logged): noted for day streaks."""
        for rule in RULES_BY_TABLE.get(table, []):
            if rule.streak is None:
                continue
            changed = self.day_changes[user_id].setdefault(rule, _DaysChanged())
            changed.ids.add(doc_id)
            before = _json(previous)
            if before and before.get(rule.streak.day):
                changed.days.add(str(before[rule.streak.day]))

    async def finish(self) -> None:
        """Write every streak the batch moved."""
        batch = self.batch
        for user_id in sorted(set(batch.active) | set(batch.recheck)):
            person = batch.people[user_id]
            assert person is not None
            marks = batch.active.get(user_id, set())
            days = {day for _module, day in marks}
            module_gone, daily_gone = await self._days_gone(person, marks, days)
            await self._set_streak_days(person, "daily_activity", None, days, daily_gone)
            for module in sorted({module for module, _day in marks | module_gone}):
                await self._set_streak_days(
                    person,
                    "module_specific",
                    module,
                    {day for m, day in marks if m == module},
                    {day for m, day in module_gone if m == module},
                )
        for user_id, by_rule in self.day_changes.items():
            person = await batch.person(user_id)
            if person is None:
                continue
            for rule, changed in by_rule.items():
                assert rule.streak is not None
                await self._day_streak(person, rule, rule.streak, changed)

    async def _days_gone(
        self, person: Document, marks: set[tuple[str, date]], days: set[date]
    ) -> tuple[set[tuple[str, date]], set[date]]:
        """The rechecked (module, day) pairs and days with nothing left in them."""
        candidates = self.batch.recheck.get(person["_id"], set()) - marks
        module_gone = {
            (module, day)
            for module, day in candidates
            if not await self._still_counts(person, day, module)
        }
        daily_gone = {
            day
            for day in {day for _module, day in candidates} - days
            if not await self._still_counts(person, day, None)
        }
        return module_gone, daily_gone

    async def _still_counts(self, person: Document, day: date, module: str | None) -> bool:
        """Whether some source awarded on `day` (in `module`, or any) still holds its XP."""
        start, end = day_bounds(day, user_zone(person))
        in_module = "AND a.module = :module " if module else ""
        found = await self.tx.scalar(
            f'SELECT 1 FROM {XP_LOGS.name} a WHERE a."userId" = :me AND a."xpAmount" > 0 '
            f'AND a."date" >= :start AND a."date" < :end {in_module}'
            f'AND (SELECT sum(b."xpAmount") FROM {XP_LOGS.name} b WHERE b."userId" = a."userId" '
            'AND b."sourceId" = a."sourceId" AND b.action = a.action) > 0 LIMIT 1',
            {
                "me": person["_id"],
                "module": module,
                "start": self.tx.store.bind_timestamp(start),
                "end": self.tx.store.bind_timestamp(end),
            },
        )
        return found is not None

    async def _day_streak(
        self, person: Document, rule: Rule, streak: DayStreak, changed: _DaysChanged
    ) -> None:
        """Each day the batch touched counts when it has rows of `rule.table` and all are done."""
        day_texts = set(changed.days)
        for doc_id in changed.ids:  # the rows as they are now (None: deleted)
            row = self.batch.rows.get((rule.table, doc_id))
            if row is not None and row.get(streak.day) is not None:
                day_texts.add(str(row[streak.day]))
        done: set[date] = set()
        undone: set[date] = set()
        c = codec(rule.table, self.tx.dialect.name)
        for day_text in day_texts:
            row_counts = await self.tx.one(
                f'SELECT count(*), coalesce(sum(CASE WHEN "{streak.done}" THEN 1 ELSE 0 END), 0) '
                f'FROM "{rule.table}" WHERE "userId" = :me AND "{streak.day}" = :day',
                {"me": person["_id"], "day": c.bind(streak.day, day_text)},
            )
            total, completed = (int(row_counts[0]), int(row_counts[1])) if row_counts else (0, 0)
            (done if total and completed == total else undone).add(date.fromisoformat(day_text))
        await self._set_streak_days(person, streak.kind, rule.module, done, undone)

    async def _set_streak_days(
        self, person: Document, kind: str, module: str | None, add: set[date], remove: set[date]
    ) -> None:
        current = await self.batch.streak(person["_id"], kind, module)
        days = {date.fromisoformat(d) for d in (current or {}).get("completedDates") or []}
        changed = (days | add) - remove
        if changed == days and current is not None:
            return
        key = (person["_id"], kind, module)
        state = summarize(changed, self.batch.today(person))
        if state is None:
            if current is not None:
                await crud.delete_server_rows(
                    self.tx, STREAKS, '"_id" = :id', {"id": current["_id"]}
                )
                self.batch.streaks[key] = None
            return
        fields = state.as_fields()
        if current is None:
            stored = await crud.insert_server_row(
                self.tx,
                STREAKS,
                {"userId": person["_id"], "streakType": kind, "module": module, **fields},
            )
        else:
            stored = await crud.update_server_row(self.tx, STREAKS, current, fields)
        self.batch.streaks[key] = stored
