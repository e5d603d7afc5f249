"""`whitecell check`: the whole store verified, one line per check (docs/operations.md, "Checking
the store"), and `--repair` where a repair cannot lose anything.

- database: SQLite's own `integrity_check` and `foreign_key_check`. PostgreSQL checks its pages
  and enforces its foreign keys itself; there this line is informational.
- references: `reference(...)` columns to tables other than `users`, and lists of references,
  are not foreign keys (a deleted row's references are released by `crud.release_references`);
  a dangling one is a bug.
  Reported, never repaired: nulling a person's reference is theirs to decide.
- search: SQLite's FTS5 tables against their rows (FTS5's own `integrity-check` against the
  content table); PostgreSQL's generated `searchVector` column and its GIN index. Repair:
  rebuild the FTS table, re-create or REINDEX the GIN index.
- files: every row whose URL names its own uploaded file has that file; files without a row
  (orphans) older than `ORPHAN_GRACE` are listed. Repair: delete those orphans, as the cleanup
  job's sweep does. A missing file cannot be repaired.
- change log: no sequence missing between the trim horizon and the newest row. On SQLite that is
  an error (AUTOINCREMENT's counter rolls back with the transaction). On PostgreSQL a gap is
  legitimate and reported as information: `seq` comes from a sequence, which never rolls back,
  so a transaction that fails at COMMIT (after `_write_change_log` inserted its rows), a crash
  (the sequence pre-logs 32 values) or a failover leaves numbers unused. Readers never rely on
  consecutive numbers, only on order.
- xp totals: `whitecell gamification check`'s comparison; repair sets the totals it computes.
"""

from __future__ import annotations

import sqlite3
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import click

from whitecell.core.config import Settings
from whitecell.core.context import AppContext
from whitecell.core.files import ORPHAN_GRACE, VARIANTS, file_keys, sweep_orphans
from whitecell.core.search import fts_ddl, fts_table
from whitecell.core.store import Store
from whitecell.core.tables import REGISTRY, Kind, Table
from whitecell.gamification.check import check as check_xp_totals
from whitecell.server import run_with_context

SHOWN = 10  # problems printed per check; the count says how many there are


@dataclass
class Outcome:
    """One check's result: what is wrong, what is only worth knowing, and what was repaired."""

    name: str
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    repaired: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems or self.repaired >= len(self.problems)

    def summary(self) -> str:
        if not self.problems:
            head = f"{self.name}: OK"
        else:
            head = f"{self.name}: {len(self.problems)} problem(s)"
            if self.repaired:
                head += f", {self.repaired} repaired"
        if self.notes:
            head += f" ({'; '.join(self.notes)})"
        return "\n".join([head, *(f"  {problem}" for problem in self.problems[:SHOWN])])


async def check_database(store: Store) -> Outcome:
    outcome = Outcome("database")
    if not store.dialect.is_sqlite:
        # A foreign key added NOT VALID is enforced on new rows only: old ones may dangle.
        async with store.read() as tx:
            unchecked = await tx.all(
                "SELECT conrelid::regclass::text, conname FROM pg_constraint "
                "WHERE contype = 'f' AND NOT convalidated AND connamespace = "
                "CAST(current_schema() AS regnamespace)"
            )
        outcome.problems += [f"{row[0]}: foreign key {row[1]} never validated" for row in unchecked]
        outcome.notes.append("PostgreSQL enforces its foreign keys")
        return outcome
    async with store.read() as tx:
        verdict = [str(row[0]) for row in await tx.all("PRAGMA integrity_check")]
        dangling = await tx.all("PRAGMA foreign_key_check")
    outcome.problems += [f"integrity: {line}" for line in verdict if line != "ok"]
    outcome.problems += [
        f"{row[0]} row {row[1]} refers to a missing {row[2]} row" for row in dangling
    ]
    return outcome


def _unenforced_references(table: Table) -> list[str]:
    """`table`'s reference columns the database does not enforce: every list of references, and
    single references to tables other than `users` (`core/ddl.py` makes those foreign keys)."""
    if not table.derive_schema:
        return []
    return [
        column.name
        for column in table.columns.values()
        if column.ref
        and column.name != "userId"
        and not (column.ref == "users" and column.kind == Kind.ID)
    ]


