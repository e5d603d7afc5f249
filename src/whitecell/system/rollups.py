"""What the analytics aggregates are answered from (docs/operations.md, "Analytics"): counts of
events per day, event and module (`analytics_daily`), and who was active on which day
(`analytics_active`). Both are kept in the transaction that stores the events, so a summary
reads a few thousand small rows however many million events came in, and they outlive the raw
events, which are deleted after their retention period.

Days are UTC days, written `YYYY-MM-DD` on both databases (text sorts as dates do).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa

from whitecell.core.columns import ID_LENGTH
from whitecell.core.db import Base
from whitecell.core.transactions import Tx

ANALYTICS_DAILY = sa.Table(
    "analytics_daily",
    Base.metadata,
    sa.Column("day", sa.String(10), primary_key=True),
    sa.Column("event", sa.String(100), primary_key=True),
    sa.Column("module", sa.String(50), primary_key=True),  # "" for none
    sa.Column("count", sa.BigInteger(), nullable=False),
)

ANALYTICS_ACTIVE = sa.Table(
    "analytics_active",
    Base.metadata,
    sa.Column("day", sa.String(10), primary_key=True),
    sa.Column(
        "userId",
        sa.String(ID_LENGTH),
        sa.ForeignKey("users._id", ondelete="CASCADE"),  # a deleted account leaves no trace
        primary_key=True,
    ),
    sa.Index("ix_analytics_active_userId", "userId"),
)


def day_of(moment: datetime) -> str:
    return moment.date().isoformat()


async def count_events(
    tx: Tx, events: Iterable[tuple[datetime, str, str | None, str | None]]
) -> None:
    """Add events (timestamp in UTC, event, module, user id) to the day's counts and actives."""
    counts: Counter[tuple[str, str, str]] = Counter()
    active: set[tuple[str, str]] = set()
    for moment, event, module, user_id in events:
        day = day_of(moment)
        counts[(day, event, module or "")] += 1
        if user_id:
            active.add((day, user_id))
    for (day, event, module), n in sorted(counts.items()):
        await tx.execute(
            "INSERT INTO analytics_daily (day, event, module, count) "
            "VALUES (:day, :event, :module, :n) ON CONFLICT (day, event, module) "
            "DO UPDATE SET count = analytics_daily.count + excluded.count",
            {"day": day, "event": event, "module": module, "n": n},
        )
    for day, user_id in sorted(active):
        await tx.execute(
            'INSERT INTO analytics_active (day, "userId") VALUES (:day, :user) '
            "ON CONFLICT DO NOTHING",
            {"day": day, "user": user_id},
        )


def _week(tx: Tx, column: str, *, timestamp: bool = False) -> str:
    """The Monday of the ISO week of a `YYYY-MM-DD` column (or of a timestamp's UTC day), as
    `YYYY-MM-DD`."""
    if tx.dialect.is_sqlite:
        return f"date({column}, 'weekday 0', '-6 days')"
    day = f"({column} AT TIME ZONE 'UTC')::date" if timestamp else f"({column})::date"
    return f"to_char(date_trunc('week', {day}), 'YYYY-MM-DD')"


def _month(tx: Tx, column: str) -> str:
    return (
        f"substr({column}, 1, 7)"
        if tx.dialect.is_sqlite
        else f"to_char(({column})::date, 'YYYY-MM')"
    )


async def active_users(tx: Tx, first: date, last: date) -> dict[str, list[dict[str, object]]]:
    """Distinct active users per day, per ISO week (by its Monday) and per month, in range."""
    bounds = {"first": first.isoformat(), "last": last.isoformat()}
    where = "WHERE day >= :first AND day <= :last"
    found: dict[str, list[dict[str, object]]] = {}
    for name, key in (
        ("daily", "day"),
        ("weekly", _week(tx, "day")),
        ("monthly", _month(tx, "day")),
    ):
        rows = await tx.all(
            f'SELECT {key} AS period, count(DISTINCT "userId") FROM analytics_active {where} '
            "GROUP BY period ORDER BY period",
            bounds,
        )
        found[name] = [{"period": str(row[0]), "users": int(row[1])} for row in rows]
    return found


async def event_counts(
    tx: Tx, first: date, last: date, by: str, limit: int = 100
) -> list[dict[str, object]]:
    """Events in range per `module` or per `event` (and module), the most frequent first."""
    bounds = {"first": first.isoformat(), "last": last.isoformat(), "limit": limit}
    columns = "module" if by == "module" else "event, module"
    rows = await tx.all(
        f"SELECT {columns}, sum(count) AS n FROM analytics_daily "
        f"WHERE day >= :first AND day <= :last GROUP BY {columns} ORDER BY n DESC, {columns} "
        "LIMIT :limit",
        bounds,
    )
    if by == "module":
        return [{"module": row[0] or None, "count": int(row[1])} for row in rows]
    return [{"event": row[0], "module": row[1] or None, "count": int(row[2])} for row in rows]


async def retention(tx: Tx, first: date, last: date, weeks: int) -> list[dict[str, object]]:
    """Users who signed up in each ISO week of the range, and how many of them were active in
    that week and each of the `weeks` weeks after it."""
    signup = _week(tx, 'users."createdAt"', timestamp=True)
    start_of = datetime.combine(first, time(), UTC)
    end_of = datetime.combine(last + timedelta(days=1), time(), UTC)
    bounds = {
        "from": tx.store.bind_timestamp(start_of),
        "to": tx.store.bind_timestamp(end_of),
        "first": first.isoformat(),
    }
    cohorts = await tx.all(
        f'SELECT {signup} AS cohort, count(*) FROM users WHERE "createdAt" >= :from '
        'AND "createdAt" < :to GROUP BY cohort ORDER BY cohort',
        bounds,
    )
    active = await tx.all(
        f'SELECT {signup} AS cohort, {_week(tx, "a.day")} AS week, count(DISTINCT a."userId") '
        'FROM analytics_active a JOIN users ON users."_id" = a."userId" '
        'WHERE users."createdAt" >= :from AND users."createdAt" < :to AND a.day >= :first '
        "GROUP BY cohort, week",
        bounds,
    )
    by_week: dict[tuple[str, str], int] = {(str(c), str(w)): int(n) for c, w, n in active}
    answer = []
    for cohort, size in cohorts:
        start = date.fromisoformat(str(cohort))
        counts = [
            by_week.get((str(cohort), (start + timedelta(weeks=k)).isoformat()), 0)
            for k in range(weeks + 1)
        ]
        answer.append({"cohort": str(cohort), "users": int(size), "activeByWeek": counts})
    return answer
