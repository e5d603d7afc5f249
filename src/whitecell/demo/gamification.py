"""The demo's XP, streaks, badges and level, scored by the engine's own rules, back in time.

The engine scores what happens *now*; the demo's four weeks happened before it ran. So this step
walks the demo's rows in the order they pretend to have happened and grants what the engine's
rule table says each is owed (gamification/rules.py), at that moment, with the streak multiplier
of that day. Each source then holds exactly what it is owed, so when the engine later reads the
demo's change events it finds nothing to add. Caps are not applied: the demo's days stay under
them, except the personal records a progressing program sets (several a session), which are paid
in full so that the engine finds nothing left to pay. Badges and totals come from the engine's
own functions.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from whitecell.core import consumers, crud
from whitecell.core.clock import utcnow
from whitecell.demo.writer import Document, Timeline, Writer
from whitecell.gamification import levels
from whitecell.gamification.badges import award_badges
from whitecell.gamification.engine import CONSUMER
from whitecell.gamification.rules import RULES, RULES_BY_TABLE, Rule, streak_multiplier
from whitecell.gamification.streaks import summarize
from whitecell.gamification.tables import BADGES, STREAKS, XP_LOGS
from whitecell.users import service as users

Made = dict[str, dict[str, Document]]


@dataclass(frozen=True)
class Grant:
    at: datetime
    rule: Rule
    source: Document
    base: int


async def build(w: Writer, t: Timeline, made: Made) -> None:
    await _take_back_live_scoring(w)
    grants = sorted(await _grants(w, t, made), key=lambda g: (g.at, g.rule.action))
    days: dict[str | None, set[date]] = defaultdict(set)  # module (None: any) -> active days
    total = 0
    for grant in grants:
        day = grant.at.astimezone(t.zone).date()
        state = summarize(days[None] | {day}, day)
        multiplier = streak_multiplier(state.current if state else 1)
        xp = round(grant.base * multiplier)
        await w.insert_server_row(
            "xp_logs",
            {
                "action": grant.rule.action,
                "xpAmount": xp,
                "baseXP": grant.base,
                "module": grant.rule.module,
                "sourceId": grant.source["_id"],
                "multiplier": multiplier,
                "description": grant.rule.describe(grant.source)[:500],
                "date": grant.at,
            },
        )
        total += xp
        days[None].add(day)
        days[grant.rule.module].add(day)
    daily = await _streak(w, t, "daily_activity", None, days[None])
    for module in sorted(m for m in days if m):
        await _streak(w, t, "module_specific", module, days[module])
    for rule in RULES:
        if rule.streak is not None:
            await _streak(w, t, rule.streak.kind, rule.module, _days_all_done(rule, made))
    await users.set_fields(
        w.tx,
        w.caller.id or "",
        {
            "totalXP": total,
            "currentLevel": levels.level_for(total),
            "currentStreak": (daily or {}).get("currentCount", 0),
            "longestStreak": (daily or {}).get("longestCount", 0),
        },
    )
    await award_badges(w.tx, w.caller.id or "", set(made), True, utcnow())


async def _take_back_live_scoring(w: Writer) -> None:
    """A server running beside `whitecell demo` may already have scored the module rows the
    demo committed before this step, as of now. Hold its engine off until this transaction
    commits (its offset row on PostgreSQL; SQLite has one writer) and take back what it wrote
    for the new account, so the account holds what its past earned, once; the engine then
    finds every source paid."""
    await consumers.claim_offset(w.tx, CONSUMER, wait=True)
    for table in (XP_LOGS, STREAKS, BADGES):
        await crud.delete_server_rows(w.tx, table, '"userId" = :me', {"me": w.caller.id})


async def _grants(w: Writer, t: Timeline, made: Made) -> list[Grant]:
    out: list[Grant] = []
    for table, rules in RULES_BY_TABLE.items():
        for document in made.get(table, {}).values():
            for rule in rules:
                owed = rule.xp(document)
                if owed <= 0 or (rule.qualifies and not await rule.qualifies(w.tx, document)):
                    continue
                if table == "flashcards":  # one grant per review, on the day of the review
                    out += _review_grants(rule, document)
                elif table == "habit_stacks":  # one grant per completed day, that evening
                    out += _habit_grants(t, rule, document)
                else:
                    out.append(Grant(_moment(t, document), rule, document, owed))
    return out


def _review_grants(rule: Rule, card: Document) -> list[Grant]:
    created = datetime.fromisoformat(card["createdAt"])
    return [
        Grant(at, rule, card, 3 if review["quality"] >= 4 else 2)
        for review in card.get("reviewHistory") or []
        if (at := datetime.fromisoformat(review["date"])) >= created
    ]


def _habit_grants(t: Timeline, rule: Rule, stack: Document) -> list[Grant]:
    return [
        Grant(t.at(date.fromisoformat(day), 21), rule, stack, rule.xp({"completedDates": [day]}))
        for day in stack["completedDates"]
    ]


def _moment(t: Timeline, document: Document) -> datetime:
    """When the row says it happened: a completion, a creation, or the evening of its day."""
    for name in ("completedAt", "lastReadAt", "createdAt", "uploadedAt"):
        if document.get(name):
            return datetime.fromisoformat(document[name])
    value: Any = document.get("date")
    if isinstance(value, str) and "T" in value:
        return datetime.fromisoformat(value)
    if value:
        return t.at(date.fromisoformat(str(value)), 20, 30)
    return t.now


async def _streak(
    w: Writer, t: Timeline, kind: str, module: str | None, days: set[date]
) -> Document | None:
    state = summarize(days, t.today)
    if state is None:
        return None
    body: dict[str, Any] = {"streakType": kind, **state.as_fields()}
    if module:
        body["module"] = module
    return await w.insert_server_row("streaks", body)


def _days_all_done(rule: Rule, made: Made) -> set[date]:
    """Days whose every row of the rule's table is done (its `DayStreak`: the `task` streak)."""
    assert rule.streak is not None
    by_day: dict[str, list[bool]] = defaultdict(list)
    for row in made.get(rule.table, {}).values():
        by_day[str(row[rule.streak.day])].append(bool(row[rule.streak.done]))
    return {date.fromisoformat(day) for day, done in by_day.items() if all(done)}