async def check_references(store: Store) -> Outcome:
    outcome = Outcome("references")
    async with store.read() as tx:
        for table in REGISTRY.values():
            for name in _unenforced_references(table):
                column, target = table.columns[name], table.columns[name].ref
                if column.kind == Kind.ID:
                    values = f't."{name}"'
                    source = f'"{table.name}" t'
                elif tx.dialect.is_sqlite:
                    values, source = "e.value", f'"{table.name}" t, json_each(t."{name}") e'
                else:
                    values = "e.value"
                    source = f'"{table.name}" t, jsonb_array_elements_text(t."{name}") e(value)'
                count = await tx.scalar(
                    f"SELECT count(*) FROM {source} WHERE {values} IS NOT NULL AND NOT EXISTS "
                    f'(SELECT 1 FROM "{target}" r WHERE r."_id" = {values})'
                )
                if count:
                    outcome.problems.append(
                        f"{table.name}.{name}: {count} reference(s) to missing {target} rows"
                    )
    return outcome


def _searched() -> list[Table]:
    return [table for table in REGISTRY.values() if table.search]


async def _fts_out_of_sync(store: Store, table: Table) -> str | None:
    """Why `table`'s FTS5 index disagrees with its rows, or None when it agrees."""
    fts = fts_table(table)
    try:
        # FTS5 compares its index with the content table itself (rank 1: the external content).
        async with store.write() as tx:
            await tx.execute(f'INSERT INTO "{fts}"("{fts}", rank) VALUES (\'integrity-check\', 1)')
        return None
    except sqlite3.DatabaseError as error:
        if error.sqlite_errorcode & 0xFF != sqlite3.SQLITE_CORRUPT:
            raise  # busy, locked...: not a verdict on the index
        async with store.read() as tx:
            missing = await tx.scalar(
                f'SELECT count(*) FROM "{table.name}" WHERE rowid NOT IN '
                f'(SELECT id FROM "{fts}_docsize")'
            )
            stale = await tx.scalar(
                f'SELECT count(*) FROM "{fts}_docsize" WHERE id NOT IN '
                f'(SELECT rowid FROM "{table.name}")'
            )
        return f"{fts}: out of sync ({missing} row(s) not indexed, {stale} stale entries)"


async def _vector_faults(store: Store, table: Table) -> list[str]:
    """What is wrong with `table`'s `searchVector` column and its GIN index on PostgreSQL."""
    index = f"ix_{table.name}_searchVector"
    async with store.read() as tx:
        generated = await tx.scalar(
            "SELECT attgenerated FROM pg_attribute WHERE attrelid = CAST(:t AS regclass) "
            "AND attname = 'searchVector' AND NOT attisdropped",
            {"t": f'"{table.name}"'},
        )
        valid = await tx.scalar(
            "SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE c.relname = :index",
            {"index": index},
        )
        empty = 0
        if generated:
            texts = " OR ".join(f'"{name}" IS NOT NULL' for name in table.search)
            empty = await tx.scalar(
                f'SELECT count(*) FROM "{table.name}" WHERE "searchVector" IS NULL AND ({texts})'
            )
    faults = []
    if generated != "s":
        faults.append(f"{table.name}.searchVector: missing or not a generated column")
    if valid is None:
        faults.append(f"{index}: missing")
    elif not valid:
        faults.append(f"{index}: invalid")
    if empty:
        faults.append(f"{table.name}.searchVector: null on {empty} row(s) with text")
    return faults


async def _repair_vector_index(store: Store, table: Table, fault: str) -> bool:
    index = f"ix_{table.name}_searchVector"
    if not fault.startswith(index):
        return False  # a missing column is a migration's to add, not ours
    async with store.write() as tx:
        if fault.endswith("invalid"):
            await tx.execute(f'REINDEX INDEX "{index}"')
        else:
            [create] = [s for s in fts_ddl("postgresql", table)[0] if s.startswith("CREATE")]
            await tx.execute(create)
    return True


async def check_search(store: Store, *, repair: bool) -> Outcome:
    outcome = Outcome("search indexes")
    for table in _searched():
        if store.dialect.is_sqlite:
            fault = await _fts_out_of_sync(store, table)
            if fault is None:
                continue
            outcome.problems.append(fault)
            if repair:
                fts = fts_table(table)
                async with store.write() as tx:
                    await tx.execute(f'INSERT INTO "{fts}"("{fts}") VALUES (\'rebuild\')')
                outcome.repaired += 1
            continue
        for fault in await _vector_faults(store, table):
            outcome.problems.append(fault)
            if repair and await _repair_vector_index(store, table, fault):
                outcome.repaired += 1
    return outcome


