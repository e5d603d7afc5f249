"""Discipline's periodic work (run by the cleanup job, `whitecell/cleanup.py`): making recurring
tasks' instances for the coming days, in each user's time zone (docs/discipline.md, "Recurring
tasks")."""

from __future__ import annotations

from whitecell.core.clock import local_today
from whitecell.core.context import AppContext
from whitecell.core.documents import codec
from whitecell.discipline.hooks import make_due_instances
from whitecell.discipline.tables import DAILY_TASKS, TASK_RECURRENCES


async def make_recurring_tasks(ctx: AppContext) -> dict[str, int]:
    """Instances of every recurrence through its user's today + the horizon not made yet: how
    many were made (the cleanup reports it beside what it removed)."""
    made = 0
    async with ctx.store.write() as tx:
        c = codec(TASK_RECURRENCES.name, tx.dialect.name)
        rows = await tx.all(
            f"SELECT {c.select_list}, u.timezone FROM task_recurrences JOIN users u "
            'ON u."_id" = task_recurrences."userId" ORDER BY task_recurrences."_id"'
        )
        for row in rows:
            rule, timezone = c.document(row[:-1]), row[-1]
            today = local_today(timezone)
            made += len(await make_due_instances(tx, DAILY_TASKS, TASK_RECURRENCES, rule, today))
    return {"recurring_tasks_made": made}
