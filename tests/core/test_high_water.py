"""The change log's order for its readers (docs/realtime.md, "Ordering without a writer lock"):
on PostgreSQL, writers in several processes number rows in parallel and readers that stop at
the high-water mark still see every row once, in an order that keeps conflicting writes in
commit order; on SQLite, one writer numbers rows in commit order with no gaps."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from tests.core.changelog_racer import RACE_TABLE
from tests.support import POSTGRES_URL
from whitecell.core import migrations
from whitecell.core.changes import ChangeEvent
from whitecell.core.highwater import NO_LIMIT, HighWaterMark
from whitecell.core.store import Store
from whitecell.realtime import log

ROOT = Path(__file__).resolve().parents[2]
WRITERS, PER_WRITER = 3, 150


def test_the_mark_waits_for_every_transaction_open_when_numbers_were_seen() -> None:
    mark = HighWaterMark()
    assert mark.observe(10, frozenset({100, 101})) == 0  # 100 and 101 may hold numbers <= 10
    assert mark.behind
    assert mark.observe(12, frozenset({101, 102})) == 0  # 101 is still open
    assert mark.observe(15, frozenset({102, 103})) == 10  # 100, 101 ended: <= 10 are final
    assert mark.observe(15, frozenset({104})) == 15  # 102, 103 ended: <= 12 and <= 15 final
    assert not mark.behind
    assert mark.observe(9, frozenset()) == 15  # never backwards


@pytest.mark.skipif(not POSTGRES_URL, reason="parallel writers need PostgreSQL")
async def test_racing_writers_in_several_processes_reach_a_reader_once_and_in_order(
    database_url: str,
) -> None:
    store = Store(database_url)
    await store.open()
    async with store.write() as tx:
        await tx.execute("DROP TABLE IF EXISTS race_counter")
        await tx.execute("CREATE TABLE race_counter (id int PRIMARY KEY, n int NOT NULL)")
        await tx.execute("INSERT INTO race_counter VALUES (1, 0)")
    writers = [
        subprocess.Popen(  # noqa: ASYNC220 - the writers run while this loop reads
            [
                sys.executable,
                "-m",
                "tests.core.changelog_racer",
                database_url,
                str(seed),
                str(PER_WRITER),
            ],
            cwd=ROOT,
        )
        for seed in range(WRITERS)
    ]
    delivered: list[ChangeEvent] = []
    visible: set[int] = set()  # every number seen committed so far
    overtaken = 0  # rows that became visible after a higher number already was
    position = 0
    try:
        while True:
            running = any(writer.poll() is None for writer in writers)
            upto = await store.high_water(patience=0.0 if running else 5.0)
            async with store.read() as tx:
                fresh = await log.after(tx, position, 10_000, upto)
                now = await tx.all("SELECT seq FROM change_log WHERE seq > :p", {"p": position})
            newly = {int(row[0]) for row in now} - visible
            overtaken += sum(1 for seq in newly if visible and seq < max(visible))
            visible |= newly
            delivered += [event for event in fresh if event.table == RACE_TABLE]
            position = max([position, *(event.seq for event in fresh)])
            if not running:
                break
            await asyncio.sleep(0.001)
        assert [writer.wait() for writer in writers] == [0] * WRITERS
        async with store.read() as tx:
            rows = await tx.all('SELECT seq FROM change_log WHERE "table" = :t', {"t": RACE_TABLE})
    finally:
        for writer in writers:
            writer.kill()
        async with store.write() as tx:
            await tx.execute("DROP TABLE IF EXISTS race_counter")
        await store.close()

    seqs = [event.seq for event in delivered]
    assert seqs == sorted(set(seqs)), "a row delivered twice or out of number order"
    assert set(seqs) == {int(row[0]) for row in rows}, "a committed row never delivered"
    assert WRITERS * PER_WRITER * 0.8 < len(seqs) < WRITERS * PER_WRITER  # some rolled back
    counters = [e.document["counter"] for e in delivered if e.document and "counter" in e.document]
    assert counters == sorted(counters), "conflicting writes delivered out of commit order"
    # The race happened: a reader of the newest row alone would have lost these for good.
    assert overtaken > 0


async def test_sqlite_numbers_rows_in_commit_order_without_gaps(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'order.db'}"
    migrations.upgrade(url)
    store = Store(url)
    await store.open()
    async with store.write() as tx:
        await tx.execute("CREATE TABLE race_counter (id INTEGER PRIMARY KEY, n INTEGER)")
        await tx.execute("INSERT INTO race_counter VALUES (1, 0)")
    committed: list[ChangeEvent] = []

    def at_commit(events: Sequence[ChangeEvent]) -> None:  # called in commit order
        committed.extend(events)

    store.subscribe(at_commit)

    async def writer(seed: int) -> None:
        for n in range(40):
            async with store.write() as tx:
                counter = await tx.scalar(
                    "UPDATE race_counter SET n = n + 1 WHERE id = 1 RETURNING n"
                )
                await asyncio.sleep(0)  # others queue for the one writer meanwhile
                tx.record(ChangeEvent(RACE_TABLE, "insert", f"{seed}-{n}", None, {"c": counter}))

    await asyncio.gather(*(writer(seed) for seed in range(5)))
    assert await store.high_water() == NO_LIMIT  # nothing to wait for
    seqs = [event.seq for event in committed]
    assert seqs == list(range(seqs[0], seqs[0] + 200)), "numbers out of commit order or gaps"
    assert [event.document["c"] for event in committed if event.document] == list(range(1, 201))
    async with store.read() as tx:
        assert [e.seq for e in await log.after(tx, 0, 1_000, NO_LIMIT)] == seqs
    await store.close()