def _keeps_own_file(table: Table, document_id: str, url: Any) -> bool:
    """Whether a row's URL column points at the file uploaded for it (not at a link elsewhere)."""
    assert table.upload is not None
    first = table.upload.variants[0]
    return isinstance(url, str) and url.endswith(f"/{table.name}/{document_id}/{first}")


async def check_files(context: AppContext, *, repair: bool) -> Outcome:
    outcome = Outcome("files")
    storage, cutoff = context.storage, datetime.now(UTC) - ORPHAN_GRACE
    young = 0
    for table in REGISTRY.values():
        if table.upload is None:
            continue
        async with context.store.read() as tx:
            rows = await tx.all(
                f'SELECT "_id", "userId", "{table.upload.url}" FROM "{table.name}" '
                f'WHERE "{table.upload.url}" IS NOT NULL'
            )
        alive = set()
        for document_id, user_id, url in rows:
            alive.add(document_id)
            if not _keeps_own_file(table, document_id, url):
                continue
            for key in file_keys(table, user_id, document_id):
                if await storage.stat(key) is None:
                    outcome.problems.append(f"missing file {key} ({table.name} {document_id})")
        async with context.store.read() as tx:
            every = {row[0] for row in await tx.all(f'SELECT "_id" FROM "{table.name}"')}
        for item in await storage.list(table.name):
            document_id, _, variant = item.key.rsplit("/", 1)[-1].rpartition(".")
            if variant not in VARIANTS or document_id in every:
                continue
            if item.modified < cutoff:
                outcome.problems.append(f"orphan file {item.key} (no {table.name} row)")
            else:
                young += 1
    if young:
        outcome.notes.append(f"{young} file(s) without a row younger than the grace period")
    if repair:
        orphans = sum(1 for problem in outcome.problems if problem.startswith("orphan"))
        if orphans:
            outcome.repaired += min(orphans, await sweep_orphans(context.store, storage))
    return outcome


async def check_change_log(store: Store) -> Outcome:
    outcome = Outcome("change log")
    async with store.read() as tx:
        horizon = int(await tx.scalar("SELECT seq FROM change_log_horizon WHERE id = 1") or 0)
        newest = await tx.scalar("SELECT max(seq) FROM change_log")
        if newest is None:
            return outcome
        present = int(
            await tx.scalar("SELECT count(*) FROM change_log WHERE seq > :h", {"h": horizon}) or 0
        )
        gaps = await tx.all(
            "SELECT previous, seq FROM (SELECT seq, LAG(seq, 1, :h) OVER (ORDER BY seq) AS "
            "previous FROM change_log WHERE seq > :h) steps WHERE seq - previous > 1 "
            "ORDER BY seq LIMIT :n",
            {"h": horizon, "n": SHOWN},
        )
    missing = int(newest) - horizon - present
    if not missing:
        return outcome
    shown = ", ".join(f"{int(a) + 1}-{int(b) - 1}" for a, b in gaps)
    text = f"{missing} seq(s) missing after the horizon {horizon}: {shown}"
    if store.dialect.is_sqlite:
        outcome.problems.append(text)
    else:
        outcome.notes.append(text + "; unused sequence numbers, not lost changes")
    return outcome


async def check_xp(store: Store, *, repair: bool) -> Outcome:
    outcome = Outcome("xp totals")
    findings = await check_xp_totals(store, repair=repair)
    outcome.problems += [str(finding) for finding in findings]
    outcome.repaired = len(findings) if repair else 0
    return outcome


async def check_store(context: AppContext, *, repair: bool) -> list[Outcome]:
    """Every check, in order; with `repair`, the safe repairs made as they go."""
    store = context.store
    return [
        await check_database(store),
        await check_references(store),
        await check_search(store, repair=repair),
        await check_files(context, repair=repair),
        await check_change_log(store),
        await check_xp(store, repair=repair),
    ]


@click.command("check")
@click.option("--repair", is_flag=True, help="Repair what is safe to repair (see the docs).")
@click.pass_obj
def check(settings: Settings, repair: bool) -> None:
    """Verify the whole store: database integrity, references, search indexes, files, the change
    log and XP totals; one line per check. Exits 1 if something is wrong (and not repaired)."""

    outcomes = run_with_context(settings, lambda context: check_store(context, repair=repair))
    for outcome in outcomes:
        click.echo(outcome.summary())
    if not all(outcome.ok for outcome in outcomes):
        sys.exit(1)
