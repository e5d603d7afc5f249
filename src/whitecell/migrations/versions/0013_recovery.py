"""One recovery check-in per user and local day: duplicates merged, streaks recomputed.

Each (userId, date) keeps its latest check-in (the greatest `_id`: ids sort by creation time),
merged with the earlier ones of that day: the day is a relapse day if any of them said so, and a
level or the notes the latest lacks come from the latest earlier one that has them. Then every
user's `currentStreak`/`longestStreak` are recomputed by the rule of docs/discipline.md (a copy:
a migration must not import the code it migrates), and the unique constraint is added.

Check-ins no longer earn XP (docs/privacy.md: they change nothing anyone else sees), so the XP
they earned (`xp_logs` rows of the `daily_check_in` rule) is removed too; `whitecell gamification
check` then sets each account's `totalXP` and `currentLevel` from what remains (docs/operations.md).

Downgrade drops the constraint; merged check-ins, recomputed streaks and the removed XP stay as
they are.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 10:40:00
"""

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CONSTRAINT = "uq_pmo_tracker_userId_date"
FILLED = ("energyLevel", "focusLevel", "moodLevel", "confidenceLevel", "notes")


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _merge_duplicates(connection: sa.Connection) -> None:
    columns = ", ".join(f'"{c}"' for c in ("_id", "userId", "date", "relapsed", *FILLED))
    found = connection.execute(
        sa.text(
            f"SELECT {columns} FROM pmo_tracker p WHERE EXISTS (SELECT 1 FROM pmo_tracker o "
            'WHERE o."userId" = p."userId" AND o."date" = p."date" AND o."_id" <> p."_id") '
            'ORDER BY "userId", "date", "_id"'
        )
    ).mappings()
    days: dict[tuple[str, date], list[dict[str, Any]]] = {}
    for row in found:
        days.setdefault((row["userId"], _day(row["date"])), []).append(dict(row))
    for group in days.values():
        *earlier, kept = group
        changes: dict[str, Any] = {"relapsed": any(bool(r["relapsed"]) for r in group)}
        for name in FILLED:
            values = [r[name] for r in group if r[name] is not None]
            changes[name] = values[-1] if values else None
        assignments = ", ".join(f'"{name}" = :{name}' for name in changes)
        connection.execute(
            sa.text(f'UPDATE pmo_tracker SET {assignments} WHERE "_id" = :id'),
            {**changes, "id": kept["_id"]},
        )
        for gone in earlier:
            connection.execute(
                sa.text('DELETE FROM pmo_tracker WHERE "_id" = :id'), {"id": gone["_id"]}
            )


def _recompute_streaks(connection: sa.Connection) -> None:
    rows = connection.execute(
        sa.text(
            'SELECT "_id", "userId", "date", relapsed, "currentStreak", "longestStreak" '
            'FROM pmo_tracker ORDER BY "userId", "date", "_id"'
        )
    ).all()
    user, anchor, longest = None, None, 0
    for doc_id, owner, day_value, relapsed, stored_current, stored_longest in rows:
        day = _day(day_value)
        if owner != user:
            user, anchor, longest = owner, None, 0
        if relapsed:
            anchor, current = day, 0
        else:
            anchor = anchor or day - timedelta(days=1)
            current = (day - anchor).days
        longest = max(longest, current)
        if (stored_current, stored_longest) != (current, longest):
            connection.execute(
                sa.text(
                    'UPDATE pmo_tracker SET "currentStreak" = :current, '
                    '"longestStreak" = :longest WHERE "_id" = :id'
                ),
                {"current": current, "longest": longest, "id": doc_id},
            )


def upgrade() -> None:
    connection = op.get_bind()
    connection.execute(sa.text("DELETE FROM xp_logs WHERE action = 'daily_check_in'"))
    _merge_duplicates(connection)
    _recompute_streaks(connection)
    with op.batch_alter_table("pmo_tracker") as batch:
        batch.create_unique_constraint(CONSTRAINT, ["userId", "date"])


def downgrade() -> None:
    with op.batch_alter_table("pmo_tracker") as batch:
        batch.drop_constraint(CONSTRAINT, type_="unique")
