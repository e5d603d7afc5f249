"""The database answers the hot queries through indexes: counts and owner-scoped pages never scan
a table, and the daily review queue needs no sort step."""

from __future__ import annotations

import pytest

from tests.support import Api
from whitecell.core.tables import REGISTRY

OWNED = [pytest.param(t.name, id=t.name) for t in REGISTRY.values() if t.owned]


async def _plan(api: Api, sql: str, params: dict[str, object]) -> str:
    async with api.context.store.read() as tx:
        if tx.dialect.is_sqlite:
            rows = await tx.all(f"EXPLAIN QUERY PLAN {sql}", params)
            return "\n".join(str(row[-1]) for row in rows)
        # Tables here are tiny, so PostgreSQL would rightly scan them; forbid that to see
        # whether an index could answer at all.
        await tx.execute("SET enable_seqscan = off")
        try:
            rows = await tx.all(f"EXPLAIN {sql}", params)
        finally:
            await tx.execute("RESET enable_seqscan")
        return "\n".join(str(row[0]) for row in rows)


def _scans(plan: str) -> bool:
    return "Seq Scan" in plan or any(
        line.strip().startswith("SCAN ") and "USING" not in line for line in plan.splitlines()
    )


@pytest.mark.parametrize("table", OWNED)
async def test_a_users_count_uses_an_index(api: Api, table: str) -> None:
    plan = await _plan(api, f'SELECT count(*) FROM "{table}" WHERE "userId" = :me', {"me": "u"})
    assert not _scans(plan), plan


async def test_the_review_queue_is_read_in_index_order(api: Api) -> None:
    plan = await _plan(
        api,
        'SELECT "_id" FROM flashcards WHERE "userId" = :me AND "nextReviewDate" <= :now '
        'ORDER BY "nextReviewDate", "_id" LIMIT 21',
        {"me": "u", "now": "2026-11-24 00:00:00.000000"},
    )
    assert not _scans(plan), plan
    assert "TEMP B-TREE" not in plan, plan  # SQLite: no sort of the whole queue
