"""Fitness goals that progress by themselves (docs/fitness.md, "Fitness goals"): weight and
body-composition goals follow the latest measurement, strength goals the best personal record of
their exercise; a goal reached is completed (`completedAt`), which pays its XP once. The rules
are `fitness/progress.py`; this reads the rows and writes the goals through core/crud.py."""

from __future__ import annotations

from typing import Any

from whitecell.core.crud import select_documents, update_server_row
from whitecell.core.stamps import completion_stamp
from whitecell.core.tables import REGISTRY, ComputeContext
from whitecell.core.transactions import Tx
from whitecell.fitness.progress import (
    best_record,
    goal_exercise,
    measured_field,
    measured_value,
    reached,
)

MEASURED_TYPES = ("weight", "body_composition", "strength")
DECIMALS = 2  # a goal's currentValue and startValue: 0.01 kg is finer than any scale


class _Readings:
    """What a user's goals follow, each read once per refresh with one indexed query."""

    def __init__(self, tx: Tx, user_id: str) -> None:
        self.tx, self.user_id = tx, user_id
        self._latest: dict[str, dict[str, Any] | None] = {}
        self._records: dict[str, list[tuple[str, float]]] | None = None

    async def value(self, goal: dict[str, Any]) -> float | None:
        """The goal's measured value in its own unit, or None (nothing measured yet, or a goal
        that does not name a measurable target)."""
        unit = str(goal.get("unit") or "")
        if goal.get("goalType") == "strength":
            records = await self.records()
            key = goal_exercise(goal, list(records))
            best = best_record(records.get(key, []), unit) if key else None
        else:
            field = measured_field(goal)
            measurement = await self.latest(field) if field else None
            best = measured_value(field, measurement, unit) if field and measurement else None
        return round(best, DECIMALS) if best is not None else None

    async def latest(self, field: str) -> dict[str, Any] | None:
        """The latest measurement (by day, then as written) that holds `field`."""
        if field not in self._latest:
            holds = "" if field == "weight" else f' AND "{field}" IS NOT NULL'
            rows = await select_documents(
                self.tx,
                "measurements",
                f'"userId" = :me{holds}',
                {"me": self.user_id},
                'ORDER BY "date" DESC, "_id" DESC LIMIT 1',
            )
            self._latest[field] = rows[0] if rows else None
        return self._latest[field]

    async def records(self) -> dict[str, list[tuple[str, float]]]:
        """Each exercise's (by `exerciseKey`) best record value per unit: heaviest-weight
        records, or records of no kind (manual ones that name none)."""
        if self._records is None:
            rows = await self.tx.all(
                'SELECT "exerciseKey", unit, max("value") FROM personal_records '
                'WHERE "userId" = :me AND ("recordType" = \'weight\' OR "recordType" IS NULL) '
                'GROUP BY "exerciseKey", unit',
                {"me": self.user_id},
            )
            self._records = {}
            for key, unit, value in rows:
                self._records.setdefault(str(key), []).append((str(unit), float(value)))
        return self._records


def _progress(goal: dict[str, Any], value: float) -> dict[str, Any]:
    """The fields of `goal` that `value` changes: its start when unknown, its current value, and
    its completion once reached."""
    changes: dict[str, Any] = {}
    if goal.get("startValue") is None:
        changes["startValue"] = value
    if goal.get("currentValue") != value:
        changes["currentValue"] = value
    if reached({**goal, **changes}, value):
        changes["status"] = "completed"
    return changes


async def refresh_goals(tx: Tx, user_id: str) -> None:
    """Recompute `currentValue` (and completion) of the user's active measurable goals, writing
    only the goals that change (each with its change event)."""
    table = REGISTRY["fitness_goals"]
    kinds = {f"kind{n}": kind for n, kind in enumerate(MEASURED_TYPES)}
    followed = ", ".join(f":{name}" for name in kinds)
    goals = await select_documents(
        tx,
        table.name,
        f'"userId" = :me AND status = :active AND "goalType" IN ({followed})',
        {"me": user_id, "active": "active", **kinds},
    )
    readings = _Readings(tx, user_id)
    for goal in goals:
        value = await readings.value(goal)
        if value is None:
            continue
        changes = _progress(goal, value)
        if changes.get("status") == "completed":  # stamped by the one rule for every goal
            after = {**goal, **changes}
            await completion_stamp(ComputeContext(tx, table, after, goal, None))
            changes["completedAt"] = after["completedAt"]
        if changes:
            await update_server_row(tx, table, goal, changes)


async def goals_follow(tx: Tx, row: dict[str, Any]) -> None:
    """After a measurement or a personal record is written or deleted: its owner's goals move."""
    await refresh_goals(tx, row["userId"])


async def goal_progress(ctx: ComputeContext) -> None:
    """Before a goal is written: its start (at creation, or when its type or unit changes), its
    current value and completion from what is measured, then `completedAt` from `status`."""
    goal, previous = ctx.document, ctx.previous
    if goal["status"] == "active" and goal["goalType"] in MEASURED_TYPES:
        value = await _Readings(ctx.tx, goal["userId"]).value(goal)
        redefined = previous is not None and any(
            previous.get(name) != goal.get(name) for name in ("goalType", "unit", "exercise")
        )
        if previous is None or redefined:
            goal["startValue"] = value
        if value is not None:
            goal.update(_progress(goal, value))
    await completion_stamp(ctx)
