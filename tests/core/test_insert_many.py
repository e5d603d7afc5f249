"""`Tx.insert_many`, the write of derived rows without change events (a workout's sets): every
row arrives as given, past PostgreSQL's 65,535 parameters a statement too."""

from __future__ import annotations

from whitecell.core.dialect import POSTGRES_MAX_PARAMETERS
from whitecell.core.store import Store

ROWS = POSTGRES_MAX_PARAMETERS // 3 + 7  # three columns: more than one statement's worth


async def test_rows_past_one_statement_s_parameters_all_arrive_as_given(database_url: str) -> None:
    store = Store(database_url)
    await store.open()
    try:
        async with store.write() as tx:
            await tx.execute("DROP TABLE IF EXISTS many_rows")
            await tx.execute("CREATE TABLE many_rows (n INTEGER, word TEXT, note TEXT)")
        rows = [(n, f"w{n}", None if n % 2 else "50% off") for n in range(ROWS)]
        async with store.write() as tx:
            await tx.insert_many('INSERT INTO many_rows ("n", "word", "note")', rows)
            await tx.insert_many('INSERT INTO many_rows ("n", "word", "note")', [])
        async with store.read() as tx:
            stored = await tx.all("SELECT n, word, note FROM many_rows ORDER BY n")
        assert [tuple(row) for row in stored] == rows
    finally:
        async with store.write() as tx:
            await tx.execute("DROP TABLE IF EXISTS many_rows")
        await store.close()
