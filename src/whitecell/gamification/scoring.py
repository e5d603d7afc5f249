"""XP by state (docs/gamification.md): each source's `xp_logs` kept equal to what its rules say
it is owed now (rules.py), within the daily caps and with the streak multiplier of the day it
was earned; and a rule's `window` field kept equal to the XP dated inside the row's time.

The table of a source comes from the rule table; this file names none but `xp_logs`.
"""

from __future__ import annotations

from datetime import date, datetime

from whitecell.core import crud
from whitecell.core.clock import day_bounds, day_start, isoformat_z, user_zone
from whitecell.core.tables import REGISTRY
from whitecell.gamification.batch import Batch, Document
from whitecell.gamification.rules import RULES_BY_TABLE, Rule, streak_multiplier
from whitecell.gamification.streaks import ONE_DAY, summarize
from whitecell.gamification.tables import XP_LOGS

XP = XP_LOGS.name


class Scoring:
    """The XP half of a batch: a source at a time, then its rules' windows."""

    def __init__(self, batch: Batch) -> None:
        self.batch, self.tx = batch, batch.tx

    async def source(self, table: str, doc_id: str, user_id: str, at: datetime) -> None:
        """Settle what the source `table`/`doc_id` of `user_id` holds, as of `at` (when the
        person last changed it)."""
        person = await self.batch.person(user_id)
        if person is None:
            return  # the account is gone, and its rows with it
        self.batch.touched[user_id].add(table)
        rules = RULES_BY_TABLE.get(table, [])
        document = self.batch.rows.get((table, doc_id))
        for rule in rules:
            await self._settle(rule, person, doc_id, document, at)
        if document is not None:
            for rule in rules:
                if rule.window is not None:
                    await self._window(person, rule, document)

    async def _settle(
        self, rule: Rule, person: Document, doc_id: str, document: Document | None, at: datetime
    ) -> None:
        # A row a rule cannot read raises: its log row is set aside (core/consumers.py), for an
        # operator to see and score again, and the log moves on.
        owed = rule.xp(document) if document is not None else 0
        if owed > 0 and rule.qualifies is not None and document is not None:
            owed = owed if await rule.qualifies(self.tx, document) else 0
        held_base, held_xp = self.batch.held.get((person["_id"], doc_id, rule.action), (0, 0))
        if owed > held_base:
            grant = await self._within_cap(rule, person, owed - held_base, at)
            if grant <= 0:
                return
            assert document is not None
            multiplier = await self._multiplier(person, at)
            await self._log(
                person,
                rule,
                doc_id,
                round(grant * multiplier),
                grant,
                multiplier,
                rule.describe(document),
                at,
            )
            self.batch.active[person["_id"]].add((rule.module, self.batch.today(person, at)))
        elif owed < held_base and (document is None or not rule.monotonic):
            taken = held_base - owed
            xp_back = round(held_xp * taken / held_base) if held_base else held_xp
            why = (
                rule.describe(document)
                if document is not None
                else await self._last_description(person, rule, doc_id)
            )
            await self._log(person, rule, doc_id, -xp_back, -taken, 1.0, f"Taken back: {why}", at)
            if owed == 0:
                await self._recheck_award_days(person, rule, doc_id, at)

    async def _recheck_award_days(
        self, person: Document, rule: Rule, doc_id: str, at: datetime
    ) -> None:
        """A source taken back in full may leave its streak days with nothing in them: those of
        today and yesterday (the days a streak still turns on) are looked at again at the end
        of the batch (streak_keeping.py). Older days stay counted, so deleting an old card never
        breaks a long streak."""
        zone, today = user_zone(person), self.batch.today(person, at)
        awarded = await self.tx.all(
            f'SELECT "date" FROM {XP} WHERE "userId" = :me AND "sourceId" = :source '
            'AND action = :action AND "xpAmount" > 0 AND "date" >= :since',
            {
                "me": person["_id"],
                "source": doc_id,
                "action": rule.action,
                "since": self.tx.store.bind_timestamp(day_start(today - ONE_DAY, zone)),
            },
        )
        for (moment,) in awarded:
            day = self.tx.store.read_timestamp(moment).astimezone(zone).date()
            self.batch.recheck[person["_id"]].add((rule.module, day))

    async def _last_description(self, person: Document, rule: Rule, doc_id: str) -> str:
        """What the last award of a source (now deleted) said it was for."""
        described = await self.tx.scalar(
            f'SELECT description FROM {XP} WHERE "userId" = :me AND "sourceId" = :source '
            'AND action = :action AND "xpAmount" > 0 ORDER BY "date" DESC, "_id" DESC LIMIT 1',
            {"me": person["_id"], "source": doc_id, "action": rule.action},
        )
        return str(described or rule.action)

    async def _within_cap(self, rule: Rule, person: Document, wanted: int, at: datetime) -> int:
        if rule.daily_cap is None:
            return wanted
        start, end = day_bounds(self.batch.today(person, at), user_zone(person))
        key = (person["_id"], rule.action, start)
        if key not in self.batch.used_today:
            used = await self.tx.scalar(
                f'SELECT coalesce(sum("baseXP"), 0) FROM {XP} WHERE "userId" = :me '
                'AND action = :action AND "date" >= :start AND "date" < :end',
                {
                    "me": person["_id"],
                    "action": rule.action,
                    "start": self.tx.store.bind_timestamp(start),
                    "end": self.tx.store.bind_timestamp(end),
                },
            )
            self.batch.used_today[key] = int(used or 0)
        return max(0, min(wanted, rule.daily_cap - self.batch.used_today[key]))

    async def _multiplier(self, person: Document, at: datetime) -> float:
        daily = await self.batch.streak(person["_id"], "daily_activity", None)
        days = {date.fromisoformat(d) for d in (daily or {}).get("completedDates") or []}
        days |= {day for _module, day in self.batch.active[person["_id"]]}
        day = self.batch.today(person, at)
        state = summarize({d for d in days if d <= day} | {day}, day)
        return streak_multiplier(state.current if state else 1)

    async def _log(
        self,
        person: Document,
        rule: Rule,
        doc_id: str,
        xp: int,
        base: int,
        multiplier: float,
        description: str,
        at: datetime,
    ) -> None:
        await crud.insert_server_row(
            self.tx,
            XP_LOGS,
            {
                "userId": person["_id"],
                "action": rule.action,
                "module": rule.module,
                "xpAmount": xp,
                "baseXP": base,
                "multiplier": multiplier,
                "sourceId": doc_id,
                "description": description[:500],
                "date": isoformat_z(at),
            },
        )
        self.batch.awarded.add(person["_id"])
        if rule.daily_cap is not None:
            start, _ = day_bounds(self.batch.today(person, at), user_zone(person))
            day = (person["_id"], rule.action, start)
            if day in self.batch.used_today:  # the day's cap, as its query would now read it
                self.batch.used_today[day] += base
        key = (person["_id"], doc_id, rule.action)
        base_now, xp_now = self.batch.held.get(key, (0, 0))
        self.batch.held[key] = (base_now + base, xp_now + xp)

    async def _window(self, person: Document, rule: Rule, document: Document) -> None:
        """The rule's `window.total` field: the XP the row holds itself plus its module's XP
        dated inside the row's window (its `start` to its `end`)."""
        assert rule.window is not None
        start, end = document.get(rule.window.start), document.get(rule.window.end)
        earned = int(
            await self.tx.scalar(
                f'SELECT coalesce(sum("xpAmount"), 0) FROM {XP} WHERE "userId" = :me '
                'AND "sourceId" = :id',
                {"me": person["_id"], "id": document["_id"]},
            )
            or 0
        )
        if start and end:
            earned += int(
                await self.tx.scalar(
                    f'SELECT coalesce(sum("xpAmount"), 0) FROM {XP} WHERE "userId" = :me '
                    'AND module = :module AND "sourceId" <> :id '
                    'AND "date" >= :began AND "date" <= :ended',
                    {
                        "me": person["_id"],
                        "module": rule.module,
                        "id": document["_id"],
                        "began": self.tx.store.bind_timestamp(datetime.fromisoformat(start)),
                        "ended": self.tx.store.bind_timestamp(datetime.fromisoformat(end)),
                    },
                )
                or 0
            )
        if earned != int(document.get(rule.window.total) or 0):
            await crud.update_server_row(
                self.tx, REGISTRY[rule.table], document, {rule.window.total: earned}
            )
