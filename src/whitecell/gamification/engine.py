"""The gamification engine: a consumer of the change log that keeps XP, levels, streaks and
badges in step with what people do (docs/gamification.md).

Each batch of the log is scored in one transaction that also advances the engine's offset
(`consumer_offsets`), so a batch counts exactly once and a crash loses nothing: the batch is
simply scored again. A row that cannot be scored is set aside rather than tried forever in front
of everybody else's (core/consumers.py). Scoring is by state, not by event: for every source row
an event names, the row as it is *now* decides what it is owed (rules.py), and the difference
from what it holds is written as one `xp_logs` row. Replaying old events therefore writes
nothing, and a deleted source gives its XP back. One process scores at a time (a row lock on
PostgreSQL; SQLite has one writer).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import orjson

from whitecell.core import consumers, crud
from whitecell.core.clock import day_bounds, day_start, isoformat_z, local_today, user_zone, utcnow
from whitecell.core.documents import codec
from whitecell.core.store import ChangeEvent, Store, Tx
from whitecell.core.tables import REGISTRY
from whitecell.gamification import badges, levels
from whitecell.gamification.rules import RULES_BY_TABLE, Rule, streak_multiplier
from whitecell.gamification.streaks import ONE_DAY, current_count, summarize
from whitecell.gamification.tables import STREAKS, XP_LOGS
from whitecell.users import service as users

CONSUMER = "gamification"
# Log rows per scoring transaction: small enough that the change-log lock it takes at commit
# (PostgreSQL) and the single writer (SQLite) are held briefly between API writes.
BATCH = 100
TASKS = "daily_tasks"
SCORED_TABLES = set(RULES_BY_TABLE) | {TASKS}
Document = dict[str, Any]


async def score_batch(store: Store, *, wait: bool = False) -> int:
    """Score the next batch of the change log; returns how many log rows it consumed (scored,
    or set aside as rows it cannot score: core/consumers.py)."""
    return await consumers.consume(store, CONSUMER, score_rows, limit=BATCH, wait=wait)


async def retry_set_aside(store: Store, *, seq: int | None = None) -> list[consumers.Retried]:
    """Score again the log rows set aside (all, or the one at `seq`); those that pass are
    removed from the dead letters."""
    return await consumers.retry(store, CONSUMER, score_rows, seq=seq)


async def set_aside(store: Store) -> list[consumers.DeadLetter]:
    """The log rows the engine could not score, oldest first."""
    async with store.read() as tx:
        return await consumers.dead_letters(tx, CONSUMER)


async def score_rows(tx: Tx, rows: Sequence[consumers.LogRow]) -> None:
    """Score these log rows in `tx`: a batch, a row on its own, or a row set aside."""
    scoring = Scoring(tx, utcnow())
    # By state, one look per source is enough: at its last change in the batch, which also
    # dates the award (when the person acted, not when the engine ran).
    last: dict[tuple[str, str], tuple[str, datetime]] = {}
    for _seq, table, _op, doc_id, user_id, previous, committed in rows:
        if table not in SCORED_TABLES or not user_id:
            continue
        if table == TASKS:
            scoring.task_changed(str(user_id), doc_id, _json(previous))
        last.pop((table, doc_id), None)
        last[(table, doc_id)] = (str(user_id), tx.store.read_timestamp(committed))
    await scoring.prefetch([(table, doc_id, user) for (table, doc_id), (user, _) in last.items()])
    for (table, doc_id), (user_id, at) in last.items():
        await scoring.source(table, doc_id, user_id, at)
    await scoring.finish()


def _chunks(values: Sequence[str], size: int = 400) -> list[Sequence[str]]:
    return [values[start : start + size] for start in range(0, len(values), size)]


def _marks(names: dict[str, str]) -> str:
    return ", ".join(f":{name}" for name in names)


async def _where_in(tx: Tx, table: str, column: str, values: Sequence[str]) -> list[Document]:
    """Rows of `table` whose `column` is one of `values`, as documents."""
    found: list[Document] = []
    for chunk in _chunks(values):
        names = {f"v{i}": value for i, value in enumerate(chunk)}
        found += await crud.select_documents(tx, table, f"{column} IN ({_marks(names)})", names)
    return found


def _json(value: Any) -> Document | None:
    if value is None or isinstance(value, dict):
        return value
    loaded = orjson.loads(value)
    return loaded if isinstance(loaded, dict) else None


class Scoring:
    """One batch: XP rows first, then streaks, then each person's totals, then badges."""

    def __init__(self, tx: Tx, now: datetime) -> None:
        self.tx, self.now = tx, now
        self.people: dict[str, Document | None] = {}
        # person -> (module, local day) with XP awarded
        self.active: dict[str, set[tuple[str, date]]] = defaultdict(set)
        # person -> (module, local day) of a recent award taken back in full: counted still?
        self.recheck: dict[str, set[tuple[str, date]]] = defaultdict(set)
        self.touched: dict[str, set[str]] = defaultdict(set)  # person -> tables changed
        self.awarded: set[str] = set()  # people whose XP moved
        # Tasks changed, and the dates they had before: each date's "all done" is checked again.
        self.task_ids: dict[str, set[str]] = defaultdict(set)
        self.task_dates: dict[str, set[str]] = defaultdict(set)
        self.streaks: dict[tuple[str, str, str | None], Document | None] = {}
        # Read once for the whole batch (prefetch): a query per kind, not per change.
        self.rows: dict[tuple[str, str], Document] = {}
        self.held: dict[tuple[str, str, str], tuple[int, int]] = {}  # (person, source, action)
        self.earned: dict[str, set[str]] = defaultdict(set)  # person -> badge types
        self.streaks_known: set[str] = set()  # people whose every streak row is in `streaks`

    async def prefetch(self, sources: list[tuple[str, str, str]]) -> None:
        """People, source rows, what each source holds, streaks and badges, for the batch."""
        user_ids = sorted({user_id for _table, _doc_id, user_id in sources})
        if not user_ids:
            return
        people = await _where_in(self.tx, "users", '"_id"', user_ids)
        self.people.update({user_id: None for user_id in user_ids})
        self.people.update({person["_id"]: person for person in people})
        by_table: dict[str, list[str]] = defaultdict(list)
        for table, doc_id, _user_id in sources:
            if table in RULES_BY_TABLE:
                by_table[table].append(doc_id)
        for table, ids in by_table.items():
            for row in await _where_in(self.tx, table, '"_id"', ids):
                self.rows[(table, row["_id"])] = row
        source_ids = sorted({doc_id for ids in by_table.values() for doc_id in ids})
        for chunk in _chunks(source_ids):
            names = {f"s{i}": doc_id for i, doc_id in enumerate(chunk)}
            users_in = {f"u{i}": user_id for i, user_id in enumerate(user_ids)}
            held = await self.tx.all(
                'SELECT "userId", "sourceId", action, sum("baseXP"), sum("xpAmount") '
                f'FROM xp_logs WHERE "userId" IN ({_marks(users_in)}) '
                f'AND "sourceId" IN ({_marks(names)}) GROUP BY "userId", "sourceId", action',
                {**names, **users_in},
            )
            for user_id, source_id, action, base, xp in held:
                self.held[(user_id, source_id, action)] = (int(base or 0), int(xp or 0))
        for streak in await _where_in(self.tx, "streaks", '"userId"', user_ids):
            self.streaks[(streak["userId"], streak["streakType"], streak.get("module"))] = streak
        self.streaks_known.update(user_ids)
        for chunk in _chunks(user_ids):
            names = {f"u{i}": user_id for i, user_id in enumerate(chunk)}
            for user_id, badge_type in await self.tx.all(
                f'SELECT "userId", "badgeType" FROM badges WHERE "userId" IN ({_marks(names)})',
                names,
            ):
                self.earned[user_id].add(badge_type)

    # -- people ------------------------------------------------------------------------------

    async def person(self, user_id: str) -> Document | None:
        if user_id not in self.people:
            self.people[user_id] = await users.user_by(self.tx, "_id", user_id)
        return self.people[user_id]

    def today(self, person: Document, at: datetime | None = None) -> date:
        return local_today(person.get("timezone"), at or self.now)

    # -- XP ----------------------------------------------------------------------------------

    async def source(self, table: str, doc_id: str, user_id: str, at: datetime) -> None:
        person = await self.person(user_id)
        if person is None:
            return  # the account is gone, and its rows with it
        self.touched[user_id].add(table)
        rules = RULES_BY_TABLE.get(table, [])
        if not rules:
            return
        document = self.rows.get((table, doc_id))
        for rule in rules:
            await self._settle(rule, person, doc_id, document, at)
        if table == "study_sessions" and document is not None:
            await self._session_xp(person, document)

    async def _settle(
        self, rule: Rule, person: Document, doc_id: str, document: Document | None, at: datetime
    ) -> None:
        # A row a rule cannot read raises: its log row is set aside (core/consumers.py), for an
        # operator to see and score again, and the log moves on.
        owed = rule.xp(document) if document is not None else 0
        if owed > 0 and rule.qualifies is not None and document is not None:
            owed = owed if await rule.qualifies(self.tx, document) else 0
        held_base, held_xp = self.held.get((person["_id"], doc_id, rule.action), (0, 0))
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
            self.active[person["_id"]].add((rule.module, self.today(person, at)))
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
        today and yesterday (the days a streak still turns on) are looked at again in finish().
        Older days stay counted, so deleting an old card never breaks a long streak."""
        zone, today = user_zone(person), self.today(person, at)
        awarded = await self.tx.all(
            'SELECT "date" FROM xp_logs WHERE "userId" = :me AND "sourceId" = :source '
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
            self.recheck[person["_id"]].add((rule.module, day))

    async def _still_counts(self, person: Document, day: date, module: str | None) -> bool:
        """Whether some source awarded on `day` (in `module`, or any) still holds its XP."""
        start, end = day_bounds(day, user_zone(person))
        in_module = "AND a.module = :module " if module else ""
        found = await self.tx.scalar(
            'SELECT 1 FROM xp_logs a WHERE a."userId" = :me AND a."xpAmount" > 0 '
            f'AND a."date" >= :start AND a."date" < :end {in_module}'
            'AND (SELECT sum(b."xpAmount") FROM xp_logs b WHERE b."userId" = a."userId" '
            'AND b."sourceId" = a."sourceId" AND b.action = a.action) > 0 LIMIT 1',
            {
                "me": person["_id"],
                "module": module,
                "start": self.tx.store.bind_timestamp(start),
                "end": self.tx.store.bind_timestamp(end),
            },
        )
        return found is not None

    async def _last_description(self, person: Document, rule: Rule, doc_id: str) -> str:
        """What the last award of a source (now deleted) said it was for."""
        described = await self.tx.scalar(
            'SELECT description FROM xp_logs WHERE "userId" = :me AND "sourceId" = :source '
            'AND action = :action AND "xpAmount" > 0 ORDER BY "date" DESC, "_id" DESC LIMIT 1',
            {"me": person["_id"], "source": doc_id, "action": rule.action},
        )
        return str(described or rule.action)

    async def _within_cap(self, rule: Rule, person: Document, wanted: int, at: datetime) -> int:
        if rule.daily_cap is None:
            return wanted
        start, end = day_bounds(self.today(person, at), user_zone(person))
        used = await self.tx.scalar(
            'SELECT coalesce(sum("baseXP"), 0) FROM xp_logs WHERE "userId" = :me '
            'AND action = :action AND "date" >= :start AND "date" < :end',
            {
                "me": person["_id"],
                "action": rule.action,
                "start": self.tx.store.bind_timestamp(start),
                "end": self.tx.store.bind_timestamp(end),
            },
        )
        return max(0, min(wanted, rule.daily_cap - int(used or 0)))

    async def _multiplier(self, person: Document, at: datetime) -> float:
        daily = await self._load_streak(person["_id"], "daily_activity", None)
        days = {date.fromisoformat(d) for d in (daily or {}).get("completedDates") or []}
        days |= {day for _module, day in self.active[person["_id"]]}
        day = self.today(person, at)
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
        self.awarded.add(person["_id"])
        base_now, xp_now = self.held.get((person["_id"], doc_id, rule.action), (0, 0))
        self.held[(person["_id"], doc_id, rule.action)] = (base_now + base, xp_now + xp)

    async def _session_xp(self, person: Document, session: Document) -> None:
        """`xpEarned`: the study XP of the session's window (its own minutes included)."""
        earned = await self.tx.scalar(
            'SELECT coalesce(sum("xpAmount"), 0) FROM xp_logs WHERE "userId" = :me '
            'AND "sourceId" = :id',
            {"me": person["_id"], "id": session["_id"]},
        )
        if session.get("startedAt") and session.get("endedAt"):
            earned = int(earned or 0) + int(
                await self.tx.scalar(
                    'SELECT coalesce(sum("xpAmount"), 0) FROM xp_logs WHERE "userId" = :me '
                    'AND module = :study AND "sourceId" <> :id '
                    'AND "date" >= :began AND "date" <= :ended',
                    {
                        "me": person["_id"],
                        "study": "study",
                        "id": session["_id"],
                        "began": self.tx.store.bind_timestamp(
                            datetime.fromisoformat(session["startedAt"])
                        ),
                        "ended": self.tx.store.bind_timestamp(
                            datetime.fromisoformat(session["endedAt"])
                        ),
                    },
                )
                or 0
            )
        if int(earned or 0) != int(session.get("xpEarned") or 0):
            await crud.update_server_row(
                self.tx, REGISTRY["study_sessions"], session, {"xpEarned": int(earned or 0)}
            )

    # -- streaks -----------------------------------------------------------------------------

    def task_changed(self, user_id: str, doc_id: str, previous: Document | None) -> None:
        self.task_ids[user_id].add(doc_id)  # its date now is read in finish()
        if previous and previous.get("date"):
            self.task_dates[user_id].add(str(previous["date"]))

    async def _load_streak(self, user_id: str, kind: str, module: str | None) -> Document | None:
        key = (user_id, kind, module)
        if key not in self.streaks and user_id in self.streaks_known:
            return None  # prefetched: this person has no such streak
        if key not in self.streaks:
            condition = '"module" = :module' if module else '"module" IS NULL'
            found = await crud.select_documents(
                self.tx,
                "streaks",
                f'"userId" = :me AND "streakType" = :kind AND {condition}',
                {"me": user_id, "kind": kind, "module": module},
            )
            self.streaks[key] = found[0] if found else None
        return self.streaks[key]

    async def _set_streak_days(
        self, person: Document, kind: str, module: str | None, add: set[date], remove: set[date]
    ) -> None:
        current = await self._load_streak(person["_id"], kind, module)
        days = {date.fromisoformat(d) for d in (current or {}).get("completedDates") or []}
        changed = (days | add) - remove
        if changed == days and current is not None:
            return
        state = summarize(changed, self.today(person))
        if state is None:
            if current is not None:
                await self.tx.execute(
                    'DELETE FROM streaks WHERE "_id" = :id', {"id": current["_id"]}
                )
                self.tx.record(
                    ChangeEvent(
                        "streaks", "delete", current["_id"], person["_id"], None, previous=current
                    )
                )
                self.streaks[(person["_id"], kind, module)] = None
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
        self.streaks[(person["_id"], kind, module)] = stored

    async def _days_gone(
        self, person: Document, marks: set[tuple[str, date]], days: set[date]
    ) -> tuple[set[tuple[str, date]], set[date]]:
        """The rechecked (module, day) pairs and days with nothing left in them."""
        candidates = self.recheck.get(person["_id"], set()) - marks
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

    async def _task_dates(self, user_id: str) -> set[str]:
        dates = set(self.task_dates[user_id])
        for doc_id in self.task_ids[user_id]:
            value = await self.tx.scalar(
                'SELECT "date" FROM daily_tasks WHERE "_id" = :id', {"id": doc_id}
            )
            if value is not None:
                dates.add(value.isoformat() if isinstance(value, date) else str(value))
        return dates

    async def _task_streak(self, person: Document) -> None:
        done: set[date] = set()
        undone: set[date] = set()
        c = codec(TASKS, self.tx.dialect.name)
        for day_text in await self._task_dates(person["_id"]):
            day = date.fromisoformat(day_text)
            row = await self.tx.one(
                "SELECT count(*), coalesce(sum(CASE WHEN completed THEN 1 ELSE 0 END), 0) "
                'FROM daily_tasks WHERE "userId" = :me AND "date" = :day',
                {"me": person["_id"], "day": c.bind("date", day_text)},
            )
            total, completed = (int(row[0]), int(row[1])) if row else (0, 0)
            (done if total and completed == total else undone).add(day)
        await self._set_streak_days(person, "task", "discipline", done, undone)

    # -- the end of a batch --------------------------------------------------------------------

    async def finish(self) -> None:
        for user_id in sorted(set(self.active) | set(self.recheck)):
            person = self.people[user_id]
            assert person is not None
            marks = self.active.get(user_id, set())
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
        for user_id in self.task_ids:
            person = await self.person(user_id)
            if person is not None:
                await self._task_streak(person)
        to_total = sorted(self.awarded | set(self.active))
        totals: dict[str, int] = {}
        for chunk in _chunks(to_total):
            names = {f"u{i}": user_id for i, user_id in enumerate(chunk)}
            for user_id, total in await self.tx.all(
                'SELECT "userId", coalesce(sum("xpAmount"), 0) FROM xp_logs '
                f'WHERE "userId" IN ({_marks(names)}) GROUP BY "userId"',
                names,
            ):
                totals[user_id] = int(total or 0)
        for user_id in to_total:
            await self._totals(user_id, totals.get(user_id, 0))
        for user_id, tables in self.touched.items():
            person = self.people.get(user_id)
            if person is None:
                continue
            daily = self.streaks.get((user_id, "daily_activity", None))
            known = {  # what this batch already holds: no need to ask the database again
                "level": float(person.get("currentLevel") or 1),
                "total_xp": float(person.get("totalXP") or 0),
            }
            if (user_id, "daily_activity", None) in self.streaks:
                known["longest_streak"] = float((daily or {}).get("longestCount") or 0)
            awarded = user_id in self.awarded
            earned = self.earned[user_id] if user_id in self.streaks_known else None
            await badges.award_badges(self.tx, user_id, tables, awarded, self.now, known, earned)

    async def _totals(self, user_id: str, total: int) -> None:
        """`totalXP` and `currentLevel` from the XP log's sum (`total`); the streak fields from
        daily_activity."""
        person = self.people[user_id]
        assert person is not None
        daily = self.streaks.get((user_id, "daily_activity", None))
        wanted = profile_totals(total, daily, self.today(person))
        if any(person.get(name) != value for name, value in wanted.items()):
            self.people[user_id] = await users.set_fields(self.tx, user_id, wanted)


def profile_totals(total_xp: int, daily: Document | None, today: date) -> dict[str, int]:
    """What a profile's XP, level and streak fields must say, given its XP log's sum and its
    `daily_activity` streak (the engine writes them; `gamification check` verifies them)."""
    total = max(0, total_xp)
    return {
        "totalXP": total,
        "currentLevel": levels.level_for(total),
        "currentStreak": current_count(daily, today) if daily else 0,
        "longestStreak": int((daily or {}).get("longestCount") or 0),
    }
