"""The puzzle catalogue (`chess_puzzle_catalogue`): filled by `whitecell import lichess-puzzles
FILE` and, with the sample shipped in the package, by migration 0022; read to serve the next
puzzle and to open attempts (docs/mind.md, "Chess puzzles")."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from whitecell.core import crud
from whitecell.core.documents import codec
from whitecell.core.listing import Filter, Sql
from whitecell.core.store import Store
from whitecell.core.transactions import Tx
from whitecell.mind.puzzles.lichess import Counts, read_puzzles
from whitecell.mind.tables import CHESS_PUZZLE_CATALOGUE

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "lichess_puzzles_sample.csv"
BATCH = 500  # puzzles written per transaction: a crash loses at most one batch's progress
# How far from the wanted rating the next puzzle may be (rating points), tried in turn: near
# first, then anything rather than nothing.
SPREADS = (100, 200, 400, 800, 4000)
CATALOGUE = CHESS_PUZZLE_CATALOGUE.name


async def _with_lines(tx: Tx, where: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    """Catalogue documents with their line (`moves`, which the API never shows)."""
    c = codec(CATALOGUE, tx.dialect.name)
    rows = await tx.all(f'SELECT {c.select_list}, "moves" FROM "{CATALOGUE}" WHERE {where}', params)
    return [{**c.document(row), "moves": row[len(c.names)]} for row in rows]


async def puzzle(tx: Tx, puzzle_id: str) -> dict[str, Any] | None:
    """The catalogue's puzzle `puzzle_id` with its line, or None."""
    found = await _with_lines(tx, '"_id" = :id', {"id": puzzle_id})
    return found[0] if found else None


async def _nearest(
    tx: Tx, user_id: str, theme: str | None, low: int, high: int, *, upward: bool
) -> dict[str, Any] | None:
    c = codec(CATALOGUE, tx.dialect.name)
    sql = Sql(c)
    sql.filters(
        [Filter("rating", "gte", low), Filter("rating", "lte", high)]
        + ([Filter("themes", "eq", theme)] if theme else [])
    )
    sql.add(
        'NOT EXISTS (SELECT 1 FROM chess_puzzles s WHERE s."userId" = :me '
        f'AND s."lichessPuzzleId" = "{CATALOGUE}"."_id" AND s.solved = :yes)',
        me=user_id,
        yes=True,
    )
    way = "" if upward else " DESC"
    row = await tx.one(
        f'SELECT {c.select_list} FROM "{CATALOGUE}" WHERE {sql.where()} '
        f'ORDER BY "rating"{way}, "_id"{way} LIMIT 1',
        sql.params,
    )
    return c.document(row) if row is not None else None


async def next_puzzle(
    tx: Tx, user_id: str, rating: int, theme: str | None
) -> dict[str, Any] | None:
    """A puzzle rated near `rating` (with `theme`, if given) that the user has not solved: from a
    random rating within the nearest spread that has one, the next one up, else down; None
    when the catalogue has none at all."""
    for spread in SPREADS:
        low, high = max(0, rating - spread), rating + spread
        pivot = low + secrets.randbelow(high - low + 1)
        found = await _nearest(tx, user_id, theme, pivot, high, upward=True)
        found = found or await _nearest(tx, user_id, theme, low, pivot, upward=False)
        if found is not None:
            return found
    return None


def _changes(stored: dict[str, Any], row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k != "_id" and stored.get(k) != v}


async def store_puzzles(tx: Tx, rows: dict[str, dict[str, Any]]) -> tuple[int, int]:
    """Insert the new puzzles of `rows` (catalogue rows by id), update those that changed:
    (inserted, updated)."""
    names = {f"p{i}": puzzle_id for i, puzzle_id in enumerate(rows)}
    marks = ", ".join(f":{name}" for name in names)
    existing = {p["_id"]: p for p in await _with_lines(tx, f'"_id" IN ({marks})', names)}
    new = [row for puzzle_id, row in rows.items() if puzzle_id not in existing]
    await crud.insert_server_rows(tx, CHESS_PUZZLE_CATALOGUE, new)
    updated = 0
    for puzzle_id, stored in existing.items():
        if changes := _changes(stored, rows[puzzle_id]):
            await crud.update_server_row(tx, CHESS_PUZZLE_CATALOGUE, stored, changes)
            updated += 1
    return len(new), updated


async def import_puzzles(store: Store, lines: Iterable[str]) -> dict[str, Any]:
    """Upsert every usable puzzle of a Lichess puzzle CSV (its lines, streamed) into the
    catalogue, `BATCH` a transaction, the last row of an id winning: `{read, inserted, updated,
    unchanged, badIds, invalid, refused}`. Importing the same file again changes nothing.
    Raises `PuzzleFileError` for a file that is not a puzzle CSV."""
    counts = Counts()
    totals = dict.fromkeys(("inserted", "updated", "unchanged"), 0)

    async def flush(batch: dict[str, dict[str, Any]]) -> None:
        async with store.write() as tx:
            inserted, updated = await store_puzzles(tx, batch)
        totals["inserted"] += inserted
        totals["updated"] += updated
        totals["unchanged"] += len(batch) - inserted - updated

    batch: dict[str, dict[str, Any]] = {}
    for row in read_puzzles(lines, counts):
        batch[row["_id"]] = row
        if len(batch) >= BATCH:
            await flush(batch)
            batch = {}
    if batch:
        await flush(batch)
    return {
        "read": counts.read,
        **totals,
        "badIds": counts.bad_ids,
        "invalid": counts.invalid,
        "refused": counts.examples,
    }


async def import_sample(store: Store) -> dict[str, Any]:
    """The sample shipped in the package, imported as `whitecell import` would (migration 0022
    loads it on every install; tests load it again after emptying the tables)."""
    with SAMPLE.open(encoding="utf-8", newline="") as lines:
        return await import_puzzles(store, lines)


def sample_puzzles(ids: set[str]) -> dict[str, dict[str, Any]]:
    """The sample's puzzles of `ids`, as catalogue rows by id (the demo plays a few)."""
    with SAMPLE.open(encoding="utf-8", newline="") as lines:
        return {row["_id"]: row for row in read_puzzles(lines, Counts()) if row["_id"] in ids}
